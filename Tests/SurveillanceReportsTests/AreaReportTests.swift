import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SurveillanceReports
import Testing

/// The area report on the sample area: pseudonymised unless asked otherwise, tables that
/// agree with each other, files only their owner can read.
struct AreaReportTests {
  @Test func aPseudonymisedReportHoldsNoNHSNumberShapedString() throws {
    let renderer = AreaReportRenderer(report: try SampleReports.pseudonymisedArea.get())
    #expect(nhsNumberShapedStrings(in: renderer.html()) == [])
    for (name, csv) in renderer.csvFiles() {
      #expect(nhsNumberShapedStrings(in: csv) == [], "\(name)")
    }
  }

  @Test func identifyingChildrenShowsTheirNHSNumbers() throws {
    let renderer = AreaReportRenderer(report: try SampleReports.identifiedArea.get())
    let html = renderer.html()
    #expect(!nhsNumberShapedStrings(in: html).isEmpty)
    #expect(html.contains("identifies children by NHS number"))
    let cohort = try #require(renderer.csvFiles().first { $0.name == "children-with-signals.csv" })
    #expect(cohort.text.hasPrefix("nhs_number,"))
    #expect(!nhsNumberShapedStrings(in: cohort.text).isEmpty)
  }

  @Test func theSameChildGetsTheSamePseudonymInEveryTable() throws {
    let report = try SampleReports.pseudonymisedArea.get()
    let pseudonymiser = try SampleReports.testPseudonymiser()
    let expected = AreaReport.displayPseudonym(pseudonymiser.pseudonym(for: NHSNumber("9990000018")!))
    #expect(expected.count == 19)
    let labels = Set(report.children.map(\.label))
    #expect(labels.count == report.children.count, "pseudonyms collide")
    #expect(labels.allSatisfy { $0.count == 19 && $0.split(separator: "-").count == 4 })
  }

  /// With exact counts (the identified report; the pseudonymised one suppresses some).
  @Test func tablesAgreeWithEachOther() throws {
    let report = try SampleReports.identifiedArea.get()
    let tables = AreaTables(report: report)
    let evaluated = report.evaluated.count
    #expect(evaluated > 100)
    let ratioTotal = tables.preventerRatios.rows.reduce(0) { $0 + Int($1[1])! }
    #expect(ratioTotal == evaluated)
    let practiceTotal = tables.practices.rows.reduce(0) { $0 + Int($1[1])! }
    #expect(practiceTotal == evaluated)
    // The trend's last date is the report date: its counts are the report date's.
    let last = try #require(tables.trend.rows.last)
    #expect(last[0] == "2026-11-21")
    for (index, rule) in report.rules.enumerated() {
      let onReportDate = report.children.filter { $0.signals.contains { $0.ruleID == rule.id } }.count
      #expect(Int(last[index + 1]) == onReportDate, "\(rule.id)")
    }
    #expect(tables.trend.rows.count == 25)
  }

  @Test func theJobWritesOwnerOnlyFilesWithThePageLast() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("area-report-\(UUID().uuidString)")
    let samples = SampleReports.absolute("data-samples/case-hakeem") + "/"
    let job = ReportAreaJob(
      inputs: RunInputs(gp: [samples + "gp.csv"], pharmacy: [samples + "pharmacy.csv"], safeguarding: [samples + "safeguarding.csv"]),
      asOf: date("2017-11-26"), trendMonths: 12, identity: .pseudonymised(try SampleReports.testPseudonymiser()), outputPath: out.path,
      rules: try ShippedRules.load(), rulesFingerprint: "x", toolVersion: "test", log: { _ in })
    let (_, files) = try job.run()
    #expect(files.last == AreaReportRenderer.htmlFileName)
    #expect(files.contains("signals-by-rule.csv"))
    for file in files {
      let mode = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(file).path)[.posixPermissions] as? Int
      #expect(mode == 0o600, "\(file)")
    }
    let html = try String(contentsOf: out.appendingPathComponent(AreaReportRenderer.htmlFileName), encoding: .utf8)
    #expect(html.contains("No care events export"))
    #expect(nhsNumberShapedStrings(in: html) == [])
  }

  @Test func pseudonymsArePrintedInGroupsOfFour() {
    #expect(AreaReport.displayPseudonym("1234567890abcdef") == "1234-5678-90ab-cdef")
    #expect(nhsNumberShapedStrings(in: AreaReport.displayPseudonym("1234567890123456")) == [])
  }
}
