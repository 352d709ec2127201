import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SurveillanceReports
import Testing

/// Export text is untrusted: a drug name or a local authority that holds markup prints as
/// text in the report and never becomes an element.
struct UntrustedTextTests {
  static let hostileDrug = "Salbutamol <script>alert('x')</script> & <img src=x onerror=alert(1)>"
  static let hostileAuthority = "\"><svg onload=alert(1)>"

  @Test func markupInExportFieldsPrintsAsText() throws {
    let hostile = { (text: String) in text.replacingOccurrences(of: "Salbutamol 100micrograms/dose inhaler CFC free", with: "\"\(Self.hostileDrug)\"") }
    let safeguarding = WellControlledChild.safeguarding + "\(WellControlledChild.nhsNumber),CIN,,2017-06-01,,\"\(Self.hostileAuthority)\"\n"
    let inputs = try WellControlledChild.write()
    try hostile(WellControlledChild.gp).write(toFile: inputs.gp[0], atomically: true, encoding: .utf8)
    try hostile(WellControlledChild.pharmacy).write(toFile: inputs.pharmacy[0], atomically: true, encoding: .utf8)
    try safeguarding.write(toFile: inputs.safeguarding[0], atomically: true, encoding: .utf8)
    let report = try SampleReports.childReport(inputs, nhs: WellControlledChild.nhsNumber, asOf: "2017-12-20", from: "2016-12-20", step: .month)
    let html = ChildReportRenderer(report: report).html()
    #expect(!html.contains("<script"))
    #expect(!html.contains("<img"))
    #expect(!html.contains("<svg onload"))
    #expect(html.contains("Salbutamol &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"))
    #expect(html.contains("&quot;&gt;&lt;svg onload=alert(1)&gt;"))
  }

  @Test(arguments: [false, true]) func spreadsheetFormulasInAreaTablesAreNeutralised(identified: Bool) throws {
    let report = AreaReport(
      asOf: date("2026-11-21"), trendDates: [date("2026-11-21")],
      children: [
        AreaChild(
          label: "=HYPERLINK(\"http://x\")", practiceCode: "+Z1", ageYears: 7, evaluated: true, preventerRatio12m: 0.2,
          signals: [AreaSignal(ruleID: "reliever-overuse", severity: .priority, ruleSeverity: .review)], safeguarding: "@CIN",
          firingOnTrendDates: [["reliever-overuse"]])
      ],
      excluded: [:], rules: try ShippedRules.load().signals, identified: identified,
      disclosureControl: try ShippedRules.load().reports.disclosureControl, coverage: DataCoverage(files: []),
      provenance: ReportProvenance(toolVersion: "test", rulesVersion: "test"))
    let files = AreaReportRenderer(report: report).csvFiles()
    for (name, csv) in files {
      for line in csv.split(separator: "\n") {
        for start in ["=", "+", "@", "-"] {
          #expect(!line.hasPrefix(start) && !line.contains("," + start), "\(name): \(line)")
        }
      }
    }
    let practices = try #require(files.first { $0.name == "practices.csv" })
    #expect(practices.text.contains("'+Z1"))
    if identified {
      let cohort = try #require(files.first { $0.name == "children-with-signals.csv" })
      #expect(cohort.text.contains("'+Z1"))
      #expect(cohort.text.contains("'@CIN"))
    }
  }
}
