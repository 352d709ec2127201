import Foundation
import Testing

@testable import SurveillanceCore

/// What the formulary does with products it cannot place: a valid code outside the asthma
/// picture is `other`; nothing that identifies a product is `nil`.
@Suite struct FormularyIdentificationTests {
  @Test func anUnknownNameWithNoCodeIsNotIdentified() throws {
    let formulary = try FormularyFixture.formulary()
    #expect(formulary.classify(dmdCode: nil, bnfCode: nil, name: "Wonder cream 50g") == nil)
    #expect(formulary.classify(dmdCode: nil, bnfCode: nil, name: nil) == nil)
    #expect(formulary.classify(dmdCode: "  ", bnfCode: "", name: " ") == nil)
  }

  @Test(arguments: ["42109611000001109", "318352004", "695911000001104"])
  func aWellFormedNonAsthmaDMDCodeIsOther(_ code: String) throws {
    let result = try #require(try FormularyFixture.formulary().classify(dmdCode: code, bnfCode: nil, name: nil))
    #expect(result.role == .other)
    #expect(result.classID == "other")
    #expect(result.matchedBy == .dmdCode)
    #expect(!result.containsICS)
  }

  @Test(arguments: ["42109611000001108", "318352005", "12345", "0318352004", "3183520A4", "4210961100000110"])
  func aMalformedDMDCodeWithNoKnownNameIsNotIdentified(_ code: String) throws {
    let formulary = try FormularyFixture.formulary()
    #expect(formulary.classify(dmdCode: code, bnfCode: nil, name: nil) == nil)
    #expect(formulary.classify(dmdCode: code, bnfCode: nil, name: "Unheard-of product") == nil)
  }

  @Test func aMalformedDMDCodeWithAKnownNameIsIdentifiedByName() throws {
    let result = try #require(
      try FormularyFixture.formulary().classify(
        dmdCode: "222311000001103", bnfCode: nil, name: "Ventolin 100micrograms/dose Evohaler (GlaxoSmithKline UK Ltd)"))
    #expect(result.role == .reliever)
    #expect(result.matchedBy == .name)
  }

  @Test(arguments: ["0407010H0AAAMAM", "0407", "040701", "0212000B0AAABAB", "2102000A0AAAAAA"])
  func aWellFormedNonAsthmaBNFCodeIsOther(_ code: String) throws {
    let result = try #require(try FormularyFixture.formulary().classify(dmdCode: nil, bnfCode: code, name: nil))
    #expect(result.role == .other)
    #expect(result.matchedBy == .bnfCode)
  }

  @Test(arguments: ["04", "0407010H0AAAMAMX", "04070", "AB07010H0AAAMAM", "0407-10H0AAAMAM"])
  func aMalformedBNFCodeIsNotIdentified(_ code: String) throws {
    #expect(try FormularyFixture.formulary().classify(dmdCode: nil, bnfCode: code, name: nil) == nil)
  }

  @Test func namesMatchWhateverTheirCaseAndSpacing() throws {
    let formulary = try FormularyFixture.formulary()
    let result = try #require(formulary.classify(dmdCode: nil, bnfCode: nil, name: "  SYMBICORT   200/6\tTurbohaler (AstraZeneca UK Ltd) "))
    #expect(result.role == .icsFormoterol)
    #expect(result.matchedBy == .name)
  }

  @Test func theDMDCodeOutranksTheBNFCodeAndANameThatAgrees() throws {
    let formulary = try FormularyFixture.formulary()
    // A Ventolin Evohaler code with a nebule's BNF code and the inhaler's name: the dm+d code decides.
    let identified = formulary.identify(dmdCode: "222311000001102", bnfCode: "0301011R0AAAXAX", name: "Ventolin Evohaler 100micrograms")
    #expect(identified.classification?.role == .reliever)
    #expect(identified.classification?.matchedBy == .dmdCode)
    #expect(identified.finding == nil)
  }

  /// A Ventolin Evohaler code on a row whose name says nebuliser liquid: the code used to win
  /// without a trace. Now the conflict is found and the nebule, which can raise the stronger
  /// signal, is kept.
  @Test func aCodeAndANameThatDisagreeAreAConflictAndTheNebuleIsKept() throws {
    let formulary = try FormularyFixture.formulary()
    let identified = formulary.identify(dmdCode: "222311000001102", bnfCode: nil, name: "Salbutamol 2.5mg/2.5ml nebuliser liquid")
    #expect(identified.classification?.role == .sabaNebule)
    #expect(identified.classification?.matchedBy == .name)
    guard case .codeNameConflict(let byCode, let byName)? = identified.finding else {
      Issue.record("no conflict found: \(String(describing: identified.finding))")
      return
    }
    #expect(byCode.role == .reliever)
    #expect(byName.role == .sabaNebule)
  }

  /// A preventer's code with a reliever's name keeps the reliever: counting a reliever as a
  /// preventer would hide over-use and a low ratio.
  @Test func aPreventerCodeWithARelieverNameKeepsTheReliever() throws {
    let formulary = try FormularyFixture.formulary()
    let clenil = try #require(try ListedProduct.all(in: "ebmdatalab-ics-asthma.csv").first { $0.name.hasPrefix("Clenil Modulite 100") })
    let identified = formulary.identify(dmdCode: clenil.dmd, bnfCode: nil, name: "Salbutamol 100micrograms/dose inhaler CFC free")
    #expect(identified.classification?.role == .reliever)
    #expect(identified.finding?.kind == "code_name_conflict")
  }

  @Test func theVersionComesFromTheDefinition() throws {
    let formulary = try FormularyFixture.formulary()
    #expect(formulary.version == (try FormularyFixture.definition().version))
    #expect(!formulary.version.isEmpty)
  }

  @Test func snomedCheckDigitsAreVerified() {
    #expect(ProductCodes.isWellFormedSNOMED("42109611000001109"))
    #expect(!ProductCodes.isWellFormedSNOMED("42109611000001108"))
    #expect(ProductCodes.isWellFormedSNOMED("320177008"))
    // A description id (partition 01) is not a product.
    #expect(!ProductCodes.isWellFormedSNOMED("1234567014"))
  }
}

/// A broken definition fails to load with a message naming the file and the class.
@Suite struct FormularyDefinitionErrorTests {
  @Test func aMissingCodelistNamesTheFileAndTheClass() throws {
    var lists = try FormularyFixture.codelists()
    lists["ebmdatalab-saba-codelist.csv"] = nil
    let error = try #require(throws: FormularyError.self) {
      try Formulary(definition: try FormularyFixture.definition(), codelists: lists)
    }
    #expect(error == .missingCodelist(file: "ebmdatalab-saba-codelist.csv", classID: "saba_inhaler"))
    #expect(error.description.contains("saba_inhaler") && error.description.contains("ebmdatalab-saba-codelist.csv"))
  }

  @Test func aMissingColumnNamesTheFileTheColumnAndTheClass() throws {
    var lists = try FormularyFixture.codelists()
    var rows = try #require(lists["ebmdatalab-ltra-codelist.csv"])
    rows[0] = rows[0].map { $0 == "bnf_code" ? "bnf" : $0 }
    lists["ebmdatalab-ltra-codelist.csv"] = rows
    let error = try #require(throws: FormularyError.self) {
      try Formulary(definition: try FormularyFixture.definition(), codelists: lists)
    }
    #expect(error == .missingColumn(file: "ebmdatalab-ltra-codelist.csv", column: "bnf_code", classID: "ltra"))
  }

  @Test func anEmptyCodelistIsRefused() throws {
    var lists = try FormularyFixture.codelists()
    lists["ebmdatalab-ltra-codelist.csv"] = []
    #expect(throws: FormularyError.emptyCodelist(file: "ebmdatalab-ltra-codelist.csv", classID: "ltra")) {
      try Formulary(definition: try FormularyFixture.definition(), codelists: lists)
    }
  }

  @Test func aClassWithoutASourceIsRefused() throws {
    var definition = try FormularyFixture.definition()
    definition.classes[0].sources = []
    #expect(throws: FormularyError.missingSource(context: "class '\(definition.classes[0].id)'")) {
      try Formulary(definition: definition, codelists: try FormularyFixture.codelists())
    }
  }

  @Test func anUnknownSourceIsRefused() throws {
    var definition = try FormularyFixture.definition()
    definition.quantity.sources = ["nowhere"]
    #expect(throws: FormularyError.unknownSource(context: "quantity", sourceID: "nowhere")) {
      try Formulary(definition: definition, codelists: try FormularyFixture.codelists())
    }
  }

  @Test func anUnknownTermSetIsRefused() throws {
    var definition = try FormularyFixture.definition()
    let index = try #require(definition.classes.firstIndex { $0.id == "spacer" })
    definition.classes[index].namePatterns = [.init(anyOf: [.set("no_such_set")])]
    #expect(throws: FormularyError.unknownTermSet(classID: "spacer", termSet: "no_such_set")) {
      try Formulary(definition: definition, codelists: try FormularyFixture.codelists())
    }
  }

  @Test func aNamePatternThatOnlyExcludesIsRefused() throws {
    var definition = try FormularyFixture.definition()
    let index = try #require(definition.classes.firstIndex { $0.id == "spacer" })
    definition.classes[index].namePatterns = [.init(noneOf: [.terms(["cream"])])]
    #expect(throws: FormularyError.namePatternMatchesEverything(classID: "spacer")) {
      try Formulary(definition: definition, codelists: try FormularyFixture.codelists())
    }
  }

  @Test func aNonPositiveNumberIsRefused() throws {
    var definition = try FormularyFixture.definition()
    definition.oralSteroidCourses.courseMergeDays = 0
    #expect(throws: FormularyError.invalidNumber(context: "oral_steroid_courses.course_merge_days", value: 0)) {
      try Formulary(definition: definition, codelists: try FormularyFixture.codelists())
    }
  }

  @Test func malformedJSONNamesTheFileAndThePathAsTheFileSpellsIt() throws {
    let url = FormularyFixture.rulesDirectory.appendingPathComponent("formulary/formulary.json")
    var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    var classes = try #require(json["classes"] as? [[String: Any]])
    classes[1]["contains_ics"] = nil
    json["classes"] = classes
    let broken = try JSONSerialization.data(withJSONObject: json)
    let error = try #require(throws: FormularyError.self) { try FormularyDefinition(jsonData: broken, fileName: "formulary.json") }
    #expect(error.description.hasPrefix("formulary.json: "), "\(error)")
    #expect(error.description.contains("contains_ics") && error.description.contains("classes[1]"), "\(error)")
  }

  @Test func everyClassAndTermSetIsUsedAndEveryRoleHasAClass() throws {
    let definition = try FormularyFixture.definition()
    let roles = Set(definition.classes.map(\.role))
    // `other` is the fallback for products outside the asthma picture, `unclassified` the safety
    // net's: no class assigns them (but a class may name non-asthma products `other`).
    #expect(roles.subtracting([.other]) == Set(MedicineRole.allCases).subtracting([.other, .unclassified]))
    #expect(Set(definition.classes.map(\.id)).count == definition.classes.count)
  }
}
