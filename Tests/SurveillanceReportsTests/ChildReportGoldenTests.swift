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
    let months = MonthlyActivity.series(for: try SampleReports.hakeem())
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
