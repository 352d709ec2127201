import SurveillanceCore

/// The area report's tables, each shown in the HTML and written as CSV beside it.
public struct AreaTables: Sendable {
  public let report: AreaReport

  public init(report: AreaReport) { self.report = report }

  /// Every table, in the order the page shows them, then the CSV-only cohort list.
  public var all: [ReportTable] {
    [signalsByRule, trend, preventerRatios, practices, signalsByPractice, safeguardingWithSignals, childrenWithSignals]
  }

  private var severityColumns: [ReportTable.Column] {
    Severity.allCases.map { .init($0.rawValue.prefix(1).uppercased() + $0.rawValue.dropFirst(), csv: $0.rawValue, numeric: true) }
  }

  /// Children with each signal on the report date, by severity (after the safeguarding raise).
  public var signalsByRule: ReportTable {
    let counts = report.rules.map { rule -> (SignalRule, [Severity: Int], Int, Int) in
      var bySeverity: [Severity: Int] = [:]
      var children = 0, withContext = 0
      for child in report.evaluated {
        guard let signal = child.signals.first(where: { $0.ruleID == rule.id }) else { continue }
        bySeverity[signal.severity, default: 0] += 1
        children += 1
        if child.safeguarding != nil { withContext += 1 }
      }
      return (rule, bySeverity, children, withContext)
    }
    return ReportTable(
      caption: "Children with each signal on \(report.asOf), by severity",
      csvFileName: "signals-by-rule.csv",
      columns: [.init("Signal", csv: "signal_title"), .init("Rule", csv: "signal"), .init("Children", csv: "children", numeric: true)]
        + severityColumns + [.init("With safeguarding context", csv: "with_safeguarding_context", numeric: true)],
      rows: counts.sorted { ($1.2, $0.0.id) < ($0.2, $1.0.id) }.map { rule, bySeverity, children, withContext in
        [rule.title, rule.id, String(children)] + Severity.allCases.map { String(bySeverity[$0] ?? 0) } + [String(withContext)]
      })
  }

  /// Children with each signal on each monthly trend date.
  public var trend: ReportTable {
    let ids = report.rules.map(\.id)
    return ReportTable(
      caption: "Children with each signal, month by month (evaluated on the \(Self.ordinal(report.asOf.day)) of each month, using only what was known then)",
      csvFileName: "signals-by-month.csv",
      columns: [.init("Date", csv: "date", oneLine: true)] + ids.map { .init($0, csv: $0, numeric: true, vertical: true) }
        + [.init("Any signal", csv: "any_signal", numeric: true, vertical: true)],
      rows: report.trendDates.indices.map { index in
        let firing = report.children.map { $0.firingOnTrendDates[index] }
        return [report.trendDates[index].description] + ids.map { id in String(firing.filter { $0.contains(id) }.count) }
          + [String(firing.filter { !$0.isEmpty }.count)]
      })
  }

  /// Ten bins of width 0.1 and a row for children with no inhalers: a display layout, not a
  /// threshold (the thresholds are in the rules).
  public static let ratioBins: [(label: String, lower: Double, upper: Double)] = (0..<10).map { bin in
    let lower = Double(bin) / 10
    return (bin == 9 ? "0.9 to 1.0" : "0.\(bin) to under 0.\(bin + 1)", lower, lower + 0.1)
  }

  /// How the 12-month preventer ratio is spread across the children evaluated.
  public var preventerRatios: ReportTable {
    var counts = [Int](repeating: 0, count: Self.ratioBins.count)
    var none = 0
    for child in report.evaluated {
      guard let ratio = child.preventerRatio12m else {
        none += 1
        continue
      }
      // A hair of tolerance: 0.3 * 10 is 3.0000000000000004, but 0.7 could land just below 7.
      counts[min(Self.ratioBins.count - 1, Int((ratio * 10 + 1e-9).rounded(.down)))] += 1
    }
    return ReportTable(
      caption: "Children by preventer ratio over the 12 months to \(report.asOf) (preventer inhalers divided by preventer plus reliever inhalers)",
      csvFileName: "preventer-ratio-distribution.csv",
      columns: [.init("Preventer ratio", csv: "preventer_ratio"), .init("Children", csv: "children", numeric: true)],
      rows: Self.ratioBins.indices.map { [Self.ratioBins[$0].label, String(counts[$0])] } + [["no inhalers in 12 months", String(none)]])
  }

  /// Per practice: children, children with signals by highest severity, with safeguarding context.
  public var practices: ReportTable {
    let byPractice = Dictionary(grouping: report.evaluated) { $0.practiceCode ?? "unknown" }
    return ReportTable(
      caption: "Practices: children evaluated on \(report.asOf) and those with a signal, by their highest severity",
      csvFileName: "practices.csv",
      columns: [
        .init("Practice", csv: "practice"), .init("Children", csv: "children", numeric: true),
        .init("With a signal", csv: "with_signal", numeric: true),
      ] + Severity.allCases.map { .init("Highest \($0.rawValue)", csv: "highest_\($0.rawValue)", numeric: true) }
        + [.init("With a signal and safeguarding context", csv: "with_signal_and_safeguarding_context", numeric: true)],
      rows: byPractice.keys.sorted().map { practice in
        let children = byPractice[practice]!
        let withSignal = children.filter { !$0.signals.isEmpty }
        return [practice, String(children.count), String(withSignal.count)]
          + Severity.allCases.map { severity in String(withSignal.filter { $0.highestSeverity == severity }.count) }
          + [String(withSignal.filter { $0.safeguarding != nil }.count)]
      })
  }

  /// Practice by signal by severity, where any child has it.
  public var signalsByPractice: ReportTable {
    var rows: [[String]] = []
    let byPractice = Dictionary(grouping: report.evaluated) { $0.practiceCode ?? "unknown" }
    for practice in byPractice.keys.sorted() {
      for rule in report.rules {
        let signals = byPractice[practice]!.compactMap { $0.signals.first { $0.ruleID == rule.id } }
        guard !signals.isEmpty else { continue }
        rows.append([practice, rule.id, String(signals.count)] + Severity.allCases.map { severity in String(signals.filter { $0.severity == severity }.count) })
      }
    }
    return ReportTable(
      caption: "Signals by practice and severity on \(report.asOf)",
      csvFileName: "signals-by-practice.csv",
      columns: [.init("Practice", csv: "practice"), .init("Signal", csv: "signal"), .init("Children", csv: "children", numeric: true)] + severityColumns,
      rows: rows)
  }

  /// Children with a safeguarding plan (active, or ended recently) and at least one signal.
  public var safeguardingWithSignals: ReportTable {
    let children = report.evaluated.filter { $0.safeguarding != nil && !$0.signals.isEmpty }
    return ReportTable(
      caption: "Children with safeguarding context and a signal on \(report.asOf) (\(children.count))",
      csvFileName: "safeguarding-and-signals.csv",
      columns: [
        .init(report.identified ? "NHS number" : "Pseudonym", csv: report.identified ? "nhs_number" : "pseudonym", oneLine: true),
        .init("Practice", csv: "practice"), .init("Age", csv: "age_years", numeric: true),
        .init("Safeguarding context", csv: "safeguarding_context"), .init("Highest severity", csv: "highest_severity"),
        .init("Signals", csv: "signals"),
      ],
      rows: children.sorted { ($1.highestSeverity ?? .review, $0.label) < ($0.highestSeverity ?? .review, $1.label) }.map { child in
        [
          child.label, child.practiceCode ?? "unknown", child.ageYears.map(String.init) ?? "", child.safeguarding ?? "",
          child.highestSeverity?.rawValue ?? "", child.signals.map { "\($0.ruleID) (\($0.severity.rawValue))" }.joined(separator: "; "),
        ]
      },
      emptyText: "no child has both.")
  }

  /// One row per child and signal on the report date, with the first trend date it fired on:
  /// the cohort list behind the other tables (CSV only; too long to print).
  public var childrenWithSignals: ReportTable {
    var rows: [[String]] = []
    for child in report.evaluated {
      for signal in child.signals {
        let first = child.firingOnTrendDates.firstIndex { $0.contains(signal.ruleID) }.map { report.trendDates[$0].description } ?? ""
        rows.append([
          child.label, child.practiceCode ?? "unknown", child.ageYears.map(String.init) ?? "", signal.ruleID, signal.severity.rawValue,
          signal.ruleSeverity.rawValue, child.safeguarding ?? "", first,
        ])
      }
    }
    return ReportTable(
      caption: "Children with signals on \(report.asOf), one row per signal",
      csvFileName: "children-with-signals.csv",
      columns: [
        .init(report.identified ? "NHS number" : "Pseudonym", csv: report.identified ? "nhs_number" : "pseudonym", oneLine: true),
        .init("Practice", csv: "practice"), .init("Age", csv: "age_years"), .init("Signal", csv: "signal"),
        .init("Severity", csv: "severity"), .init("Rule severity", csv: "rule_severity"),
        .init("Safeguarding context", csv: "safeguarding_context"), .init("First fired in the trend", csv: "first_fired_in_trend"),
      ],
      rows: rows)
  }

  static func ordinal(_ day: Int) -> String {
    let suffix = (11...13).contains(day % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][day % 10] ?? "th"
    return "\(day)\(suffix)"
  }
}
