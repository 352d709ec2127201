import CSVReading
import Foundation
import SurveillanceFrontend
import Testing
import ZIPFoundation

@testable import SurveillanceCore

/// The dm+d release fixture (`Fixtures/dmd-release/`): NHSBSA's real format, OpenPrescribing's
/// cut-down real release with respiratory products added from the real codes and names of
/// `rules/codelists/` (and invented codes, marked, for products launched since), with its
/// answer key `expected.csv`. See the fixture's README.
enum DMDFixture {
  static let folder = FormularyFixture.repositoryRoot.appendingPathComponent("Tests/SurveillanceCoreTests/Fixtures/dmd-release")
  static let release1 = folder.appendingPathComponent("release-1")
  static let release2 = folder.appendingPathComponent("release-2")
  static let mapping = folder.appendingPathComponent("bnf-snomed-mapping.xlsx")

  private static let tables = Result { () throws -> (ProductTable, ProductTable) in
    let formulary = try FormularyFixture.formulary()
    return (formulary.productTable(for: try DMDReleaseReader.read(release1.path)), formulary.productTable(for: try DMDReleaseReader.read(release2.path)))
  }
  static func table1() throws -> ProductTable { try tables.get().0 }
  static func table2() throws -> ProductTable { try tables.get().1 }

  /// The shipped formulary with release 2's products added.
  static func formulary() throws -> Formulary { try FormularyFixture.formulary().adding(try table2(), from: "test release") }

  /// The answer key, one row per code the fixture added.
  static func expected() throws -> [[String: String]] {
    var rows: [[String]] = []
    try CSVReader.read(fileAt: folder.appendingPathComponent("expected.csv").path) { rows.append($0.fields) }
    let header = rows.removeFirst()
    return rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
  }

  /// A private folder holding copies of `files`, removed by the caller.
  static func folder(with files: [URL]) throws -> URL {
    let made = FileManager.default.temporaryDirectory.appendingPathComponent("dmd-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true)
    for file in files { try FileManager.default.copyItem(at: file, to: made.appendingPathComponent(file.lastPathComponent)) }
    return made
  }

  static func xmlFiles(of release: URL) throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: release, includingPropertiesForKeys: nil).filter { $0.pathExtension == "xml" }
  }
}

@Suite struct DMDReleaseReadingTests {
  @Test func theReleaseIsReadWholeWithItsDateFromTheFileNames() throws {
    let release = try DMDReleaseReader.read(DMDFixture.release1.path)
    #expect(release.info.name == "release-1")
    #expect(release.info.date == CalendarDate(year: 2019, month: 4, day: 1))
    #expect(release.vmps.count == 43)
    #expect(release.amps.count == 62)
    #expect(release.vmpps.count == 51)
    #expect(release.ampps.count == 73)
    // The complete real lookup: every ontology form-route and unit of measure.
    #expect(release.formRoutes["0004"] == "pressurizedinhalation.inhalation")
    #expect(release.units[3317411000001100] == "dose")
    #expect(release.ingredients[48474002] == "Salbutamol sulfate")
    let salbutamol = try #require(release.vmps.first { $0.id == 320151000 })
    #expect(salbutamol.abbreviatedName?.contains("breath actuated inh") == true)
    #expect(salbutamol.ingredientIDs == [48474002])
    #expect(salbutamol.formRouteCodes == ["0004"])
  }

  /// The zip NHSBSA publishes, with the BNF SNOMED mapping packed inside a second zip as TRUD
  /// does: read as the folder is, with BNF codes from the spreadsheet.
  @Test func aZipWithANestedZipReadsLikeTheFolder() throws {
    let staging = try DMDFixture.folder(with: [])
    defer { try? FileManager.default.removeItem(at: staging) }
    let inner = staging.appendingPathComponent("bnf_mapping.zip")
    let innerArchive = try Archive(url: inner, accessMode: .create)
    try innerArchive.addEntry(with: "BNF Snomed Mapping data 20190401.xlsx", fileURL: DMDFixture.mapping)
    let outer = staging.appendingPathComponent("nhsbsa_dmd_4.0.1_20190401000001.zip")
    let archive = try Archive(url: outer, accessMode: .create)
    for file in try DMDFixture.xmlFiles(of: DMDFixture.release1) { try archive.addEntry(with: "release/" + file.lastPathComponent, fileURL: file) }
    try archive.addEntry(with: "bonus/bnf_mapping.zip", fileURL: inner)

    let zipped = try DMDReleaseReader.read(outer.path)
    let folder = try DMDReleaseReader.read(DMDFixture.release1.path)
    #expect(zipped.info.name == "nhsbsa_dmd_4.0.1_20190401000001")
    #expect(zipped.vmps == folder.vmps)
    #expect(zipped.ampps == folder.ampps)
    #expect(zipped.bnfCodes[320139002] == "0301011R0AAAPAP")
    #expect(zipped.bnfCodes[222311000001102] == "0301011R0BEAIAP")
    #expect(zipped.bnfCodes.count > 100)
  }

  @Test func aReleaseMissingAFileSaysWhichAndWhatARealOneHas() throws {
    let files = try DMDFixture.xmlFiles(of: DMDFixture.release1).filter { !$0.lastPathComponent.hasPrefix("f_ampp2_") }
    let folder = try DMDFixture.folder(with: files)
    defer { try? FileManager.default.removeItem(at: folder) }
    let error = try #require(throws: DMDReleaseError.self) { try DMDReleaseReader.read(folder.path) }
    #expect(error.description.contains("no f_ampp2 file"), "\(error)")
  }

  @Test func aBrokenFileIsAnErrorNamingIt() throws {
    let folder = try DMDFixture.folder(with: try DMDFixture.xmlFiles(of: DMDFixture.release1))
    defer { try? FileManager.default.removeItem(at: folder) }
    try "<VIRTUAL_MED_PRODUCTS><VMPS><VMP><VPID>1</VPID>".write(to: folder.appendingPathComponent("f_vmp2_3010419.xml"), atomically: true, encoding: .utf8)
    let error = try #require(throws: DMDReleaseError.self) { try DMDReleaseReader.read(folder.path) }
    #expect(error.description.contains("f_vmp2_3010419.xml"), "\(error)")
  }

  @Test func aPathThatIsNotAReleaseIsAClearError() throws {
    #expect(throws: DMDReleaseError.notFound(path: "/nonexistent/dmd")) { try DMDReleaseReader.read("/nonexistent/dmd") }
  }

  /// The fixture is in NHSBSA's real format: every file validates against its XSD, where
  /// xmllint (libxml2-utils, which .ci/run installs) is at hand.
  @Test(arguments: ["release-1", "release-2"])
  func everyFixtureFileValidatesAgainstItsSchema(_ release: String) throws {
    guard let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
      withKnownIssue("xmllint is not installed (apt-get install libxml2-utils): the fixture's schemas were not checked") {
        Issue.record("no xmllint")
      }
      return
    }
    let folder = DMDFixture.folder.appendingPathComponent(release)
    let schemas = ["f_vtm2_": "vtm_v2_3.xsd", "f_vmp2_": "vmp_v2_3.xsd", "f_vmpp2_": "vmpp_v2_3.xsd", "f_amp2_": "amp_v2_3.xsd",
                   "f_ampp2_": "ampp_v2_3.xsd", "f_ingredient2_": "ingredient_v2_3.xsd", "f_lookup2_": "lookup_v2_3.xsd", "f_gtin2_": "gtin_v2_0.xsd"]
    for file in try DMDFixture.xmlFiles(of: folder) {
      let schema = try #require(schemas.first { file.lastPathComponent.hasPrefix($0.key) }?.value)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: xmllint)
      process.arguments = ["--noout", "--schema", folder.appendingPathComponent(schema).path, file.path]
      let errors = Pipe()
      process.standardError = errors
      try process.run()
      let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "\(file.lastPathComponent): \(text)")
    }
  }
}

@Suite struct DMDClassificationTests {
  /// Every product the fixture added takes the class and pack size its answer key gives;
  /// products outside the asthma picture are not listed.
  @Test func everyProductOfTheReleaseTakesItsExpectedClassAndPack() throws {
    let table = try DMDFixture.table2()
    let rows = Dictionary(uniqueKeysWithValues: table.rows.map { ($0.code, $0) })
    for expected in try DMDFixture.expected() {
      let code = try #require(expected["code"])
      guard expected["expected_class"] != "other" else {
        #expect(rows[code] == nil, "\(expected["name"] ?? code) is not an asthma product")
        continue
      }
      let row = try #require(rows[code], "\(expected["name"] ?? code) is missing")
      #expect(row.classID == expected["expected_class"], "\(row.name): \(row.reason)")
      #expect(row.role.rawValue == expected["expected_role"], "\(row.name)")
      if let pack = expected["doses_or_units_per_pack"], !pack.isEmpty { #expect(row.packSize.map(String.init) == pack, "\(row.name)") }
    }
  }

  @Test func aVMPIsClassifiedByItsIngredientsAndFormRouteWithTheReasonSaid() throws {
    let row = try #require(try DMDFixture.table1().rows.first { $0.code == "320151000" })
    #expect(row.classID == "saba_inhaler")
    #expect(row.reason == "ingredients Salbutamol sulfate; form-route pressurizedinhalation.inhalation")
  }

  /// Form-routes are spelt as dm+d spells them, and a nebuliser liquid may be an "inhalation
  /// solution" there: its name then decides, so a nebule is never counted as an inhaler.
  @Test func aNebuliserLiquidWhoseFormRouteDoesNotSayNebuliserIsStillANebule() throws {
    var release = DMDRelease(info: DMDRelease.Info(name: "test", date: nil))
    release.ingredients = [48474002: "Salbutamol sulfate"]
    release.formRoutes = ["0900": "inhalationsolution.inhalation", "0004": "pressurizedinhalation.inhalation"]
    var nebule = DMDRelease.VMP(id: 320177008, name: "Salbutamol 2.5mg/2.5ml nebuliser liquid unit dose vials")
    nebule.ingredientIDs = [48474002]
    nebule.formRouteCodes = ["0900"]
    var inhaler = DMDRelease.VMP(id: 320139002, name: "Salbutamol 100micrograms/dose inhaler CFC free")
    inhaler.ingredientIDs = [48474002]
    inhaler.formRouteCodes = ["0004"]
    release.vmps = [nebule, inhaler]
    let table = try FormularyFixture.formulary().productTable(for: release)
    #expect(table.rows.first { $0.code == "320177008" }?.classID == "saba_nebule")
    #expect(table.rows.first { $0.code == "320139002" }?.classID == "saba_inhaler")
  }

  /// What many GP systems export: the dm+d code and nothing else. Without a release none of
  /// these products was recognised; with it each takes its class and its pack's doses.
  @Test(arguments: [
    ("999002231000001104", MedicineRole.preventer, 30),  // Atectura Breezhaler AMPP, 30 capsules
    ("999000361000001104", .preventer, 30),  // Enerzair Breezhaler AMP
    ("999000321000001105", .icsFormoterol, 120),  // WockAIR AMP
    ("999002011000001100", .reliever, 200),  // Ventolin Evohaler AMPP
  ])
  func aProductKnownOnlyByItsCodeIsClassifiedFromTheRelease(_ code: String, _ role: MedicineRole, _ doses: Int) throws {
    let formulary = try DMDFixture.formulary()
    let product = try #require(formulary.classify(dmdCode: code, bnfCode: nil, name: nil))
    #expect(product.role == role)
    #expect(product.matchedBy == .dmdCode)
    #expect(product.dosesPerDevice == doses)
    #expect(try FormularyFixture.formulary().classify(dmdCode: code, bnfCode: nil, name: nil)?.role != role, "known without the release?")
  }

  @Test func maxiventNebulesByCodeAloneAreSABANebules() throws {
    #expect(try DMDFixture.formulary().classify(dmdCode: "999000311000001101", bnfCode: nil, name: nil)?.role == .sabaNebule)
  }

  /// A re-coded VMP: exports from before the change carry the old code, newer ones the new.
  @Test func aReCodedVMPIsKnownByItsOldCodeAndItsNew() throws {
    let table = try DMDFixture.table2()
    let old = try #require(table.rows.first { $0.code == "320139002" })
    #expect(old.level == .previousVMP)
    #expect(old.vmpCode == "999000101000001100")
    let formulary = try DMDFixture.formulary()
    for code in ["320139002", "999000101000001100"] { #expect(formulary.classify(dmdCode: code, bnfCode: nil, name: nil)?.role == .reliever) }
  }

  /// A pack code counts by its own pack: the budesonide VMP sells 100- and 200-dose packs (the
  /// VMP takes the smallest, as OpenPrescribing does), the Easyhaler AMPP is 200 doses.
  @Test func packCodesCountDevicesByTheirOwnPack() throws {
    let formulary = try DMDFixture.formulary()
    let vmp = try #require(formulary.classify(dmdCode: "35912411000001100", bnfCode: nil, name: nil))
    let easyhaler = try #require(formulary.classify(dmdCode: "999002141000001103", bnfCode: nil, name: nil))
    let turbohaler = try #require(formulary.classify(dmdCode: "999002151000001100", bnfCode: nil, name: nil))
    #expect(formulary.devices(quantity: 200, unit: .dose, product: vmp) == 2)
    #expect(formulary.devices(quantity: 200, unit: .dose, product: easyhaler) == 1)
    #expect(formulary.devices(quantity: 200, unit: .dose, product: turbohaler) == 2)
    #expect(formulary.devices(quantity: 1, unit: nil, product: easyhaler) == 1)
  }

  /// Atectura packs count capsules, montelukast granules sachets: each unit reads through the
  /// pack size.
  @Test func capsulesAndSachetsCountThroughThePack() throws {
    let formulary = try DMDFixture.formulary()
    let atectura = try #require(formulary.classify(dmdCode: "999000331000001107", bnfCode: nil, name: nil))
    let capsule = try #require(formulary.quantityUnits.unit(for: "capsule"))
    #expect(formulary.devices(quantity: 30, unit: capsule, product: atectura) == 1)
    #expect(formulary.devices(quantity: 60, unit: capsule, product: atectura) == 2)
  }

  /// A code the release knows as something else is `other` by code, and a name that says
  /// asthma medicine is a conflict: the name's role is kept.
  @Test func aCodeTheReleaseKnowsOutsideTheAsthmaPictureIsOtherUnlessItsNameSaysOtherwise() throws {
    let formulary = try DMDFixture.formulary()
    let flixonase = formulary.identify(dmdCode: "999000381000001106", bnfCode: nil, name: nil)
    #expect(flixonase.classification?.role == .other)
    #expect(flixonase.finding == nil)
    let contradicted = formulary.identify(dmdCode: "999000381000001106", bnfCode: nil, name: "Salbutamol 100micrograms/dose inhaler CFC free")
    #expect(contradicted.classification?.role == .reliever)
    #expect(contradicted.finding?.kind == "code_name_conflict")
  }

  /// Respiratory products no class claims (a cromoglicate inhaler, theophylline) are listed
  /// as unclassified by the table and flagged when an export names them by code.
  @Test func respiratoryProductsNoClassClaimsAreUnclassifiedAndFlagged() throws {
    let table = try DMDFixture.table1()
    let intal = try #require(table.rows.first { $0.code == "999000441000001109" })
    #expect(intal.classID == Formulary.unclassifiedClassID)
    let identified = try DMDFixture.formulary().identify(dmdCode: "999000451000001107", bnfCode: nil, name: nil)
    #expect(identified.classification?.role == .unclassified)
    #expect(identified.finding?.kind == "unclassified_respiratory")
  }

  /// The table written and read back is the same table: what a team pins is what runs use.
  @Test func aProductTableReadsBackAsWritten() throws {
    let table = try DMDFixture.table2()
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("table-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: file) }
    try table.csv.write(to: file, atomically: true, encoding: .utf8)
    let read = try ProductTableFile.read(file, named: "dmd-products.csv")
    #expect(read.rows == table.rows)
    #expect(read.release == table.release)
    #expect(read.productsRead == table.productsRead)
    let pinned = try FormularyFixture.formulary().adding(read, from: "pinned", pinnedTable: "formulary/dmd-products.csv")
    #expect(pinned.classify(dmdCode: "999002231000001104", bnfCode: nil, name: nil)?.dosesPerDevice == 30)
    #expect(pinned.provenance.map(\.0) == ["version", "products_from", "product_table", "dmd_release", "dmd_release_date", "dmd_products"])
  }

  @Test func theDiffOfTwoReleasesShowsTheReCodedVMP() throws {
    let changes = ProductTable.changes(from: try DMDFixture.table1(), to: try DMDFixture.table2())
    #expect(changes.contains { $0.kind == .added && $0.code == "999000101000001100" })
    #expect(changes.contains { $0.kind == .changed && $0.code == "320139002" && $0.differences.contains("level: vmp -> vmp_previous") })
    #expect(!changes.contains { $0.kind == .removed })
  }
}
