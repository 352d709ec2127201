import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SurveillanceReports
import SurveillanceStore
import Testing

/// Reports made from a nightly store are the reports the same exports give: the child's
/// record rebuilt from the store replays as the record read from the exports.
struct StoreReportTests {
  /// A store filled by the nightly run on `inputs` as of `asOf`, in-process.
  static func store(_ inputs: RunInputs, asOf: String, name: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-report-\(name)-\(UUID().uuidString)")
    var job = NightlyJob(
      inputs: inputs, asOf: date(asOf), outputPath: directory.appendingPathComponent("out").path, maxRejectRate: 0.05,
      rules: try ShippedRules.load(), rulesFingerprint: fingerprint, toolVersion: SampleReports.provenanceVersion, log: { _ in })
    job.storePath = directory.appendingPathComponent("store").path
    _ = try job.run()
    return directory.appendingPathComponent("store").path
  }

  static let fingerprint = "0123456789abcdef0123456789abcdef"

  /// Supplies without the GP issue type (`acute`, `repeat`), which the store does not keep:
  /// no rule and no report reads it.
  static func comparable(_ supplies: [SupplyEvent]) -> [SupplyEvent] {
    supplies.map { supply in
      var supply = supply
      supply.issue?.issueType = nil
      return supply
    }
  }

  static func hakeemStore() throws -> String {
    let directory = "data-samples/case-hakeem/"
    let inputs = RunInputs(
      gp: [SampleReports.absolute(directory + "gp.csv")], pharmacy: [SampleReports.absolute(directory + "pharmacy.csv")],
      safeguarding: [SampleReports.absolute(directory + "safeguarding.csv")], careEvents: [SampleReports.absolute(directory + "care-events.csv")])
    return try store(inputs, asOf: "2017-11-26", name: "hakeem")
  }

  static func childJob(store: String, nhs: String = "999 999 9018", asOf: CalendarDate? = nil, fingerprint: String = fingerprint) throws -> StoreChildReportJob {
    StoreChildReportJob(
      storePath: store, nhsNumberText: nhs,
      access: StoreAccess(user: "An Analyst", reason: "CDOP review", pseudonymiser: try SampleReports.testPseudonymiser(), time: "2026-11-22T09:00:00Z"),
      asOf: asOf, replayFrom: nil, replayMonths: 24, step: .week, outputPath: "unused.html", rules: try ShippedRules.load(),
      rulesFingerprint: fingerprint, toolVersion: SampleReports.provenanceVersion, log: { _ in })
  }

  @Test func theHakeemReportFromAStoreMatchesTheGoldenFileOfTheReportFromTheExports() throws {
    var report = try Self.childJob(store: try Self.hakeemStore()).makeReport()
    report.coverage.files = report.coverage.files.map(SampleReports.relative)
    // The store adds what only it knows, the nightly history of each signal; the rest is the
    // report from the exports, byte for byte.
    let history = try #require(report.signalHistory)
    #expect(Set(history.sightings.keys) == Set(report.signals.map(\.ruleID)))
    #expect(history.sightings.values.allSatisfy { $0.status == .new && $0.sighting.firstSeen.description == "2017-11-26" })
    let page = ChildReportRenderer(report: report).html()
    #expect(page.contains("Nightly runs and reviews"))
    report.signalHistory = nil
    try Golden.check(ChildReportRenderer(report: report).html(), against: "child-hakeem.html")

    let fromExports = try SampleReports.hakeem()
    #expect(report.firstFirings == fromExports.firstFirings, "the replay's first firings")
    #expect(report.signals == fromExports.signals)
    #expect(Self.comparable(report.timeline.supplies) == Self.comparable(fromExports.timeline.supplies), "both sides of every supply, reconciled alike")
    #expect(report.replayDates == fromExports.replayDates)
  }

  @Test func anEarlierReportDateSeesOnlyWhatWasKnownThen() throws {
    let store = try Self.hakeemStore()
    let earlier = date("2017-09-01")
    let fromStore = try Self.childJob(store: store, asOf: earlier).makeReport()
    let directory = "data-samples/case-hakeem/"
    let fromExports = try SampleReports.childReport(
      RunInputs(
        gp: [SampleReports.absolute(directory + "gp.csv")], pharmacy: [SampleReports.absolute(directory + "pharmacy.csv")],
        safeguarding: [SampleReports.absolute(directory + "safeguarding.csv")], careEvents: [SampleReports.absolute(directory + "care-events.csv")]),
      nhs: "9999999018", asOf: "2017-09-01", from: "2015-09-01", step: .week)
    #expect(fromStore.firstFirings == fromExports.firstFirings)
    #expect(Self.comparable(fromStore.timeline.supplies) == Self.comparable(fromExports.timeline.supplies))
    #expect(fromStore.signals == fromExports.signals)
  }

  @Test func theStoreAnswersOnlyForItsOwnDateItsOwnRulesAndItsOwnChildren() throws {
    let store = try Self.hakeemStore()
    #expect(throws: ReportError.asOfAfterStore(date("2017-11-26"))) { try Self.childJob(store: store, asOf: date("2017-11-27")).makeReport() }
    #expect(throws: ReportError.rulesDifferFromStore(storeRulesVersion: try ShippedRules.load().version, givenRulesVersion: try ShippedRules.load().version)) {
      try Self.childJob(store: store, fingerprint: "another rules folder").makeReport()
    }
    #expect(throws: ReportError.childNotInStore(asOf: date("2017-11-26"), population: "under 18, with an asthma supply or care event in the 12 months before")) { try Self.childJob(store: store, nhs: "943 476 5919").makeReport() }
    #expect(throws: ReportError.invalidNHSNumber(.failsCheckDigit)) { try Self.childJob(store: store, nhs: "999 999 9019").makeReport() }
    for error in [ReportError.childNotInStore(asOf: date("2017-11-26"), population: "under 18, with an asthma supply or care event in the 12 months before"), .invalidNHSNumber(.failsCheckDigit)] {
      #expect(nhsNumberShapedStrings(in: error.description) == [])
    }
  }

  /// The sample area's store, and the area report from it.
  static let sampleStore = Result {
    let samples = "data-samples/"
    let inputs = RunInputs(
      gp: [SampleReports.absolute(samples + "gp.csv"), SampleReports.absolute(samples + "gp-emis.csv")],
      pharmacy: [SampleReports.absolute(samples + "pharmacy.csv"), SampleReports.absolute(samples + "pharmacy-pmr.csv")],
      safeguarding: [SampleReports.absolute(samples + "safeguarding.csv"), SampleReports.absolute(samples + "safeguarding-la.csv")],
      careEvents: [SampleReports.absolute(samples + "care-events.csv"), SampleReports.absolute(samples + "care-events-emis.csv")])
    return try store(inputs, asOf: "2026-11-21", name: "samples")
  }

  static func areaFromStore(identified: Bool) throws -> AreaReport {
    let identity: ReportAreaJob.Identity = identified ? .identified(SampleReports.unwrittenAccess) : .countsOnly
    let job = StoreAreaReportJob(
      storePath: try sampleStore.get(), trendMonths: 24, identity: identity, outputPath: "unused", rules: try ShippedRules.load(),
      rulesFingerprint: fingerprint, toolVersion: SampleReports.provenanceVersion, log: { _ in })
    return try job.makeReport()
  }

  @Test func anAreaReportFromAStoreHoldsNoNHSNumberShapedStringUnlessAskedTo() throws {
    let renderer = AreaReportRenderer(report: try Self.areaFromStore(identified: false))
    #expect(nhsNumberShapedStrings(in: renderer.html()) == [])
    for (name, csv) in renderer.csvFiles() {
      #expect(nhsNumberShapedStrings(in: csv) == [], "\(name)")
    }
    let identified = AreaReportRenderer(report: try Self.areaFromStore(identified: true))
    #expect(identified.html().contains("identifies children by NHS number"))
    let cohort = try #require(identified.csvFiles().first { $0.name == "children-with-signals.csv" })
    #expect(!nhsNumberShapedStrings(in: cohort.text).isEmpty)
  }

  @Test func anIdentifiedAreaReportFromAStoreIsInItsAuditTrailBeforeItIsWritten() throws {
    let store = try Self.hakeemStore()
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("identified-area-\(UUID().uuidString)").path
    let access = IdentifiedReportAccess(user: "cdop.analyst", reason: "thematic review", time: "2026-12-01T10:00:00Z", auditStorePath: store)
    let job = StoreAreaReportJob(
      storePath: store, trendMonths: 6, identity: .identified(access), outputPath: out, rules: try ShippedRules.load(),
      rulesFingerprint: Self.fingerprint, toolVersion: SampleReports.provenanceVersion, log: { _ in })
    _ = try job.run()

    let entries = try SurveillanceStore.openExisting(at: store).auditEntries()
    let entry = try #require(entries.last)
    #expect(entries.count == 1)
    #expect(entry.command == AuditEntry.reportAreaIdentifiedCommand)
    #expect(entry.user == "cdop.analyst" && entry.reason == "thematic review")
    #expect(entry.source == "store" && entry.runID != nil && entry.asOf == date("2017-11-26"))
    #expect(entry.nhsPseudonym == nil, "the report names many children, so the entry names none")
    #expect(FileManager.default.fileExists(atPath: out + "/children-with-signals.csv"))
  }

  @Test func anIdentifiedAreaReportWhoseAuditEntryCannotBeWrittenIsNotWritten() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("unaudited-area-\(UUID().uuidString)").path
    let access = IdentifiedReportAccess(user: "a", reason: "b", time: "2026-12-01T10:00:00Z", auditStorePath: "/proc/no-audit-here")
    let job = StoreAreaReportJob(
      storePath: try Self.hakeemStore(), trendMonths: 6, identity: .identified(access), outputPath: out, rules: try ShippedRules.load(),
      rulesFingerprint: Self.fingerprint, toolVersion: SampleReports.provenanceVersion, log: { _ in })
    #expect(throws: (any Error).self) { try job.run() }
    #expect(!FileManager.default.fileExists(atPath: out + "/children-with-signals.csv"))
    #expect(!FileManager.default.fileExists(atPath: out + "/area-report.html"))
  }

  @Test func anAreaReportFromAStoreShowsTheReportDateAsTheExportsDo() throws {
    let fromStore = try Self.areaFromStore(identified: false)
    let fromExports = try SampleReports.pseudonymisedArea.get()
    #expect(fromStore.asOf == fromExports.asOf)
    #expect(fromStore.trendDates == fromExports.trendDates)
    func onReportDate(_ report: AreaReport) -> [String: [AreaSignal]] {
      Dictionary(uniqueKeysWithValues: report.evaluated.map { ($0.label, $0.signals) })
    }
    #expect(onReportDate(fromStore) == onReportDate(fromExports), "the same children with the same signals on the report date")
    #expect(fromStore.evaluated.map(\.practiceCode) == fromExports.evaluated.map(\.practiceCode))
    #expect(fromStore.evaluated.map(\.preventerRatio12m) == fromExports.evaluated.map(\.preventerRatio12m))
    #expect(fromStore.evaluated.map(\.safeguarding) == fromExports.evaluated.map(\.safeguarding))

    // The trend: the same on the report date; earlier, never more than the exports show (the
    // store keeps only the children in the population on its date), and each child in the
    // store fires on each date exactly as from the exports.
    let storeTables = AreaTables(report: fromStore)
    let exportTables = AreaTables(report: fromExports)
    #expect(storeTables.trend.rows.last == exportTables.trend.rows.last)
    for case let (figure, stored) in storeTables.figures.counts {
      guard case .trend = figure else { continue }
      #expect(stored <= exportTables.figures.counts[figure]!, "\(figure)")
    }
    let exportFirings = Dictionary(uniqueKeysWithValues: fromExports.children.map { ($0.label, $0.firingOnTrendDates) })
    for child in fromStore.children {
      #expect(child.firingOnTrendDates == exportFirings[child.label], "\(child.label)")
    }
    let html = AreaReportRenderer(report: fromStore).html()
    #expect(html.contains("Read from the store&#39;s nightly run as of 2026-11-21, which keeps the children in the population on that date."))
  }
}
