import Foundation
import SurveillanceCore
import SurveillanceReports
import Testing

/// The child report's HTML, pinned for hand-worked children. A change to the page, the
/// rules' words or the sample data shows here as a diff to review.
struct ChildReportGoldenTests {
  @Test func theHakeemCaseChildMatchesItsGoldenFile() throws {
    try Golden.check(ChildReportRenderer(report: try SampleReports.hakeem()).html(), against: "child-hakeem.html")
  }

  @Test func aWellControlledChildMatchesItsGoldenFile() throws {
    try Golden.check(ChildReportRenderer(report: try SampleReports.wellControlled()).html(), against: "child-well-controlled.html")
  }

  @Test func theHakeemReplayShowsNebulesInMayAndOverUseBySummer() throws {
    let firings = Dictionary(uniqueKeysWithValues: try SampleReports.hakeem().firstFirings.map { ($0.first.ruleID, $0.first) })
    let nebules = try #require(firings["nebules-primary-care"])
    #expect(nebules.asOf.year == 2017 && nebules.asOf.month == 5)
    for rule in ["reliever-overuse", "low-preventer-ratio"] {
      #expect(try #require(firings[rule]).asOf <= date("2017-08-31"), "\(rule)")
    }
    #expect(firings["emergency-supply"]?.safeguarding?.plan.type == .childInNeed)
  }

  /// The case review's nebules were issued on 2017-05-15 (the samples' GP export); the
  /// weekly replay saw them on 2017-05-18 and the report gives the day of issue.
  @Test func theCaseChildsNebulesAreDatedTheDayTheGPIssuedThem() throws {
    let report = try SampleReports.hakeem()
    let nebules = try #require(report.firstFirings.first { $0.first.ruleID == "nebules-primary-care" })
    #expect(nebules.first.asOf == date("2017-05-15"))
    let html = ChildReportRenderer(report: report).html()
    #expect(html.contains("<td class=\"one-line\">2017-05-15</td>") || html.contains(">2017-05-15<"))
  }

  @Test func signalsAlreadyFiringWhenTheReplayStartsSaySoInsteadOfADate() throws {
    let report = try SampleReports.hakeem()
    let already = report.firstFirings.filter(\.alreadyFiringAtStart)
    #expect(!already.isEmpty)
    #expect(already.allSatisfy { $0.first.asOf == report.replayFrom })
    let html = ChildReportRenderer(report: report).html()
    #expect(html.contains("already firing when the replay starts (\(report.replayFrom))"))
    #expect(html.contains("first signal to appear in the replay (\(already.count) others already firing when it starts)"))
  }

  /// Badges crowded at the end of the record are pulled back, never drawn past the line.
  @Test func nothingInTheTimelineIsDrawnPastTheReportDate() throws {
    let html = ChildReportRenderer(report: try SampleReports.hakeem()).html()
    let line = try #require(html.components(separatedBy: "stroke-dasharray=\"5 3\"").first?.components(separatedBy: "<line x1=\"").last)
    let reportDateX = try #require(Double(line.prefix { $0 != "\"" }))
    var marks = 0
    for element in html.components(separatedBy: "<rect x=\"").dropFirst() where element.contains("first fired (") {
      let x = try #require(Double(element.prefix { $0 != "\"" }))
      let widthAttribute = try #require(element.components(separatedBy: "width=\"").dropFirst().first)
      let width = try #require(Double(widthAttribute.prefix { $0 != "\"" }))
      #expect(x + width <= reportDateX, "a badge ends at \(x + width), past the report date at \(reportDateX)")
      marks += 1
    }
    #expect(marks > 5)
  }

  @Test func theTimelineStartsAMonthBeforeTheRecordNotWhereTheReplayDoes() throws {
    let report = try SampleReports.childReport(
      try WellControlledChild.write(), nhs: WellControlledChild.nhsNumber, asOf: "2017-12-20", from: "2012-01-01", step: .month)
    let first = try #require((report.timeline.supplies.map(\.date) + report.timeline.events.map(\.date)).min())
    #expect(first > date("2013-01-01"), "the check needs a record that starts well after the replay")
    let months = report.months
    #expect(months.first?.month == first.startOfMonth.adding(months: -1))
    #expect(months.last?.month == date("2017-12-01"))
  }

  @Test func aWellControlledChildHasNoSignalAndSaysSo() throws {
    let report = try SampleReports.wellControlled()
    #expect(report.signals.isEmpty)
    #expect(report.firstFirings.isEmpty)
    let html = ChildReportRenderer(report: report).html()
    #expect(html.contains("no signal fired on any replay date"))
  }

  @Test func theChronologyNamesEveryRowAndItsReconciliation() throws {
    let report = try SampleReports.hakeem()
    let html = ChildReportRenderer(report: report).html()
    // The reliever handed over on 2017-10-03, two days before the GP issued it (review 12.15).
    #expect(html.contains("supplied before the prescription"))
    #expect(html.contains("GP issue 2017-10-05, dispensed 2017-10-03"))
    #expect(html.contains("emergency supply (no prescription)"))
    // Every supply row of both exports is cited.
    for line in 2...16 { #expect(html.contains("data-samples/case-hakeem/pharmacy.csv:\(line)"), "pharmacy.csv:\(line)") }
  }

  @Test func monthlyFiguresCountDevicesOnceAcrossBothExports() throws {
    let months = try SampleReports.hakeem().months
    let october = try #require(months.first { $0.month == date("2017-10-01") })
    // Dispensed 10-03 and 10-16 before prescriptions, 10-26 as an emergency supply.
    #expect(october.relieverDevices == 3)
    #expect(october.suppliesWithoutPrescription == 3)
    #expect(october.emergencySupplies == 1)
    #expect(october.attacks == 1)
    #expect(months.count == 25)
    #expect(months.reduce(0) { $0 + $1.nebuleIssues } == 2)
  }
}
