import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceStore

extension AsthmaSurveillance {
  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Say whether a store's records are current: their date, and how the last nightly runs ended.",
      discussion: HelpText.discussion(
        "For people and for scripts (--json): the records' date and age, the recent runs, and a warning for each problem.",
        ["asthma-surveillance status --store /srv/asthma/store", "asthma-surveillance status --store /srv/asthma/store --json --stale-after 3"],
        exitCodes: [
          (0, "the records are current and the last run succeeded"),
          (2, "they need attention: out of date (--stale-after), the last run failed or did not finish, or no run yet"),
        ]))

    @Option(help: ArgumentHelp("The store directory (nightly --store).", valueName: "dir"))
    var store: String

    @OptionGroup var freshness: FreshnessOptions

    @Option(help: ArgumentHelp("How many recent runs to list.", valueName: "n"))
    var runs = 10

    @Flag(help: "Print JSON for scripts instead of text.")
    var json = false

    /// The exit status of a store that needs attention.
    static let needsAttention = ExitCode(2)

    func validate() throws {
      guard (1...1000).contains(runs) else { throw ValidationError("--runs must be between 1 and 1000") }
    }

    func run() throws {
      let opened = try SurveillanceStore.openExisting(at: store)
      let health = try opened.health(freshness.policy)
      let recent = try opened.runOutcomes(limit: runs)
      print(json ? StoreStatusText.json(health, runs: recent) : StoreStatusText.text(health, runs: recent), terminator: "")
      if !health.isHealthy { throw Self.needsAttention }
    }
  }
}

/// `status` as people and scripts read it.
enum StoreStatusText {
  static func text(_ health: StoreHealth, runs: [RunOutcome]) -> String {
    var lines: [String] = []
    lines.append(health.isHealthy ? "OK: the store's records are current." : "NEEDS ATTENTION")
    for warning in health.warnings { lines.append("WARNING: \(warning)") }
    if let current = health.current, let age = health.ageDays {
      lines.append(
        "Records as of \(current.asOf) (\(age) day(s) old), generation \(current.runID), \(current.childrenCount) children, "
          + "nightly run started \(current.startedAt)" + (current.writtenAt.map { ", current since \($0)" } ?? ""))
    }
    if let success = health.lastSuccess {
      lines.append("Last successful run: started \(success.startedAt), finished \(success.finishedAt ?? "-"), as of \(success.asOf)")
    }
    if runs.isEmpty {
      lines.append("No nightly run is recorded (runs are recorded from this version on).")
    } else {
      lines.append("")
      lines.append("Recent runs, newest first:")
      let header = ["started", "as of", "status", "rows read", "rejected", "children", "signals", "seconds"]
      func cell(_ value: Int?) -> String { value.map(String.init) ?? "-" }
      var rows = [header]
      for run in runs {
        let seconds = run.seconds.map { String(format: "%.1f", $0) } ?? "-"
        rows.append([
          run.startedAt, run.asOf.description, run.status.rawValue, cell(run.rowsRead), cell(run.rowsRejected), cell(run.childrenCount),
          cell(run.signals), seconds,
        ])
      }
      var widths = Array(repeating: 0, count: header.count)
      for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
      for row in rows {
        let padded = row.enumerated().map { index, cell in cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) }
        lines.append(padded.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
      }
      for run in runs where run.status == .failed {
        lines.append("Failed \(run.startedAt): \(run.failure ?? "no reason recorded")")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func json(_ health: StoreHealth, runs: [RunOutcome]) -> String {
    var json = JSONText()
    json.beginObject()
    json.bool("healthy", health.isHealthy)
    json.date("today", health.today)
    json.int("stale_after_days", health.staleAfterDays)
    json.beginArray("warnings")
    for warning in health.warnings { json.string(nil, warning) }
    json.endArray()
    if let current = health.current, let age = health.ageDays {
      json.beginObject("current")
      json.date("as_of", current.asOf)
      json.int("age_days", age)
      json.int("generation", Int(current.runID))
      json.int("children", current.childrenCount)
      json.string("run_started_at", current.startedAt)
      json.string("current_since", current.writtenAt)
      json.endObject()
    } else {
      json.raw("current", "null")
    }
    json.beginArray("runs")
    for run in runs {
      json.beginObject()
      json.string("started_at", run.startedAt)
      json.string("finished_at", run.finishedAt)
      json.date("as_of", run.asOf)
      json.string("status", run.status.rawValue)
      json.string("failure", run.failure)
      if let id = run.runID { json.int("generation", Int(id)) } else { json.raw("generation", "null") }
      for (key, value) in [("rows_read", run.rowsRead), ("rows_rejected", run.rowsRejected), ("children", run.childrenCount), ("signals", run.signals)] {
        if let value { json.int(key, value) } else { json.raw(key, "null") }
      }
      json.number("seconds", run.seconds)
      json.endObject()
    }
    json.endArray()
    json.endObject()
    return json.text + "\n"
  }
}
