import ArgumentParser
import SurveillanceCore
import SurveillanceStore

extension AsthmaSurveillance {
  struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List who looked up or reviewed which child (as a keyed hash), when, why and what they saw or recorded.",
      discussion: HelpText.footer(["asthma-surveillance audit --store /srv/asthma/store"]))

    @Option(help: ArgumentHelp("The store directory (nightly --store, or patient --audit).", valueName: "dir"))
    var store: String

    @OptionGroup var freshness: FreshnessOptions

    func run() throws {
      let opened = try SurveillanceStore.openExisting(at: store)
      let entries = try opened.auditEntries()
      // A store that only holds an audit trail (patient --audit) has never had a nightly run,
      // and should not be warned about as if it had stopped having them.
      let health = try opened.health(freshness.policy)
      if health.current != nil || health.lastRun != nil {
        for warning in health.warnings { print("WARNING: \(warning)") }
      }
      print(AuditTable.render(entries), terminator: "")
    }
  }
}

/// The audit trail as an aligned table, free text last and cleaned of control characters so
/// that a reason cannot rewrite the reader's terminal.
enum AuditTable {
  static let header = ["time", "user", "command", "outcome", "light", "source", "as of", "child (keyed hash)", "signal reviewed", "reason"]

  static func render(_ entries: [AuditEntry]) -> String {
    let rows = [header] + entries.map { entry in
      [
        entry.time, entry.user, entry.command, entry.outcome.rawValue, entry.trafficLight ?? "-", entry.source,
        entry.asOf?.description ?? "-", entry.nhsPseudonym ?? "-",
        entry.signal.map { "\($0): \(entry.reviewOutcome ?? "?")" } ?? "-", entry.reason,
      ].map(cleaned)
    }
    var widths = Array(repeating: 0, count: header.count)
    for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
    var text = ""
    for row in rows {
      var line = ""
      for (index, cell) in row.enumerated() {
        line += index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
      }
      text += line + "\n"
    }
    let reviews = entries.filter { $0.command == AuditEntry.reviewCommand }.count
    text += "\(entries.count - reviews) look-up(s)" + (reviews > 0 ? ", \(reviews) review(s)" : "") + "\n"
    return text
  }

  private static func cleaned(_ text: String) -> String {
    String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) })
  }
}
