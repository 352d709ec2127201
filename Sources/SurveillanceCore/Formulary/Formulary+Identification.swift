/// What the formulary had to say about a product beyond its class: that it looks respiratory
/// but no class claims it, or that its code and its name disagree. Either is counted and
/// listed by the run, never passed over in silence.
public enum ProductFinding: Sendable, Hashable {
  /// No class claims the product, but something about it looks respiratory; `evidence` says
  /// what, in plain words.
  case unclassifiedRespiratory(evidence: String)
  /// The product's code says one role and its name another; the classification kept is the
  /// one the formulary's `conflicts.precedence` puts first.
  case codeNameConflict(byCode: ProductClassification, byName: ProductClassification)

  /// The stable name written in outputs.
  public var kind: String {
    switch self {
    case .unclassifiedRespiratory: "unclassified_respiratory"
    case .codeNameConflict: "code_name_conflict"
    }
  }

  /// One line for a pharmacist: what was found.
  public var detail: String {
    switch self {
    case .unclassifiedRespiratory(let evidence): "looks respiratory (\(evidence)) but no formulary class claims it"
    case .codeNameConflict(let byCode, let byName):
      "the code says \(byCode.classID) (\(byCode.role.rawValue)), the name says \(byName.classID) (\(byName.role.rawValue))"
    }
  }
}

/// A product's classification with what was found on the way.
public struct ProductIdentification: Sendable, Hashable {
  /// `nil` when the product cannot be identified at all.
  public var classification: ProductClassification?
  public var finding: ProductFinding?
}

/// The safety net, compiled: the tests that make a product no class claims look respiratory.
struct CompiledSafetyNet: Sendable {
  var bnf: [BNFPattern]
  var names: [CompiledNamePattern]
  /// Unit spellings, normalised as ``QuantityUnitTable`` reads them.
  var units: Set<String>
  var pluralSuffixes: [String]
  var notIfName: [CompiledNamePattern]
  var formRoutes: CompiledNamePattern

  /// Why the product looks respiratory, or `nil` when nothing about it does. The unit counts
  /// only for a product a well-formed code identifies (`identified`): a row naming nothing the
  /// tool knows, with no code, is a rejected row whatever its unit.
  func evidence(bnf code: String?, terms: TermSetBits?, unit: String?, identified: Bool, presentationLength: Int) -> String? {
    if let code, bnf.contains(where: { $0.matches(code, presentationLength: presentationLength) }) {
      return "BNF code \(code) is in an asthma section"
    }
    if let terms, notIfName.contains(where: { $0.matches(terms) }) { return nil }
    if let terms, names.contains(where: { $0.matches(terms) }) { return "its name names an asthma medicine, inhaler, nebule or spacer" }
    if identified, let unit, isRespiratoryUnit(unit) { return "its quantity unit '\(unit)' is one inhalers and nebules are counted in" }
    return nil
  }

  func isRespiratoryUnit(_ text: String) -> Bool {
    let key = QuantityUnitTable.normalised(text)
    if units.contains(key) { return true }
    return pluralSuffixes.contains { key.hasSuffix($0) && key.count > $0.count && units.contains(String(key.dropLast($0.count))) }
  }
}

extension Formulary {
  /// The class id of a product the safety net caught.
  public static let unclassifiedClassID = "unclassified"

  /// Classifies a product by whatever identifiers the supply row has, and says what it found
  /// on the way.
  ///
  /// Order of evidence, strongest first (DOMAIN.md section 3): a listed dm+d code, a listed BNF
  /// code; then the exact dm+d name; BNF code rules with the product's form; name patterns.
  /// A listed code whose role the name contradicts is a conflict, settled by the definition's
  /// precedence (the role that can raise a signal). A product no class claims is `other` only
  /// when nothing about it looks respiratory (its BNF section, its name, its `unit`); otherwise
  /// it is `unclassified`, with the evidence.
  public func identify(dmdCode: String?, bnfCode: String?, name: String?, unit: String? = nil) -> ProductIdentification {
    let dmd = ProductCodes.cleanDMD(dmdCode)
    let bnf = ProductCodes.cleanBNF(bnfCode)
    let normalisedName = name.map(NameText.normalise).flatMap { $0.isEmpty ? nil : $0 }
    let terms = normalisedName.map(matcher.matches(in:))

    if let byCode = listed(dmd: dmd, bnf: bnf) {
      guard let normalisedName, let byName = classifyByName(normalisedName, terms: terms, bnf: bnf), byName.role != byCode.role else {
        // A dm+d release's product that looks respiratory but that no class claims.
        let finding: ProductFinding? = byCode.role == .unclassified
          ? .unclassifiedRespiratory(evidence: "the dm+d release describes a respiratory product") : nil
        return ProductIdentification(classification: byCode, finding: finding)
      }
      let kept = rank(of: byName.role) < rank(of: byCode.role) ? byName : byCode
      return ProductIdentification(classification: kept, finding: .codeNameConflict(byCode: byCode, byName: byName))
    }
    if let normalisedName, let listed = byName[normalisedName] { return ProductIdentification(classification: listed) }
    let ruled = classifyByRules(dmd: dmd, bnf: bnf, normalisedName: normalisedName, terms: terms)
    if let ruled, ruled.classID != Self.otherClassID { return ProductIdentification(classification: ruled) }

    let validBNF = bnf.flatMap { bnfFormat.isWellFormed($0) ? $0 : nil }
    guard
      let evidence = safetyNet.evidence(
        bnf: validBNF, terms: terms, unit: unit, identified: ruled != nil, presentationLength: bnfFormat.presentationLength)
    else {
      return ProductIdentification(classification: ruled)
    }
    let method: MatchMethod = ruled?.matchedBy ?? (normalisedName != nil ? .name : .bnfCode)
    return ProductIdentification(
      classification: ProductClassification(role: .unclassified, classID: Self.unclassifiedClassID, containsICS: false, matchedBy: method),
      finding: .unclassifiedRespiratory(evidence: evidence))
  }

  /// The classification a product's code alone gives: a listed dm+d code, or a listed BNF code
  /// (directly or through its generic equivalent).
  func listed(dmd: String?, bnf: String?) -> ProductClassification? {
    if let dmd, let listed = byDMD[dmd] { return listed }
    if let dmd, !knownOtherDMD.isEmpty, let id = UInt64(dmd), knownOtherDMD.contains(id) { return Self.other(matchedBy: .dmdCode) }
    if let bnf {
      if let listed = byBNF[bnf] { return listed }
      if let generic = bnfFormat.genericEquivalent(of: bnf), let listed = byBNF[generic] { return listed }
    }
    return nil
  }

  /// What the name alone says: the exact dm+d name, else the first name pattern that
  /// matches. `nil` when the name says nothing the formulary knows.
  func classifyByName(_ normalisedName: String, terms: TermSetBits?, bnf: String?) -> ProductClassification? {
    if let listed = byName[normalisedName] { return listed }
    guard let terms, let hit = namePatterns.first(where: { $0.pattern.matches(terms) }) else { return nil }
    return classes[hit.classIndex].classification(
      bnf: bnf, terms: terms, matchedBy: .name, presentationLength: bnfFormat.presentationLength)
  }

  /// A role's place in the conflict precedence: lower is kept. Roles the list leaves out
  /// come last.
  func rank(of role: MedicineRole) -> Int { conflictRank[role] ?? Int.max }
}
