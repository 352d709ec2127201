import Testing

@testable import SurveillanceCore

/// Every product of every copied codelist classifies to the role its list implies, by each
/// route a supply row can take: dm+d code; BNF code and name; name alone; and the rules and
/// patterns alone, as for a product launched after the lists were made.
@Suite struct FormularyCodelistTests {
  /// What a list says about its products. Written from the lists' own descriptions
  /// (rules/codelists/SOURCES.md), independently of formulary.json.
  enum Expectation: Sendable, CustomStringConvertible {
    case role(MedicineRole)
    /// Any role that delivers an inhaled corticosteroid: preventer or ICS/formoterol.
    case icsContaining
    /// Salbutamol, terbutaline (alone or with ipratropium) and fenoterol: a SABA nebule; others not.
    case nebuleBySubstance
    /// ICS combinations contain ICS; SABA/ipratropium inhalers are relievers; LAMA/LABA is LABA without ICS.
    case combinationBySubstance

    var description: String {
      switch self {
      case .role(let role): return role.rawValue
      case .icsContaining: return "an ICS-containing role"
      case .nebuleBySubstance: return "saba_nebule or other_nebule by substance"
      case .combinationBySubstance: return "the role of its substances"
      }
    }

    static let sabaNebuleSubstances = ["0301011R0", "0301011V0", "0301040R0", "0301040M0"]
    static let sabaWithIpratropium = ["0301040R0", "0301040M0"]
    static let icsCombinations = ["0302", "0301011AB"]

    func accepts(_ result: ProductClassification, for product: ListedProduct) -> Bool {
      switch self {
      case .role(let role):
        return result.role == role
      case .icsContaining:
        return result.containsICS && [.preventer, .icsFormoterol].contains(result.role)
      case .nebuleBySubstance:
        let saba = Self.sabaNebuleSubstances.contains { product.bnf.hasPrefix($0) }
        return result.role == (saba ? .sabaNebule : .otherNebule)
      case .combinationBySubstance:
        if Self.icsCombinations.contains(where: { product.bnf.hasPrefix($0) }) {
          return Expectation.icsContaining.accepts(result, for: product)
        }
        if Self.sabaWithIpratropium.contains(where: { product.bnf.hasPrefix($0) }) { return result.role == .reliever }
        return result.role == .labaAlone
      }
    }
  }

  struct ListCase: Sendable, CustomTestStringConvertible {
    var file: String
    var expectation: Expectation
    var testDescription: String { "\(file) -> \(expectation)" }
  }

  static let cases: [ListCase] = [
    ListCase(file: "ebmdatalab-saba-codelist.csv", expectation: .role(.reliever)),
    ListCase(file: "opensafely-asthma-inhaler-salbutamol-medication.csv", expectation: .role(.reliever)),
    ListCase(file: "ebmdatalab-ics-asthma.csv", expectation: .icsContaining),
    ListCase(file: "opensafely-asthma-inhaler-steroid-medication.csv", expectation: .icsContaining),
    ListCase(file: "ebmdatalab-laba-ics-codelist.csv", expectation: .icsContaining),
    ListCase(file: "ebmdatalab-laba-single-codelist.csv", expectation: .role(.labaAlone)),
    ListCase(file: "ebmdatalab-ltra-codelist.csv", expectation: .role(.preventer)),
    ListCase(file: "ebmdatalab-nebs-codelist.csv", expectation: .nebuleBySubstance),
    ListCase(file: "ebmdatalab-resp-triple-codelist.csv", expectation: .role(.preventer)),
    ListCase(file: "ebmdatalab-resp-combination-products.csv", expectation: .combinationBySubstance),
    ListCase(file: "opensafely-asthma-oral-prednisolone-medication.csv", expectation: .role(.oralSteroid)),
    ListCase(file: "ebmdatalab-severe-asthma-inc-rule2.csv", expectation: .role(.oralSteroid)),
  ]

  /// Classifies every product of the list one way and reports each miss with its code and name.
  private func check(
    _ listCase: ListCase, route: String, expectedMethod: MatchMethod? = nil,
    _ classify: (Formulary, ListedProduct) -> ProductClassification?
  ) throws {
    let formulary = try FormularyFixture.formulary()
    let products = try ListedProduct.all(in: listCase.file)
    #expect(!products.isEmpty)
    var misses: [String] = []
    for product in products {
      let result = classify(formulary, product)
      guard let result else {
        misses.append("\(product): not identified")
        continue
      }
      if !listCase.expectation.accepts(result, for: product) {
        misses.append("\(product): \(result.role.rawValue) (\(result.classID)), expected \(listCase.expectation)")
      } else if let expectedMethod, result.matchedBy != expectedMethod {
        misses.append("\(product): matched by \(result.matchedBy), expected \(expectedMethod)")
      }
    }
    #expect(misses.isEmpty, "\(misses.count) of \(products.count) products by \(route):\n\(misses.joined(separator: "\n"))")
  }

  @Test(arguments: cases)
  func everyListedProductClassifiesByItsDMDCode(_ listCase: ListCase) throws {
    try check(listCase, route: "dm+d code", expectedMethod: .dmdCode) { formulary, product in
      formulary.classify(dmdCode: product.dmd, bnfCode: nil, name: nil)
    }
  }

  @Test(arguments: cases)
  func everyListedProductClassifiesByItsBNFCodeAndName(_ listCase: ListCase) throws {
    try check(listCase, route: "BNF code and name", expectedMethod: .bnfCode) { formulary, product in
      formulary.classify(dmdCode: nil, bnfCode: product.bnf, name: product.name)
    }
  }

  @Test(arguments: cases)
  func everyListedProductClassifiesByItsNameAlone(_ listCase: ListCase) throws {
    try check(listCase, route: "name", expectedMethod: .name) { formulary, product in
      formulary.classify(dmdCode: nil, bnfCode: nil, name: product.name)
    }
  }

  @Test(arguments: cases)
  func bnfRulesAloneFindEveryListedProduct(_ listCase: ListCase) throws {
    try check(listCase, route: "BNF rules and form, ignoring the lists", expectedMethod: .bnfCode) { formulary, product in
      formulary.classifyByRules(
        dmd: nil, bnf: ProductCodes.cleanBNF(product.bnf), normalisedName: NameText.normalise(product.name))
    }
  }

  @Test(arguments: cases)
  func namePatternsAloneFindEveryListedProduct(_ listCase: ListCase) throws {
    try check(listCase, route: "name patterns, ignoring the lists", expectedMethod: .name) { formulary, product in
      formulary.classifyByRules(dmd: nil, bnf: nil, normalisedName: NameText.normalise(product.name))
    }
  }

  @Test(arguments: cases)
  func codesArriveWithSpacesOrAsSpreadsheetNumbers(_ listCase: ListCase) throws {
    try check(listCase, route: "dm+d code with spaces and '.0'") { formulary, product in
      formulary.classify(dmdCode: "  \(product.dmd).0 ", bnfCode: nil, name: nil)
    }
    try check(listCase, route: "lower-case BNF code with spaces") { formulary, product in
      formulary.classify(dmdCode: nil, bnfCode: " \(product.bnf.lowercased()) ", name: nil)
    }
  }
}
