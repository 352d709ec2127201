import Foundation
import Prometheus
import SurveillanceCore

/// A nightly run's metrics in the Prometheus text format, for node_exporter's textfile
/// collector: the usual way a cron job on an unwatched server is monitored. An alert on
/// `time() - asthma_surveillance_last_success_timestamp_seconds > 2 * 86400` says the
/// pharmacists' answers are going stale before any of them notices.
///
/// The file holds counts, dates and export file names, never a child: it is written readable
/// by others (0644), since node_exporter runs as its own user.
///
/// Source: <https://github.com/prometheus/node_exporter#textfile-collector>
public struct RunMetrics: Sendable {
  public var finishedAt: Date
  public var succeeded: Bool
  public var seconds: Double
  public var asOf: CalendarDate
  /// The run's manifest; `nil` for a run that stopped before it had one (an unreadable export).
  public var manifest: RunManifest?
  /// When the last run before this one succeeded, for a run that failed: read from the
  /// metrics file it replaces.
  public var previousSuccess: Double?

  public static let prefix = "asthma_surveillance_"
  static let lastSuccessName = prefix + "last_success_timestamp_seconds"

  /// `previousFile`: the metrics file this one replaces, read for the last success time.
  public init(finishedAt: Date, succeeded: Bool, seconds: Double, asOf: CalendarDate, manifest: RunManifest?, previousFile: String?) {
    self.finishedAt = finishedAt
    self.succeeded = succeeded
    self.seconds = seconds
    self.asOf = asOf
    self.manifest = manifest
    self.previousSuccess = previousFile.flatMap(Self.lastSuccess(inFile:))
  }

  /// The exposition text.
  public var text: String {
    let registry = PrometheusCollectorRegistry()
    func gauge(_ name: String, _ help: String, _ value: Double) { gauge(name, help, [], value) }
    func gauge(_ name: String, _ help: String, _ labels: [(String, String)], _ value: Double) {
      // The unit is part of each name already (`_seconds`); an empty unit adds nothing to it.
      let descriptor = MetricNameDescriptor(metricName: Self.prefix + name, unitName: "", helpText: help)
      registry.makeGauge(descriptor: descriptor, labels: labels).set(to: value)
    }
    let finished = finishedAt.timeIntervalSince1970
    gauge("last_run_timestamp_seconds", "When the last nightly run finished, successful or not (Unix time).", finished)
    gauge("last_run_success", "1 if the last nightly run succeeded and published its outputs, else 0.", succeeded ? 1 : 0)
    if let lastSuccess = succeeded ? finished : previousSuccess {
      gauge("last_success_timestamp_seconds", "When the last successful nightly run finished (Unix time).", lastSuccess)
    }
    gauge("last_run_duration_seconds", "How long the last nightly run took.", seconds)
    gauge("last_run_as_of_timestamp_seconds", "The last nightly run's report date, midnight UTC (Unix time).", Self.midnightUTC(asOf))
    guard let manifest else { return registry.emitToString() }
    for input in manifest.inputs {
      let labels = [("kind", input.kind.rawValue), ("file", URL(fileURLWithPath: input.path).lastPathComponent)]
      gauge("last_run_rows_read", "Rows read from each export by the last nightly run.", labels, Double(input.rowsRead))
      gauge("last_run_rows_rejected", "Rows rejected from each export by the last nightly run (each in rejects.csv).", labels, Double(input.rowsRejected))
    }
    gauge("last_run_children", "Children evaluated by the last nightly run.", Double(manifest.childrenCount))
    var bySeverity: [Severity: Int] = [:]
    for counts in manifest.signalsByRule.values {
      for (severity, count) in counts { bySeverity[severity, default: 0] += count }
    }
    for severity in Severity.allCases {
      gauge("last_run_signals", "Signals raised by the last nightly run, by severity.", [("severity", severity.rawValue)], Double(bySeverity[severity] ?? 0))
    }
    if let worklist = manifest.worklist {
      // Only a run with a store keeps history; without one there is no worklist to count.
      for severity in Severity.allCases {
        gauge(
          "last_run_worklist_children", "Children on the last nightly run's worklist (worklist.csv), by their highest severity there.",
          [("severity", severity.rawValue)], Double(worklist.childrenBySeverity[severity] ?? 0))
      }
      for status in SignalStatus.allCases where status.asksForALook {
        gauge(
          "last_run_worklist_signals", "Signals putting children on the last nightly run's worklist, by status.", [("status", status.rawValue)],
          Double(worklist.byStatus[status] ?? 0))
      }
      gauge("last_run_resolved_signals", "Signals of the run before that the last nightly run no longer raised (resolved.csv).", Double(worklist.resolved))
    }
    // The exports' coverage and the as-of date, as the manifest's `*_warning` notes say them.
    gauge(
      "last_run_data_warnings", "Warnings the last nightly run gave about its exports (the manifest's *_warning entries: late dispensing data, exports ending early, a suspect as-of date).",
      Double(manifest.extra.filter { $0.0.hasSuffix("_warning") }.count))
    gauge(
      "last_run_unclassified_products", "Respiratory-looking products the formulary could not classify (unclassified-products.csv).",
      Double(manifest.unclassifiedProducts))
    return registry.emitToString()
  }

  /// Written to a temporary file beside `path` and renamed, so the collector never reads half
  /// a file.
  public func write(to path: String) throws {
    let url = URL(fileURLWithPath: path)
    try Data(text.utf8).write(to: url, options: .atomic)
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: url.path)
  }

  static func lastSuccess(inFile path: String) -> Double? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(lastSuccessName + " ") {
      return Double(line.dropFirst(lastSuccessName.count + 1).trimmingCharacters(in: .whitespaces))
    }
    return nil
  }

  static func midnightUTC(_ date: CalendarDate) -> Double {
    Double(CalendarDate(year: 1970, month: 1, day: 1).map { $0.days(to: date) } ?? 0) * 86_400
  }
}
