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
    #expect(html.contains("identifies children by NHS number"))
    // The lists are only in the CSV files: at an area's scale they run to thousands of rows.
    #expect(nhsNumberShapedStrings(in: html).isEmpty, "the page prints no list of children")
    #expect(html.contains("in safeguarding-and-signals.csv beside this page"))
    for name in ["children-with-signals.csv", "safeguarding-and-signals.csv"] {
      let list = try #require(renderer.csvFiles().first { $0.name == name })
      #expect(list.text.hasPrefix("nhs_number,"), "\(name)")
      #expect(!nhsNumberShapedStrings(in: list.text).isEmpty, "\(name)")
    }
  }

  /// Without --identify no child is named or listed, so the report needs no key: its model
  /// labels each child by its place among the records, and no label reaches the page or a CSV.
  @Test func aReportThatIdentifiesNoChildPrintsNoLabelOfOne() throws {
    let renderer = AreaReportRenderer(report: try SampleReports.pseudonymisedArea.get())
    let labels = renderer.report.children.map(\.label)
    #expect(Set(labels).count == labels.count, "labels collide")
    #expect(labels.allSatisfy { $0.hasPrefix("child ") })
    let published = [renderer.html()] + renderer.csvFiles().map(\.text)
    for label in labels.prefix(50) {
      #expect(!published.contains { $0.contains(label) }, "\(label) is published")
    }
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
    // The samples' exports start 15 months before their date, and every rule needs 12 months
    // of history (its window, or the population's activity window): of the 25 monthly dates
    // asked for, the trend keeps those from 12 months after the exports start.
    #expect(tables.trend.rows.count == report.trendDates.count)
    #expect(report.trendDates.count == 3)
    let start = try #require(report.historyStart)
    #expect(report.trendDates.allSatisfy { $0 >= start.adding(months: 12) })
    #expect(report.trendRequestedFrom == date("2024-11-21"))
  }

  @Test func theJobWritesOwnerOnlyFilesWithThePageLast() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("area-report-\(UUID().uuidString)")
    let samples = SampleReports.absolute("data-samples/case-hakeem") + "/"
    let job = ReportAreaJob(
      inputs: RunInputs(gp: [samples + "gp.csv"], pharmacy: [samples + "pharmacy.csv"], safeguarding: [samples + "safeguarding.csv"]),
      asOf: date("2017-11-26"), trendMonths: 12, identity: .countsOnly, outputPath: out.path,
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

  /// A few rejected rows of one export can be one child's: in a report naming no child, row
  /// counts from 1 to 4 in the limits are "fewer than 5", as children's counts are.
  @Test func theLimitsRowCountsFollowDisclosureControlUnlessChildrenAreIdentified() throws {
    var file = InputFileReport(path: "gp.csv", kind: .gpPrescriptions, profile: "canonical-gp")
    file.rowsRead = 1200
    file.rowsRejected = 3
    for identified in [false, true] {
      var report = try SampleReports.pseudonymisedArea.get()
      report.identified = identified
      report.coverage = DataCoverage(files: [file])
      let html = AreaReportRenderer(report: report).html()
      let limits = try #require(html.components(separatedBy: "<section aria-labelledby=\"limits\">").last)
      #expect(limits.contains(identified ? ">3</td>" : ">fewer than 5</td>"), "identified: \(identified)")
      #expect(limits.contains(identified ? "3 of 1200 rows" : "fewer than 5 of 1200 rows"), "identified: \(identified)")
      #expect(identified || !limits.contains(">3</td>"))
    }
  }

  @Test func pseudonymsArePrintedInGroupsOfFour() {
    #expect(AreaReport.displayPseudonym("1234567890abcdef") == "1234-5678-90ab-cdef")
    #expect(nhsNumberShapedStrings(in: AreaReport.displayPseudonym("1234567890123456")) == [])
  }
}
