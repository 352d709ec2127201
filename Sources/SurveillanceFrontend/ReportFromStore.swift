import Foundation
import SurveillanceCore
import SurveillanceReports
import SurveillanceStore

/// Who is looking at a child's record in a store, and why. A look-up is recorded in the
/// store's audit trail, with a keyed hash of the NHS number, before anything is shown.
public struct StoreAccess: Sendable {
  public var user: String
  public var reason: String
  public var pseudonymiser: Pseudonymiser
  /// Now, ISO 8601 in UTC: the clock belongs to the executable.
  public var time: String

  public init(user: String, reason: String, pseudonymiser: Pseudonymiser, time: String) {
    self.user = user
    self.reason = reason
    self.pseudonymiser = pseudonymiser
    self.time = time
  }
}

/// `report child --store`: the child's record from the store's current generation, rebuilt
/// as the nightly run read it from the exports, replayed and written as the chronology report
/// the exports would give. The look-up is audited as `patient`'s are: an entry is appended
/// (found, no record, invalid NHS number or failed) before the report is made.
public struct StoreChildReportJob: Sendable {
  public var storePath: String
  /// The NHS number as typed, spaces allowed.
  public var nhsNumberText: String
  public var access: StoreAccess
  /// The report date; `nil` for the date of the store's generation. Never after it.
  public var asOf: CalendarDate?
  /// The first replay date; `nil` for ``replayMonths`` before the report date.
  public var replayFrom: CalendarDate?
  public var replayMonths: Int
  public var step: ReplayStep
  public var outputPath: String
  public var rules: RuleSet
  public var rulesFingerprint: String
  public var toolVersion: String
  public var log: @Sendable (String) -> Void
  /// When the store's records count as out of date, for the warning at the top; `nil` asks nothing.
  public var freshness: FreshnessPolicy?

  public init(
    storePath: String, nhsNumberText: String, access: StoreAccess, asOf: CalendarDate?, replayFrom: CalendarDate?, replayMonths: Int,
    step: ReplayStep, outputPath: String, rules: RuleSet, rulesFingerprint: String, toolVersion: String,
    log: @escaping @Sendable (String) -> Void
  ) {
    self.storePath = storePath
    self.nhsNumberText = nhsNumberText
    self.access = access
    self.asOf = asOf
    self.replayFrom = replayFrom
    self.replayMonths = replayMonths
    self.step = step
    self.outputPath = outputPath
    self.rules = rules
    self.rulesFingerprint = rulesFingerprint
    self.toolVersion = toolVersion
    self.log = log
  }

  /// The report, without writing it; the look-up is audited all the same.
  public func makeReport() throws -> ChildReport {
    let store = try SurveillanceStore.openExisting(at: storePath)
    func audit(_ outcome: AuditOutcome, _ nhsNumber: NHSNumber?, runID: Int64? = nil, asOf: CalendarDate? = nil) throws {
      try store.appendAudit(AuditEntry(
        time: access.time, user: access.user, reason: access.reason, nhsPseudonym: nhsNumber.map(access.pseudonymiser.pseudonym),
        outcome: outcome, trafficLight: nil, source: "store", runID: runID, asOf: asOf, command: AuditEntry.reportChildCommand))
    }

    let nhsNumber: NHSNumber
    switch NHSNumber.parse(nhsNumberText) {
    case .success(let number): nhsNumber = number
    case .failure(let problem):
      try audit(.invalidNHSNumber, nil)
      throw ReportError.invalidNHSNumber(problem)
    }

    let found: (generation: GenerationInfo, report: ChildReport?)
    do {
      found = try lookUp(nhsNumber, in: store)
    } catch {
      try audit(.failed, nhsNumber)
      throw error
    }
    guard let report = found.report else {
      try audit(.noRecord, nhsNumber, runID: found.generation.runID, asOf: found.generation.asOf)
      throw ReportError.childNotInStore(asOf: found.generation.asOf, population: PopulationWords(rules.timeline).rule)
    }
    try audit(.found, nhsNumber, runID: found.generation.runID, asOf: found.generation.asOf)
    var warned = report
    if let freshness { warned.dataWarnings = try store.health(freshness).warnings }
    for warning in warned.dataWarnings { log("warning: \(warning)") }
    return warned
  }

  /// The child's report from the current generation, `nil` when it holds no record of them.
  private func lookUp(_ nhsNumber: NHSNumber, in store: SurveillanceStore) throws -> (generation: GenerationInfo, report: ChildReport?) {
    let (generation, manifest, child) = try store.lookUpWithManifest(nhsNumber)
    guard let child else { return (generation, nil) }
    guard manifest.rulesSHA256 == rulesFingerprint else {
      throw ReportError.rulesDifferFromStore(storeRulesVersion: manifest.rulesVersion, givenRulesVersion: rules.version)
    }
    let asOf = self.asOf ?? generation.asOf
    guard asOf <= generation.asOf else { throw ReportError.asOfAfterStore(generation.asOf) }
    guard let record = child.record else { throw ReportError.storeKeepsNoRecords(ReportLog.safe(storePath)) }
    log("read one child's record from the store's generation \(generation.runID) (nightly run as of \(generation.asOf))")
    // The child's timeline as the run built it, its pharmacy data's start included.
    let rules = self.rules.withPharmacyData(from: manifest.pharmacyDataFrom)
    let report = ChildReport(
      record: record, rules: rules, asOf: asOf, replayFrom: replayFrom ?? asOf.adding(months: -replayMonths), step: step,
      coverage: DataCoverage(files: manifest.inputs),
      provenance: ReportProvenance(toolVersion: toolVersion, rulesVersion: rules.version, rulesFingerprint: rulesFingerprint))
    var withHistory = report
    withHistory.signalHistory = try store.signalHistory(of: nhsNumber)
    return (generation, withHistory)
  }

  /// Writes the report; returns where.
  public func run() throws -> String {
    let file = try ReportFile(path: outputPath)
    let report = try makeReport()
    log("replayed \(report.replayDates) date(s): \(report.firstFirings.count) signal(s) fired, \(report.signals.count) on \(report.asOf)")
    try file.write(ChildReportRenderer(report: report).html())
    return file.path
  }
}

/// `report area --store`: the area report as of the store's current generation. Children,
/// their signals and figures on the report date are the nightly run's, as stored; the
/// monthly trend replays each child's record rebuilt from the generation.
public struct StoreAreaReportJob: Sendable {
  public var storePath: String
  /// Months of trend before the report date.
  public var trendMonths: Int
  public var identity: ReportAreaJob.Identity
  public var outputPath: String
  public var rules: RuleSet
  public var rulesFingerprint: String
  public var toolVersion: String
  public var log: @Sendable (String) -> Void
  /// When the store's records count as out of date, for the warning at the top; `nil` asks nothing.
  public var freshness: FreshnessPolicy?

  public init(
    storePath: String, trendMonths: Int, identity: ReportAreaJob.Identity, outputPath: String, rules: RuleSet, rulesFingerprint: String,
    toolVersion: String, log: @escaping @Sendable (String) -> Void
  ) {
    self.storePath = storePath
    self.trendMonths = trendMonths
    self.identity = identity
    self.outputPath = outputPath
    self.rules = rules
    self.rulesFingerprint = rulesFingerprint
    self.toolVersion = toolVersion
    self.log = log
  }

  /// The report, without writing it.
  public func makeReport() throws -> AreaReport { try makeReportWithRunID().report }

  /// The report and the run ID of the generation it was read from.
  func makeReportWithRunID() throws -> (report: AreaReport, runID: Int64) {
    let store = try SurveillanceStore.openExisting(at: storePath)
    let generation = try store.loadCurrentGeneration()
    let manifest = generation.manifest
    guard manifest.rulesSHA256 == rulesFingerprint else {
      throw ReportError.rulesDifferFromStore(storeRulesVersion: manifest.rulesVersion, givenRulesVersion: rules.version)
    }
    let asOf = generation.info.asOf
    log("read \(generation.children.count) children from the store's generation \(generation.info.runID) (nightly run as of \(asOf)), trend from \(asOf.adding(months: -trendMonths))")
    var records: [ChildRecord] = []
    var summaries: [NHSNumber: ChildSummary] = [:]
    for child in generation.children {
      guard let record = child.record else { throw ReportError.storeKeepsNoRecords(ReportLog.safe(storePath)) }
      records.append(record)
      summaries[record.nhsNumber] = child.summary
    }
    let rules = self.rules.withPharmacyData(from: manifest.pharmacyDataFrom)
    let job = ReportAreaJob(
      inputs: RunInputs(gp: [], pharmacy: []), asOf: asOf, trendMonths: trendMonths, identity: identity, outputPath: outputPath,
      rules: rules, rulesFingerprint: rulesFingerprint, toolVersion: toolVersion, log: log)
    let stored = summaries
    let population = PopulationWords(rules.timeline)
    var report = job.report(records: records, coverage: DataCoverage(files: manifest.inputs), excluded: manifest.excluded) { record in
      stored[record.nhsNumber].map { .success($0) } ?? .failure(.inactive)
    }
    report.sourceLimits = [
      "Read from the store's nightly run as of \(asOf), which keeps the children in the population on that date. A child in the population on an earlier trend date but not on \(asOf) (one who has turned \(population.childAgeUnderYears), or has had no asthma supply or care event in the \(population.activeWindow) before it) is not in the store, so the trend's earlier months may count fewer children than a report read from the exports. Children not evaluated on the report date are the nightly run's count."
    ]
    if let freshness { report.dataWarnings = try store.health(freshness).warnings }
    for warning in report.dataWarnings { log("warning: \(warning)") }
    return (report, generation.info.runID)
  }

  /// Writes the page and its CSV files; returns the directory and the file names.
  public func run() throws -> (directory: String, files: [String]) {
    let output = try OutputDirectory(path: outputPath)
    let (report, runID) = try makeReportWithRunID()
    if case .identified(let access) = identity {
      try access.record(source: "store", runID: runID, asOf: report.asOf, log: log)
    }
    return try ReportAreaJob.write(report, to: output)
  }
}
