import Foundation
import SurveillanceFrontend

/// A hand-worked child whose asthma is well controlled, as CSV exports: a preventer
/// (Clenil Modulite 100) prescribed and collected every month of 2017, two relievers
/// (salbutamol) in the year, an asthma review with a written action plan every March, and no
/// safeguarding plan. On 2017-12-20 no rule should fire.
enum WellControlledChild {
  static let nhsNumber = "9990001006"
  static let gpHeader = "nhs_number,date_of_birth,practice_code,issue_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,issue_type,prescriber_code,prescription_id"
  static let pharmacyHeader = "nhs_number,date_of_birth,pharmacy_code,dispensed_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,prescription_id,supply_type"
  static let preventer = "10618211000001109,0302000C0BPABBF,Clenil Modulite 100micrograms/dose inhaler (Chiesi Ltd)"
  static let reliever = "320139002,0301011R0AAAPAP,Salbutamol 100micrograms/dose inhaler CFC free"

  static var gp: String {
    var lines = [gpHeader]
    for month in 1...12 {
      lines.append("\(nhsNumber),2009-05-04,Z70001,2017-\(two(month))-03,\(preventer),1,device,repeat,G9700001,WC-P\(month)")
    }
    lines.append("\(nhsNumber),2009-05-04,Z70001,2017-02-10,\(reliever),1,device,acute,G9700001,WC-R1")
    lines.append("\(nhsNumber),2009-05-04,Z70001,2017-09-10,\(reliever),1,device,acute,G9700001,WC-R2")
    return lines.joined(separator: "\n") + "\n"
  }

  static var pharmacy: String {
    var lines = [pharmacyHeader]
    for month in 1...12 {
      lines.append("\(nhsNumber),2009-05-04,FZ701,2017-\(two(month))-04,\(preventer),1,device,WC-P\(month),nhs_prescription")
    }
    lines.append("\(nhsNumber),2009-05-04,FZ701,2017-02-10,\(reliever),1,device,WC-R1,nhs_prescription")
    lines.append("\(nhsNumber),2009-05-04,FZ701,2017-09-11,\(reliever),1,device,WC-R2,nhs_prescription")
    return lines.joined(separator: "\n") + "\n"
  }

  static var careEvents: String {
    """
    nhs_number,event_date,event_type,snomed_code,next_review_due
    \(nhsNumber),2014-06-01,diagnosis,195967001,
    \(nhsNumber),2016-03-01,asthma_review,394700004,
    \(nhsNumber),2016-03-01,paap_issued,527171000000103,2017-03-01
    \(nhsNumber),2017-03-01,asthma_review,394700004,
    \(nhsNumber),2017-03-01,paap_issued,527171000000103,2018-03-01

    """
  }

  static let safeguarding = "nhs_number,plan_type,category,start_date,end_date,local_authority\n"

  /// Writes the four exports to a fresh temporary directory.
  static func write() throws -> RunInputs {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("well-controlled-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    func file(_ name: String, _ text: String) throws -> String {
      let url = directory.appendingPathComponent(name)
      try text.write(to: url, atomically: true, encoding: .utf8)
      return url.path
    }
    return RunInputs(
      gp: [try file("gp.csv", gp)], pharmacy: [try file("pharmacy.csv", pharmacy)],
      safeguarding: [try file("safeguarding.csv", safeguarding)], careEvents: [try file("care-events.csv", careEvents)])
  }

  private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
