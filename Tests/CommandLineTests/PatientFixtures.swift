import Foundation

/// Hand-worked children for the `patient` check, as canonical exports, evaluated as of
/// 2026-11-21. What each should show was worked out by hand from these rows:
///
/// - 999 800 0017, born 2016-03-10 (10): relievers issued and dispensed in January, March and
///   May (two), an emergency supply at another pharmacy on 28 October (5 relievers); GP
///   nebules in August; a preventer issued in September and never collected (1 preventer,
///   ratio 1/6); an A&E attendance on 27 October with no review; an action plan due for review
///   on 2026-04-01 (overdue); a Child in Need plan since June (active: every signal raised one
///   level, safeguarding context yes).
/// - 999 800 0025, born 2019-06-01 (7): a preventer issued and collected on the 5th of every
///   month from December 2025 to November 2026 (12), one reliever in April, an asthma review
///   and action plan review in May: no signal, GREEN.
/// - 999 800 0033: in no file: no record.
enum PatientFixtures {
  static let amberChild = "9998000017"
  static let greenChild = "9998000025"
  static let absentChild = "9998000033"

  static let salbutamol = "7511000001105,0301011R0AAAPAP,Salbutamol 100micrograms/dose inhaler CFC free (Actavis UK Ltd)"
  static let nebules = "3386811000001103,0301011R0AAAXAX,Salbutamol 2.5mg/2.5ml nebuliser liquid unit dose vials (Mylan)"
  static let beclometasone = "4332611000001107,0302000C0AAARAR,Beclometasone 200micrograms/dose inhaler (A A H Pharmaceuticals Ltd)"

  static var gp: String {
    var rows = [
      "nhs_number,date_of_birth,practice_code,issue_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,issue_type,prescriber_code,prescription_id",
      "\(amberChild),2016-03-10,Z70001,2026-01-15,\(salbutamol),1,device,acute,G7000001,A-0001",
      "\(amberChild),2016-03-10,Z70001,2026-03-02,\(salbutamol),1,device,acute,G7000001,A-0002",
      "\(amberChild),2016-03-10,Z70001,2026-05-20,\(salbutamol),2,device,acute,G7000001,A-0003",
      "\(amberChild),2016-03-10,Z70001,2026-08-11,\(nebules),20,unit dose,acute,G7000001,A-0004",
      "\(amberChild),2016-03-10,Z70001,2026-09-03,\(beclometasone),1,device,repeat,G7000001,A-0005",
    ]
    for (index, month) in greenChildMonths.enumerated() {
      rows.append("\(greenChild),2019-06-01,Z70001,\(month)-05,\(beclometasone),1,device,repeat,G7000002,B-\(index + 1)")
    }
    rows.append("\(greenChild),2019-06-01,Z70001,2026-04-14,\(salbutamol),1,device,acute,G7000002,B-100")
    return rows.joined(separator: "\n") + "\n"
  }

  static var pharmacy: String {
    var rows = [
      "nhs_number,date_of_birth,pharmacy_code,dispensed_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,prescription_id,supply_type",
      "\(amberChild),2016-03-10,FZ701,2026-01-15,\(salbutamol),1,device,A-0001,nhs_prescription",
      "\(amberChild),2016-03-10,FZ701,2026-03-03,\(salbutamol),1,device,A-0002,nhs_prescription",
      "\(amberChild),2016-03-10,FZ701,2026-05-21,\(salbutamol),2,device,A-0003,nhs_prescription",
      "\(amberChild),2016-03-10,FZ701,2026-08-12,\(nebules),20,unit dose,A-0004,nhs_prescription",
      "\(amberChild),2016-03-10,FZ702,2026-10-28,\(salbutamol),1,device,,emergency_supply",
    ]
    for (index, month) in greenChildMonths.enumerated() {
      rows.append("\(greenChild),2019-06-01,FZ701,\(month)-05,\(beclometasone),1,device,B-\(index + 1),nhs_prescription")
    }
    rows.append("\(greenChild),2019-06-01,FZ701,2026-04-14,\(salbutamol),1,device,B-100,nhs_prescription")
    return rows.joined(separator: "\n") + "\n"
  }

  static let safeguarding = """
    nhs_number,plan_type,category,start_date,end_date,local_authority
    \(amberChild),CIN,neglect,2026-06-01,,Northmoor Borough Council

    """

  static let careEvents = """
    nhs_number,event_date,event_type,snomed_code,next_review_due
    \(amberChild),2025-04-01,paap_issued,527171000000103,2026-04-01
    \(amberChild),2026-10-27,ed_attendance,,
    \(greenChild),2026-05-10,asthma_review,394700004,
    \(greenChild),2026-05-10,paap_reviewed,527171000000103,2027-05-10

    """

  static let greenChildMonths = ["2025-12"] + (1...11).map { "2026-" + ($0 < 10 ? "0" : "") + String($0) }

  /// Writes the four exports into `directory`; returns the `--gp ... --care-events ...` arguments.
  static func writeExports(into directory: URL) throws -> [String] {
    let files = ["gp.csv": gp, "pharmacy.csv": pharmacy, "safeguarding.csv": safeguarding, "care-events.csv": careEvents]
    for (name, text) in files { try write(text, to: directory.appendingPathComponent(name)) }
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    return [
      "--gp", path("gp.csv"), "--pharmacy", path("pharmacy.csv"), "--safeguarding", path("safeguarding.csv"),
      "--care-events", path("care-events.csv"),
    ]
  }
}

/// A pseudonymisation key for the look-ups, in a 0600 file, and the environment that names it.
enum TestKey {
  static let environment: [String: String] = {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("asthma-cli-key-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: file.path, contents: Data(repeating: 0x5A, count: 32), attributes: [.posixPermissions: 0o600])
    return ["ASTHMA_SURVEILLANCE_KEY_FILE": file.path, "NO_COLOR": "1"]
  }()
}
