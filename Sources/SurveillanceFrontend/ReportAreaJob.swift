import Foundation
import SurveillanceCore
import SurveillanceReports
import SurveillanceStore

/// `report area`: every child evaluated on the report date and on each month before it, the
/// area report written as HTML with its tables as CSV beside it.
public struct ReportAreaJob: Sendable {
  /// How children are named in the outputs.
  public enum Identity: Sendable {
    /// Counts only (the default): no child is named or listed, so no pseudonym is published
    /// and no key is needed. Each child is labelled in the report's model by its place among
    /// the records read, a label the page and its CSV files never print.
    case countsOnly
    /// NHS numbers, asked for explicitly with `--identify`: who asked and why is recorded in
    /// an audit trail before the report is written.
    case identified(IdentifiedReportAccess)
  }

  public var inputs: RunInputs
  public var asOf: CalendarDate
  /// Months of trend before the report date.
  public var trendMonths: Int
  public var identity: Identity
  public var outputPath: String
  public var rules: RuleSet
  public var rulesFingerprint: String
  public var toolVersion: String
  public var log: @Sendable (String) -> Void

  public init(
    inputs: RunInputs, asOf: CalendarDate, trendMonths: Int, identity: Identity, outputPath: String, rules: RuleSet,
    rulesFingerprint: String, toolVersion: String, log: @escaping @Sendable (String) -> Void
  ) {
    self.inputs = inputs
    self.asOf = asOf
    self.trendMonths = trendMonths
    self.identity = identity
    self.outputPath = outputPath
    self.rules = rules
    self.rulesFingerprint = rulesFingerprint
    self.toolVersion = toolVersion
    self.log = log
  }

  /// The report, without writing it.
  public func makeReport() throws -> AreaReport {
    let from = asOf.adding(months: -trendMonths)
    log("reading \(inputs.files.count) export(s) as of \(asOf), trend from \(from)")
    let area = try AreaLoader.load(inputs, rules: rules, earliest: from, latest: asOf).refusingEmptySupplyExports()
    return report(records: area.records, coverage: DataCoverage(files: area.reports))
  }

  /// The report from child records however they were read: from the exports here, or from
  /// a store that keeps the records and its run's input reports.
  public func report(records: [ChildRecord], coverage: DataCoverage) -> AreaReport {
    let evaluation = AreaEvaluation(rules: rules, inputs: coverage.kinds)
    let asOf = self.asOf
    return report(records: records, coverage: coverage) { evaluation.summary(for: $0, asOf: asOf) }
  }

  /// The report from child records and each child's summary on the report date: evaluated
  /// here, or as a nightly run evaluated and stored it. `excluded` replaces the count of
  /// records not in the population on the report date, for a source that keeps only those
  /// that are (a store keeps its run's counts).
  func report(
    records: [ChildRecord], coverage: DataCoverage, excluded storedExclusions: [Exclusion: Int]? = nil,
    summary: @Sendable (ChildRecord) -> Result<ChildSummary, Exclusion>
  ) -> AreaReport {
    // The months asked for, from the first on which some rule's count is comparable: before
    // it, the exports hold too little history for any rule's window (AreaReport).
    let asked = ReplayStep.month.dates(from: asOf.adding(months: -trendMonths), to: asOf)
    let historyStart = AreaReport.historyStart(of: records)
    let dates = AreaReport.comparableTrendDates(asked, historyStart: historyStart, rules: rules.signals, activeWithin: rules.timeline.activeWithin)
    let evaluation = AreaEvaluation(rules: rules, inputs: coverage.kinds)
    let identity = self.identity
    let outcomes = NightlyJob.parallelMap(Array(records.indices)) { index -> (AreaChild?, Exclusion?) in
      let record = records[index]
      let summary = summary(record)
      let firing = dates.map { date in evaluation.firingRules(for: record, asOf: date).map(\.ruleID) }
      let included = try? summary.get()
      let excluded: Exclusion? = if case .failure(let why) = summary { why } else { nil }
      guard included != nil || firing.contains(where: { !$0.isEmpty }) else { return (nil, excluded) }
      return (AreaChild(label: Self.label(record.nhsNumber, index: index, identity), summary: included, firingOnTrendDates: firing), excluded)
    }
    var excluded: [Exclusion: Int] = [:]
    for case (_, let why?) in outcomes { excluded[why, default: 0] += 1 }
    if let storedExclusions { excluded = storedExclusions }
    let children = outcomes.compactMap(\.0)
    log("\(children.filter(\.evaluated).count) children evaluated on \(asOf), \(dates.count) trend date(s)")
    var identified = false
    if case .identified = identity { identified = true }
    var report = AreaReport(
      asOf: asOf, trendDates: dates, children: children, excluded: excluded, rules: rules.signals, identified: identified,
      disclosureControl: rules.reports.disclosureControl, coverage: coverage,
      provenance: ReportProvenance(toolVersion: toolVersion, rulesVersion: rules.version, rulesFingerprint: rulesFingerprint))
    report.marking = rules.reports.protectiveMarking.identified
    report.population = PopulationWords(rules.timeline)
    report.historyStart = historyStart
    if dates.first != asked.first { report.trendRequestedFrom = asked.first }
    return report
  }

  /// Writes the page and its CSV files; returns the directory and the file names.
  public func run() throws -> (directory: String, files: [String]) {
    let output = try OutputDirectory(path: outputPath)
    let report = try makeReport()
    if case .identified(let access) = identity { try access.record(source: "exports", runID: nil, asOf: asOf, log: log) }
    return try Self.write(report, to: output)
  }

  /// Writes the CSV files, then the page; returns the directory and the file names. A CSV file
  /// an earlier area report left that this one does not write is removed first: the list of
  /// children an identified report wrote must not lie beside a pseudonymised one.
  static func write(_ report: AreaReport, to output: OutputDirectory) throws -> (directory: String, files: [String]) {
    let renderer = AreaReportRenderer(report: report)
    let files = renderer.csvFiles()
    for name in AreaTables.csvFileNames where !files.contains(where: { $0.name == name }) { try output.remove(name) }
    var written: [String] = []
    for (name, text) in files {
      try output.write(text, to: name)
      written.append(name)
    }
    // The page last: its presence says the tables beside it are complete.
    try output.write(renderer.html(), to: AreaReportRenderer.htmlFileName)
    written.append(AreaReportRenderer.htmlFileName)
    return (output.url.path, written)
  }

  static func label(_ nhsNumber: NHSNumber, index: Int, _ identity: Identity) -> String {
    switch identity {
    case .identified: return nhsNumber.spaced
    // Zero-padded, so that the model's label order is the records' order.
    case .countsOnly: return "child " + String(repeating: "0", count: max(0, 7 - String(index + 1).count)) + String(index + 1)
    }
  }
}

/// Who asked for an area report naming children (`report area --identify`), and why. A report
/// that names every child with a signal discloses more than any one look-up, so it is audited
/// as a look-up is: the entry is appended before a file is written, and a report whose entry
/// cannot be written is not written.
public struct IdentifiedReportAccess: Sendable {
  public var user: String
  public var reason: String
  /// Now, ISO 8601 in UTC: the clock belongs to the executable.
  public var time: String
  /// The store whose audit trail records the report: the store read, or for a report from
  /// exports the `--audit` store (created owner-only if missing).
  public var auditStorePath: String

  public init(user: String, reason: String, time: String, auditStorePath: String) {
    self.user = user
    self.reason = reason
    self.time = time
    self.auditStorePath = auditStorePath
  }

  /// Appends the report's entry: no child's keyed hash (the report names many), outcome
  /// `found` (children were named).
  func record(source: String, runID: Int64?, asOf: CalendarDate, log: @Sendable (String) -> Void) throws {
    let store = try SurveillanceStore.openOrCreate(at: auditStorePath)
    try store.appendAudit(AuditEntry(
      time: time, user: user, reason: reason, nhsPseudonym: nil, outcome: .found, trafficLight: nil, source: source, runID: runID,
      asOf: asOf, command: AuditEntry.reportAreaIdentifiedCommand))
    log("recorded the identified report in the audit trail of \(ReportLog.safe(auditStorePath))")
  }
}
