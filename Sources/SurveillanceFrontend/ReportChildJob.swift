import Foundation
import SurveillanceCore
import SurveillanceReports

/// `report child`: read the exports, find the child, replay their record and write the
/// chronology report as one HTML file.
public struct ReportChildJob: Sendable {
  public var inputs: RunInputs
  public var nhsNumber: NHSNumber
  public var asOf: CalendarDate
  public var replayFrom: CalendarDate
  public var step: ReplayStep
  public var outputPath: String
  public var rules: RuleSet
  public var rulesFingerprint: String
  public var toolVersion: String
  public var log: @Sendable (String) -> Void

  public init(
    inputs: RunInputs, nhsNumber: NHSNumber, asOf: CalendarDate, replayFrom: CalendarDate, step: ReplayStep, outputPath: String,
    rules: RuleSet, rulesFingerprint: String, toolVersion: String, log: @escaping @Sendable (String) -> Void
  ) {
    self.inputs = inputs
    self.nhsNumber = nhsNumber
    self.asOf = asOf
    self.replayFrom = replayFrom
    self.step = step
    self.outputPath = outputPath
    self.rules = rules
    self.rulesFingerprint = rulesFingerprint
    self.toolVersion = toolVersion
    self.log = log
  }

  /// The report, without writing it: for tests and for other front ends.
  public func makeReport() throws -> ChildReport {
    log("reading \(inputs.files.count) export(s) for one child, as of \(asOf)")
    let area = try AreaLoader.load(inputs, rules: rules, earliest: min(replayFrom, asOf), latest: asOf).refusingEmptySupplyExports()
    guard let record = area.records.first(where: { $0.nhsNumber == nhsNumber }) else { throw ReportError.childNotFound }
    return ChildReport(
      record: record, rules: rules, asOf: asOf, replayFrom: replayFrom, step: step, coverage: DataCoverage(files: area.reports),
      provenance: ReportProvenance(toolVersion: toolVersion, rulesVersion: rules.version, rulesFingerprint: rulesFingerprint))
  }

  /// Writes the report; returns where.
  public func run() throws -> String {
    let file = try ReportFile(path: outputPath)
    let report = try makeReport()
    log("replayed \(report.replayDates) date(s): \(report.firstFirings.count) signal(s) fired, \(report.signals.count) on \(asOf)")
    try file.write(ChildReportRenderer(report: report).html())
    return file.path
  }
}
