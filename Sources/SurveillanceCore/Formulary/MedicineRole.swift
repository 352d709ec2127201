/// What a supplied product does for a child with asthma: the vocabulary that signal rules
/// count in. Which product has which role is data (`rules/formulary/`), never code.
public enum MedicineRole: String, Codable, CaseIterable, Sendable, Comparable {
  /// Short-acting beta-2 agonist inhaler (salbutamol, terbutaline): the blue "reliever".
  case reliever
  /// Inhaled corticosteroid alone, an ICS/LABA combination that is not MART-capable, or a
  /// leukotriene receptor antagonist (montelukast): the "preventer".
  case preventer
  /// ICS/formoterol licensed as maintenance and reliever (MART) or anti-inflammatory
  /// reliever (AIR): reliever and preventer at once, never counted as a SABA.
  case icsFormoterol = "ics_formoterol"
  /// Salbutamol or terbutaline for a nebuliser.
  case sabaNebule = "saba_nebule"
  /// Any other nebuliser liquid (ipratropium, budesonide, fluticasone...).
  case otherNebule = "other_nebule"
  /// Oral corticosteroid (prednisolone, dexamethasone for asthma), counted in courses.
  case oralSteroid = "oral_steroid"
  /// Long-acting beta-2 agonist without a steroid: unsafe alone in asthma.
  case labaAlone = "laba_alone"
  /// Spacer or other inhalation device, no medicine.
  case spacer
  /// A product that looks respiratory (its BNF section, an asthma word in its name, an
  /// inhaler or nebule unit) but that no formulary class claims. Kept on the child's record
  /// and shown, counted by no rule: the tool says what it could not classify rather than
  /// setting it aside with the paracetamol.
  case unclassified
  /// Anything else: a valid product that is not part of the asthma picture.
  case other

  /// Whether supplies in this role build the child's respiratory timeline.
  public var isRespiratory: Bool { self != .other }

  public static func < (lhs: MedicineRole, rhs: MedicineRole) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}
