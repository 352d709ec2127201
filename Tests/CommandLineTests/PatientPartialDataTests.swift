import Foundation
import Testing

/// A check from a pharmacy's own exports when some of their rows could not be read: the
/// answer says it comes from partial data, and never "No record" for a child whose every row
/// was rejected.
struct PatientPartialDataTests {
  static let header = "nhs_number,date_of_birth,pharmacy_code,dispensed_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,prescription_id,supply_type"
  static let salbutamol = "7511000001105,0301011R0AAAPAP,Salbutamol 100micrograms/dose inhaler CFC free (Actavis UK Ltd)"

  func check(_ rows: [String], child: String) throws -> String {
    let dir = CommandRunner.temporaryDirectory("partial")
    try write(([Self.header] + rows).joined(separator: "\n") + "\n", to: dir.appendingPathComponent("pharmacy.csv"))
    let result = try CommandRunner.run(
      ["patient", child, "--pharmacy", dir.appendingPathComponent("pharmacy.csv").path, "--as-of", "2026-11-21",
       "--audit", dir.appendingPathComponent("audit").path, "--user", "A Pharmacist", "--reason", "reliever request"],
      environment: TestKey.environment)
    #expect(result.status == 0, "\(result.stderr)")
    return result.stdout.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " ")
  }

  @Test func aChildWhoseEveryRowWasRejectedIsNotNoRecord() throws {
    let rows = ["2026-13-01", "2026-02-30", "2026-04-31"].map { "9998101093,2015-01-01,FZ801,\($0),\(Self.salbutamol),1,device,,nhs_prescription" }
      + ["9998101018,2016-04-01,FZ801,2026-03-01,\(Self.salbutamol),1,device,,nhs_prescription"]
    let text = try check(rows, child: "9998101093")
    #expect(text.contains("No usable record of this child: 3 rows holding this NHS number were rejected"), "\(text)")
    #expect(!text.contains("No record of this child."))
  }

  @Test func anAnswerFromPartialDataSaysSo() throws {
    let rows = [
      "9998101018,2016-04-01,FZ801,2026-03-01,\(Self.salbutamol),1,device,,nhs_prescription",
      "9998101018,2016-04-01,FZ801,2026-13-01,\(Self.salbutamol),1,device,,nhs_prescription",
      "9998101026,2023-05-01,FZ801,2026-02-30,\(Self.salbutamol),1,device,,nhs_prescription",
    ]
    let text = try check(rows, child: "9998101018")
    #expect(text.contains("Partial data: 2 rows of the exports (about 67%) were rejected when read; 1 of them holds this child's NHS number and is not counted"), "\(text)")
  }
}
