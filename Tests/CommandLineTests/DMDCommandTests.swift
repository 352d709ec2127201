import Foundation
import Testing

/// A medicines team's week with a dm+d release: build the product table, diff it against last
/// week's, pin it in the rules, and run on an export that names products by dm+d code only.
@Suite(.serialized)
struct DMDCommandTests {
  static let fixture = repositoryRoot.appendingPathComponent("Tests/SurveillanceCoreTests/Fixtures/dmd-release")

  /// A release folder as TRUD's zip unpacks, with the BNF SNOMED mapping beside the XML.
  static func releaseFolder(_ release: String) throws -> URL {
    let folder = CommandRunner.temporaryDirectory("dmd-\(release)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for file in try FileManager.default.contentsOfDirectory(at: fixture.appendingPathComponent(release), includingPropertiesForKeys: nil)
    where file.pathExtension == "xml" {
      try FileManager.default.copyItem(at: file, to: folder.appendingPathComponent(file.lastPathComponent))
    }
    try FileManager.default.copyItem(at: fixture.appendingPathComponent("bnf-snomed-mapping.xlsx"), to: folder.appendingPathComponent("mapping.xlsx"))
    return folder
  }

  /// A 13-year-old whose GP system exports dm+d codes and quantities only: an Atectura
  /// Breezhaler pack (30 capsules) each month for eight months, and eight Ventolin packs.
  static let codeOnlyExport: String = {
    var rows = ["nhs_number,date_of_birth,practice_code,issue_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,issue_type,prescriber_code,prescription_id"]
    for month in 1...8 {
      let day = "2026-\(month < 10 ? "0" : "")\(month)"
      rows.append("9998101077,2013-02-01,Z80002,\(day)-03,999002231000001104,,,30,capsule,repeat,G8000002,")
      rows.append("9998101077,2013-02-01,Z80002,\(day)-17,999002011000001100,,,200,dose,acute,G8000002,")
    }
    return rows.joined(separator: "\n") + "\n"
  }()

  static func children(_ out: URL) throws -> String { try String(contentsOf: out.appendingPathComponent("children.csv"), encoding: .utf8) }

  @Test func buildDiffPinAndRunOnCodesAlone() throws {
    let work = CommandRunner.temporaryDirectory("dmd-week")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let lastWeek = work.appendingPathComponent("last-week.csv")
    let thisWeek = work.appendingPathComponent("dmd-products.csv")
    let built1 = try CommandRunner.run(["formulary", "build", "--dmd", try Self.releaseFolder("release-1").path, "--out", lastWeek.path])
    #expect(built1.status == 0, "\(built1.stderr)")
    let built2 = try CommandRunner.run(["formulary", "build", "--dmd", try Self.releaseFolder("release-2").path, "--out", thisWeek.path])
    #expect(built2.status == 0, "\(built2.stderr)")
    #expect(built2.stderr.contains("144 asthma products"), "\(built2.stderr)")
    let table = try String(contentsOf: thisWeek, encoding: .utf8)
    #expect(table.hasPrefix("# asthma-surveillance product table"))
    #expect(table.contains("999002231000001104,ampp,"))

    let diff = try CommandRunner.run(["formulary", "diff", lastWeek.path, thisWeek.path])
    #expect(diff.status == 0)
    #expect(diff.stdout.contains("added vmp 999000101000001100 Salbutamol 100micrograms/dose inhaler CFC free: saba_inhaler (reliever)"), "\(diff.stdout)")
    #expect(diff.stdout.contains("1 added, 0 removed"))

    // Pinned: a copy of the rules naming the table.
    let rules = work.appendingPathComponent("rules")
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("rules"), to: rules)
    try FileManager.default.copyItem(at: thisWeek, to: rules.appendingPathComponent("formulary/dmd-products.csv"))
    let definition = rules.appendingPathComponent("formulary/formulary.json")
    let text = try String(contentsOf: definition, encoding: .utf8)
    try text.replacingOccurrences(of: "\"dmd_release\": {", with: "\"product_table\": \"dmd-products.csv\",\n\n  \"dmd_release\": {")
      .write(to: definition, atomically: true, encoding: .utf8)
    let export = work.appendingPathComponent("gp.csv")
    try write(Self.codeOnlyExport, to: export)

    let pinnedOut = work.appendingPathComponent("pinned")
    let pinned = try CommandRunner.run(["nightly", "--gp", export.path, "--as-of", "2026-11-21", "--rules", rules.path, "--out", pinnedOut.path])
    #expect(pinned.status == 0, "\(pinned.stderr)")
    let line = try #require(try Self.children(pinnedOut).split(separator: "\n").first { $0.hasPrefix("9998101077,") })
    #expect(line.hasPrefix("9998101077,13,Z80002,0,3,8,8,0.50,"), "8 relievers (none in the last 3 months) and 8 preventers (30 capsules a pack): \(line)")
    let formulary = try #require(try manifest(in: pinnedOut)["formulary"] as? [String: String])
    #expect(formulary["product_table"] == "formulary/dmd-products.csv")
    #expect(formulary["dmd_release"] == "dmd-release-2" || formulary["dmd_release"]?.hasPrefix("asthma-cli-dmd-release") == true, "\(formulary)")

    // Without the table neither code is known. The Ventolin rows' unit ("dose") says inhaler,
    // so that product is listed as unclassified, not set aside; 30 capsules say nothing (most
    // capsules are swallowed), which is why the release matters.
    let bareOut = work.appendingPathComponent("bare")
    let bare = try CommandRunner.run(["nightly", "--gp", export.path, "--as-of", "2026-11-21", "--out", bareOut.path])
    #expect(bare.status == 0, "\(bare.stderr)")
    #expect(bare.stderr.contains("1 respiratory product(s) could not be classified (8 row(s)"), "\(bare.stderr)")

    // The release itself, instead of the pinned table, gives the same children.
    let releaseOut = work.appendingPathComponent("release")
    let release = try CommandRunner.run([
      "nightly", "--gp", export.path, "--as-of", "2026-11-21", "--rules", rules.path, "--dmd", try Self.releaseFolder("release-2").path, "--out", releaseOut.path,
    ])
    #expect(release.status == 0, "\(release.stderr)")
    #expect(try Self.children(releaseOut) == Self.children(pinnedOut))
    #expect((try manifest(in: releaseOut)["formulary"] as? [String: String])?["products_from"]?.hasPrefix("dm+d release ") == true)
  }
}
