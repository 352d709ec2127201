/// A medicine class ready for classification: what it assigns, and how it picks its
/// per-device numbers.
struct CompiledMedicineClass: Sendable {
  var id: String
  var role: MedicineRole
  var containsICS: Bool
  var count: FormularyDefinition.CountMethod
  var doses: CompiledPerDevice?
  var units: CompiledPerDevice?
  var days: CompiledPerDevice?
  var minimumAgeYears: Int?

  /// The classification of a product of this class, with its numbers chosen from its BNF code
  /// and name terms.
  func classification(
    bnf: String?, terms: TermSetBits?, matchedBy: MatchMethod, presentationLength: Int
  ) -> ProductClassification {
    ProductClassification(
      role: role, classID: id, containsICS: containsICS,
      dosesPerDevice: doses?.value(bnf: bnf, terms: terms, presentationLength: presentationLength),
      unitsPerDevice: units?.value(bnf: bnf, terms: terms, presentationLength: presentationLength),
      daysPerDevice: days?.value(bnf: bnf, terms: terms, presentationLength: presentationLength),
      minimumAgeYears: minimumAgeYears,
      matchedBy: matchedBy)
  }
}

/// A per-device number: the first override whose BNF pattern or name pattern matches, else the
/// default.
struct CompiledPerDevice: Sendable {
  struct Override: Sendable {
    var bnf: [BNFPattern]
    var names: [CompiledNamePattern]
    var value: Int
  }

  var defaultValue: Int
  var overrides: [Override]

  func value(bnf: String?, terms: TermSetBits?, presentationLength: Int) -> Int {
    for override in overrides {
      if let bnf, override.bnf.contains(where: { $0.matches(bnf, presentationLength: presentationLength) }) {
        return override.value
      }
      if let terms, override.names.contains(where: { $0.matches(terms) }) { return override.value }
    }
    return defaultValue
  }
}

/// A BNF rule tied to the class it assigns.
struct CompiledBNFRule: Sendable {
  var classIndex: Int
  var patterns: [BNFPattern]
  var name: CompiledNamePattern?
  var appliesWithoutName: Bool

  func matches(_ code: String, terms: TermSetBits?, presentationLength: Int) -> Bool {
    guard patterns.contains(where: { $0.matches(code, presentationLength: presentationLength) }) else { return false }
    guard let name else { return true }
    guard let terms else { return appliesWithoutName }
    return name.matches(terms)
  }
}
