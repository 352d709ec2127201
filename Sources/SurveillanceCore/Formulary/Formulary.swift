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

  let doseThreshold: Double
  let bnfFormat: BNFCodeFormat
  let matcher: TermMatcher
  let classes: [CompiledMedicineClass]
  let classIndex: [String: Int]
  let byDMD: [String: ProductClassification]
  let byBNF: [String: ProductClassification]
  let byName: [String: ProductClassification]
  /// BNF rules that can match codes of a chapter+section, keyed by it, in priority order. A
  /// code of any other section has only to try the rules whose patterns are shorter.
  let bnfRulesBySection: [Substring: [CompiledBNFRule]]
  /// BNF rules with a pattern shorter than a chapter+section, in priority order.
  let bnfRulesForAnySection: [CompiledBNFRule]
  let namePatterns: [(classIndex: Int, pattern: CompiledNamePattern)]

  /// The class id given to valid products that no class claims.
  public static let otherClassID = "other"

  /// Classifies a product by whatever identifiers the supply row has.
  ///
  /// `nil` when the product cannot be identified: no well-formed dm+d or BNF code, and a name
  /// the formulary does not know. A well-formed dm+d code (a SNOMED CT concept id) or BNF code
  /// that is not asthma-related classifies as role `other`, matched by that code.
  public func classify(dmdCode: String?, bnfCode: String?, name: String?) -> ProductClassification? {
    let dmd = ProductCodes.cleanDMD(dmdCode)
    if let dmd, let listed = byDMD[dmd] { return listed }

    let bnf = ProductCodes.cleanBNF(bnfCode)
    if let bnf {
      if let listed = byBNF[bnf] { return listed }
      if let generic = bnfFormat.genericEquivalent(of: bnf), let listed = byBNF[generic] { return listed }
    }

    let normalisedName = name.map(NameText.normalise).flatMap { $0.isEmpty ? nil : $0 }
    if let normalisedName, let listed = byName[normalisedName] { return listed }
    return classifyByRules(dmd: dmd, bnf: bnf, normalisedName: normalisedName)
  }

  /// BNF rules with the product's form, then name patterns, then `other` for a well-formed
  /// code: how a product in no codelist is classified. Tests call it directly to check that
  /// the rules alone would find every listed product.
  func classifyByRules(dmd: String?, bnf: String?, normalisedName: String?) -> ProductClassification? {
    let terms = normalisedName.map(matcher.matches(in:))
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
