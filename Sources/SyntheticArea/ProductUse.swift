/// What a planted supply is for, and which products a prescriber would usually choose for it.
///
/// Each use draws from one formulary class (so every product it gives is, by construction, one
/// the formulary puts in that class) and prefers the products children in England are most
/// often given; the rest of the class appears now and then, as unusual products do.
enum ProductUse: Int, CaseIterable, Sendable {
  case reliever
  case inhaledSteroid
  case steroidWithLABA
  case montelukastChild
  case montelukastAdult
  case icsFormoterol
  case salbutamolNebule
  case steroidNebule
  case prednisolone
  case labaAlone
  case tripleInhaler
  case spacer

  /// The formulary class the products come from.
  var classID: String {
    switch self {
    case .reliever: return "saba_inhaler"
    case .inhaledSteroid: return "ics_inhaler"
    case .steroidWithLABA: return "ics_laba"
    case .montelukastChild, .montelukastAdult: return "ltra"
    case .icsFormoterol: return "ics_formoterol"
    case .salbutamolNebule: return "saba_nebule"
    case .steroidNebule: return "ics_nebule"
    case .prednisolone: return "oral_prednisolone"
    case .labaAlone: return "laba_alone"
    case .tripleInhaler: return "ics_laba_lama_inhaler"
    case .spacer: return "spacer"
    }
  }

  /// Name fragments of the usual choices (case-insensitive).
  var usual: [String] {
    switch self {
    case .reliever:
      return ["Salbutamol 100micrograms/dose inhaler CFC free", "Ventolin 100micrograms/dose Evohaler",
              "Salamol 100micrograms/dose inhaler CFC free", "Salbutamol 100micrograms/dose breath actuated inhaler CFC free",
              "Easyhaler Salbutamol sulfate 100micrograms", "Airomir 100micrograms/dose inhaler"]
    case .inhaledSteroid:
      return ["Clenil Modulite 100micrograms/dose inhaler", "Clenil Modulite 50micrograms/dose inhaler",
              "Beclometasone 100micrograms/dose inhaler CFC free", "Qvar 50 inhaler", "Kelhale 50micrograms",
              "Soprobec 100micrograms", "Flixotide 50micrograms/dose Evohaler", "Flixotide 125micrograms/dose Evohaler",
              "Pulmicort 100 Turbohaler", "Easyhaler Budesonide 100micrograms"]
    case .steroidWithLABA:
      return ["Seretide 50 Evohaler", "Seretide 125 Evohaler", "Seretide 100 Accuhaler",
              "Fluticasone 50micrograms/dose / Salmeterol 25micrograms/dose inhaler CFC free"]
    case .montelukastChild:
      return ["Montelukast 4mg granules", "Montelukast 4mg chewable", "Montelukast 5mg chewable"]
    case .montelukastAdult:
      return ["Montelukast 10mg tablets"]
    case .icsFormoterol:
      return ["Symbicort 100/6 Turbohaler", "Symbicort 200/6 Turbohaler", "DuoResp Spiromax 160micrograms/dose / 4.5",
              "Fobumix Easyhaler 80micrograms", "Fobumix Easyhaler 160micrograms", "Fostair 100micrograms/dose / 6micrograms/dose inhaler",
              "Fostair NEXThaler 100micrograms", "Budesonide 100micrograms/dose / Formoterol 6micrograms/dose dry powder inhaler",
              "Budesonide 200micrograms/dose / Formoterol 6micrograms/dose dry powder inhaler",
              "Symbicort 200micrograms/dose / 6micrograms/dose pressurised inhaler"]
    case .salbutamolNebule:
      return ["Salbutamol 2.5mg/2.5ml nebuliser liquid unit dose vials", "Ventolin 2.5mg Nebules"]
    case .steroidNebule:
      return ["Budesonide 500micrograms/2ml nebuliser liquid unit dose vials", "Pulmicort 0.5mg Respules"]
    case .prednisolone:
      return ["Prednisolone 5mg soluble tablets", "Prednisolone 5mg tablets", "Prednisolone 10mg/ml oral solution sugar free"]
    case .labaAlone:
      return ["Serevent 25micrograms/dose Evohaler", "Salmeterol 25micrograms/dose inhaler CFC free"]
    case .tripleInhaler:
      return ["Trimbow", "Trelegy"]
    case .spacer:
      return ["AeroChamber", "Volumatic", "A2A"]
    }
  }

  /// In how many draws out of 100 the usual choices are taken.
  var usualPercent: Int { 85 }
}
