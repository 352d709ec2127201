import CSVReading
import Foundation
import Testing

/// The children of the dm+d issue, end to end through `nightly`: products the 2020 codelists
/// do not know, units they rejected, a code that contradicts its name, and an extract
/// appended to a running file. What each should show was worked out by hand, as of 2026-11-21.
///
/// - 999 810 1018 (10): six relievers under dm+d's abbreviated name, no code: 6 relievers,
///   reliever over-use at priority (not 0 relievers and a preventer ratio of 1).
/// - 999 810 1026 (3): montelukast granules as "28 sachet" each month for six months and one
///   reliever: 6 preventers, ratio 0.85, no low-ratio signal (the sachets were rejected before).
/// - 999 810 1034 (11): one supply known only by a dm+d code the tool has never seen, in
///   doses: unclassified, counted on the child and listed, never set aside with other medicines.
/// - 999 810 1042 (12): a Ventolin Evohaler code on a row that says nebuliser liquid: a
///   conflict, the nebule kept, nebules from primary care raised.
/// - 999 810 1050 (13): four collected relievers, every issue and dispensing row twice in its
///   file: 4 relievers, none "never dispensed", 4 duplicates in each file's manifest entry.
@Suite(.serialized)
struct ProductRecognitionCommandTests {
  static let gpHeader = "nhs_number,date_of_birth,practice_code,issue_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,issue_type,prescriber_code,prescription_id"
  static let pharmacyHeader = "nhs_number,date_of_birth,pharmacy_code,dispensed_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,prescription_id,supply_type"
  static let months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]

  static var gp: String {
    var rows = [gpHeader]
    for month in months {
      rows.append("9998101018,2016-04-01,Z80001,\(month)-10,,,Salbutamol 100micrograms/dose breath actuated inh CFC free,1,inhaler,acute,G8000001,")
      rows.append("9998101026,2023-05-01,Z80001,\(month)-12,,0303020G0AAADAD,Montelukast 4mg granules sachets sugar free,28,sachet,repeat,G8000001,")
    }
    rows.append("9998101026,2023-05-01,Z80001,2026-03-20,7511000001105,0301011R0AAAPAP,Salbutamol 100micrograms/dose inhaler CFC free (Actavis UK Ltd),1,device,acute,G8000001,")
    rows.append("9998101034,2015-01-01,Z80001,2026-07-01,999000101000001100,,,200,dose,acute,G8000001,")
    // 999 810 1085 (13), on MART: a Symbicort 200/6 Turbohaler (120 doses) every 12 days.
    for index in 0..<8 {
      let day = Calendar(identifier: .gregorian).date(byAdding: .day, value: 12 * index, to: ISO8601DateFormatter().date(from: "2026-08-25T12:00:00Z")!)!
      let text = String(ISO8601DateFormatter().string(from: day).prefix(10))
      rows.append("9998101085,2013-02-01,Z80001,\(text),3294611000001104,0302000K0BDABAM,Symbicort 200/6 Turbohaler (AstraZeneca UK Ltd),1,inhaler,repeat,G8000001,")
    }
    rows.append("9998101042,2014-01-01,Z80001,2026-08-01,222311000001102,,Salbutamol 2.5mg/2.5ml nebuliser liquid unit dose vials,20,unit dose,acute,G8000001,")
    let collected = (1...4).map { "9998101050,2013-01-01,Z80001,2026-0\($0 + 1)-05,7511000001105,0301011R0AAAPAP,Salbutamol 100micrograms/dose inhaler CFC free (Actavis UK Ltd),1,device,acute,G8000001,RX-50\($0)" }
    return (rows + collected + collected).joined(separator: "\n") + "\n"
  }

  static var pharmacy: String {
    let collected = (1...4).map { "9998101050,2013-01-01,FZ801,2026-0\($0 + 1)-06,7511000001105,0301011R0AAAPAP,Salbutamol 100micrograms/dose inhaler CFC free (Actavis UK Ltd),1,device,RX-50\($0),nhs_prescription" }
    return ([pharmacyHeader] + collected + collected).joined(separator: "\n") + "\n"
  }

  /// `children.csv` by NHS number, each row as column name to cell.
  static func children(in out: URL) throws -> [String: [String: String]] {
    var rows: [[String]] = []
    try CSVReader.read(fileAt: out.appendingPathComponent("children.csv").path) { rows.append($0.fields) }
    let header = rows.removeFirst()
    return Dictionary(uniqueKeysWithValues: rows.map { ($0[0], Dictionary(uniqueKeysWithValues: zip(header, $0))) })
  }

  /// Writes the two exports; returns the `--gp ... --pharmacy ...` arguments.
  static func exports() throws -> [String] {
    let exports = CommandRunner.temporaryDirectory("recognition-in")
    try write(gp, to: exports.appendingPathComponent("gp.csv"))
    try write(pharmacy, to: exports.appendingPathComponent("pharmacy.csv"))
    return ["--gp", exports.appendingPathComponent("gp.csv").path, "--pharmacy", exports.appendingPathComponent("pharmacy.csv").path]
  }

  static func run() throws -> URL {
    let out = CommandRunner.temporaryDirectory("recognition-out")
    let result = try CommandRunner.run(["nightly"] + exports() + ["--as-of", "2026-11-21", "--out", out.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("1 respiratory product(s) could not be classified"), "\(result.stderr)")
    #expect(result.stderr.contains("1 product(s) had a code and a name that disagree"), "\(result.stderr)")
    return out
  }

  @Test func everyChildsProductsAreRecognisedOrSaidToBeUnknown() throws {
    let out = try Self.run()
    let children = try Self.children(in: out)
    #expect(children["9998101018"]?["reliever_devices_12m"] == "6")
    #expect(children["9998101018"]?["highest_severity"] == "priority")
    #expect(children["9998101026"]?["preventer_devices_12m"] == "6")
    #expect(children["9998101026"]?["preventer_ratio_12m"] == "0.85")
    #expect(children["9998101034"]?["unclassified_supplies_12m"] == "1")
    #expect(children["9998101034"]?["reliever_devices_12m"] == "0")
    #expect(children["9998101042"]?["nebule_issues_12m"] == "1")
    #expect(children["9998101050"]?["reliever_devices_12m"] == "4")
    #expect(children["9998101050"]?["issued_not_dispensed_12m"] == "0")
    let signals = try String(contentsOf: out.appendingPathComponent("signals.csv"), encoding: .utf8)
    #expect(signals.contains("9998101042,nebules-primary-care,"))
    #expect(!signals.contains("9998101026,low-preventer-ratio,"))
  }

  @Test func theManifestAndTheProductListAccountForWhatWasNotRecognised() throws {
    let out = try Self.run()
    let manifest = try manifest(in: out)
    let inputs = try #require(manifest["inputs"] as? [[String: Any]])
    #expect(inputs.map { $0["rows_rejected"] as? Int } == [0, 0], "sachets and the unknown code are not rejected")
    #expect((inputs[0]["accepted"] as? [String: Int])?["duplicate"] == 4)
    #expect((inputs[1]["accepted"] as? [String: Int])?["duplicate"] == 4)
    #expect((inputs[0]["products"] as? [String: Int]) == ["unclassified_respiratory_rows": 1, "code_name_conflict_rows": 1])
    let products = try #require(manifest["products"] as? [String: Int])
    #expect(products["unclassified_respiratory"] == 1)
    #expect(products["code_name_conflict"] == 1)
    #expect((manifest["outputs"] as? [String])?.contains("unclassified-products.csv") == true)

    var rows: [[String]] = []
    try CSVReader.read(fileAt: out.appendingPathComponent("unclassified-products.csv").path) { rows.append($0.fields) }
    let header = rows.removeFirst()
    let listed = rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    let unknown = try #require(listed.first { $0["finding"] == "unclassified_respiratory" })
    #expect(unknown["dmd_code"] == "999000101000001100")
    #expect(unknown["rows"] == "1")
    #expect(unknown["first_date"] == "2026-07-01")
    #expect(unknown["example"]?.hasSuffix("gp.csv:15") == true, "\(unknown["example"] ?? "")")
    let conflict = try #require(listed.first { $0["finding"] == "code_name_conflict" })
    #expect(conflict["dmd_code"] == "222311000001102")
    #expect(conflict["class_used"] == "saba_nebule")
    #expect(conflict["detail"]?.contains("saba_inhaler") == true)
    let mode = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("unclassified-products.csv").path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  /// At the counter, a child with no signal but a supply the tool could not classify is not
  /// simply GREEN: the check says what it left out.
  @Test func thePharmacistsCheckSaysWhatItCouldNotCount() throws {
    let audit = CommandRunner.temporaryDirectory("recognition-audit")
    let result = try CommandRunner.run(
      ["patient", "9998101034"] + Self.exports()
        + ["--as-of", "2026-11-21", "--audit", audit.path, "--user", "Test Pharmacist", "--reason", "reliever request"],
      environment: TestKey.environment)
    #expect(result.status == 0, "\(result.stderr)")
    let text = result.stdout.replacingOccurrences(of: "\n", with: " ")
    #expect(text.contains("Not counted: 1 supply of a respiratory product the tool could not classify (999000101000001100, 2026-07-01)"), "\(result.stdout)")
    let json = try CommandRunner.run(
      ["patient", "9998101034"] + Self.exports()
        + ["--as-of", "2026-11-21", "--audit", audit.path, "--user", "Test Pharmacist", "--reason", "reliever request", "--json"],
      environment: TestKey.environment)
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let listed = object?["unclassified_supplies"] as? [[String: String]]
    #expect(listed == [["date": "2026-07-01", "product": "999000101000001100"]])
  }

  /// A child on MART at the counter: the check says how many inhalations a day the supplies
  /// suggest, and that the one inhaler is preventer and reliever.
  @Test func thePharmacistsCheckSaysHowMuchAChildOnMARTUses() throws {
    let audit = CommandRunner.temporaryDirectory("recognition-mart")
    let result = try CommandRunner.run(
      ["patient", "9998101085"] + Self.exports()
        + ["--as-of", "2026-11-21", "--audit", audit.path, "--user", "Test Pharmacist", "--reason", "reliever request"],
      environment: TestKey.environment)
    #expect(result.status == 0, "\(result.stderr)")
    let text = result.stdout.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " ")
    // Eight inhalers from 25 August, 120 doses each, all in the 3 months to 21 November (92 days).
    #expect(text.contains("about 10.4 inhalations a day over the last 3 months"), "\(result.stdout)")
    #expect(text.contains("no separate reliever"), "\(result.stdout)")
    #expect(text.contains("Heavy use of a maintenance and reliever (MART) inhaler"), "\(result.stdout)")
  }
}
