/// Classifies supplied products into medicine roles and turns quantities into devices, as the
/// formulary definition and its codelists say.
///
/// Why this shape: `classify` is called once per row of exports with tens of millions of rows,
/// most of them medicines outside the asthma picture. Everything the codelists say is indexed
/// once, at load, so that a code found in a list costs one dictionary look-up and a code in no
/// list costs a few more before it is called `other`.
///
/// Order of evidence, strongest first (DOMAIN.md section 3): the dm+d code; the BNF code, as
/// listed or through its generic equivalent; the exact dm+d name; BNF code rules with the
/// product's form; name patterns.
public struct Formulary: Sendable {
  /// The definition's version, recorded with every run.
  public var version: String
  /// The gap in days within which oral steroid issues are one course.
  public var courseMergeDays: Int
  /// How an export's `quantity_unit` is read.
  public let quantityUnits: QuantityUnitTable
  /// Where products beyond the codelists came from (a dm+d release, a pinned product table),
  /// as name and value pairs for the manifest; empty when there were none.
  public var productSource: [(String, String)] = []

  /// The names ``provenance`` can hold, in the order it holds them.
  public static let provenanceKeys = ["version", "products_from", "product_table", "dmd_release", "dmd_release_date", "dmd_products"]

  /// What a run's manifest says the formulary was built from.
  public var provenance: [(String, String)] { [("version", version)] + productSource }

  let doseThreshold: Double
  let bnfFormat: BNFCodeFormat
  let matcher: TermMatcher
  let classes: [CompiledMedicineClass]
  let classIndex: [String: Int]
  var byDMD: [String: ProductClassification]
  let byBNF: [String: ProductClassification]
  let byName: [String: ProductClassification]
  /// BNF rules that can match codes of a chapter+section, keyed by it, in priority order. A
  /// code of any other section has only to try the rules whose patterns are shorter.
  let bnfRulesBySection: [Substring: [CompiledBNFRule]]
  /// BNF rules with a pattern shorter than a chapter+section, in priority order.
  let bnfRulesForAnySection: [CompiledBNFRule]
  let namePatterns: [(classIndex: Int, pattern: CompiledNamePattern)]
  let safetyNet: CompiledSafetyNet
  let conflictRank: [MedicineRole: Int]
  /// The classes' dm+d release rules, in priority order.
  let dmdRules: [CompiledDMDRule]
  let packSizeChoice: FormularyDefinition.PackSizeChoice
  /// Codes a dm+d release holds for products outside the asthma picture: known, so `other`
  /// by code (and a name that says otherwise is a conflict), not unknown.
  var knownOtherDMD: Set<UInt64> = []

  /// The class id given to valid products that no class claims.
  public static let otherClassID = "other"

  /// Classifies a product by whatever identifiers the supply row has: the classification of
  /// ``identify(dmdCode:bnfCode:name:unit:)``, without what was found on the way.
  ///
  /// `nil` when the product cannot be identified: no well-formed dm+d or BNF code, and a name
  /// the formulary does not know. A well-formed dm+d code (a SNOMED CT concept id) or BNF code
  /// that is not asthma-related classifies as role `other`, matched by that code, unless it
  /// looks respiratory (then `unclassified`).
  public func classify(dmdCode: String?, bnfCode: String?, name: String?) -> ProductClassification? {
    identify(dmdCode: dmdCode, bnfCode: bnfCode, name: name).classification
  }

  /// BNF rules with the product's form, then name patterns, then `other` for a well-formed
  /// code: how a product in no codelist is classified. Tests call it directly to check that
  /// the rules alone would find every listed product.
  func classifyByRules(dmd: String?, bnf: String?, normalisedName: String?, terms: TermSetBits? = nil) -> ProductClassification? {
    let terms = terms ?? normalisedName.map(matcher.matches(in:))
    let validBNF = bnf.flatMap { bnfFormat.isWellFormed($0) ? $0 : nil }
    if let validBNF, let rule = bnfRule(for: validBNF, terms: terms) {
      return classes[rule.classIndex].classification(
        bnf: validBNF, terms: terms, matchedBy: .bnfCode, presentationLength: bnfFormat.presentationLength)
    }
    if let terms, let hit = namePatterns.first(where: { $0.pattern.matches(terms) }) {
      return classes[hit.classIndex].classification(
        bnf: validBNF, terms: terms, matchedBy: .name, presentationLength: bnfFormat.presentationLength)
    }
    if let dmd, ProductCodes.isWellFormedSNOMED(dmd) { return Self.other(matchedBy: .dmdCode) }
    if validBNF != nil { return Self.other(matchedBy: .bnfCode) }
    return nil
  }

  private func bnfRule(for code: String, terms: TermSetBits?) -> CompiledBNFRule? {
    let rules = bnfRulesBySection[code.prefix(bnfFormat.numericPrefixLength)] ?? bnfRulesForAnySection
    return rules.first { $0.matches(code, terms: terms, presentationLength: bnfFormat.presentationLength) }
  }

  static func other(matchedBy: MatchMethod) -> ProductClassification {
    ProductClassification(role: .other, classID: otherClassID, containsICS: false, matchedBy: matchedBy)
  }
}
