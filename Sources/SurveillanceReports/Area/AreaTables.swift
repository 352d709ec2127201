import SurveillanceCore

/// The area report's tables, each shown in the HTML and written as CSV beside it. Their counts
/// are ``AreaFigures``: exact when the report identifies children, disclosure-controlled when not.
public struct AreaTables: Sendable {
  public let report: AreaReport
  public let figures: AreaFigures

  public init(report: AreaReport) {
    self.report = report
    figures = AreaFigures(report: report)
  }

  /// Every table, in the order the page shows them, then the CSV-only cohort list. Without
  /// `--identify` there is no list of children: under a pseudonym, practice, age and plan
  /// together can still point to a child, and counting a list's rows would give back every
  /// count the other tables suppress.
  public var all: [ReportTable] {
    guard report.identified else {
      let parts: [(AreaFigures.Part, ReportTable)] = [
        (.signalsByRule, signalsByRule), (.trend, trend), (.preventerRatios, preventerRatios), (.practices, practices),
        (.signalsByPractice, signalsByPractice),
      ]
      return parts.filter { !figures.withheld.contains($0.0) }.map(\.1)
    }
    return [signalsByRule, trend, preventerRatios, practices, signalsByPractice, safeguardingWithSignals, childrenWithSignals]
  }

  /// The name of every CSV file an area report may write, identified or not.
  public static let csvFileNames = [
    "signals-by-rule.csv", "signals-by-month.csv", "preventer-ratio-distribution.csv", "practices.csv", "signals-by-practice.csv",
    "safeguarding-and-signals.csv", "children-with-signals.csv",
  ]

  private var severityColumns: [ReportTable.Column] {
    Severity.allCases.map { .init($0.rawValue.prefix(1).uppercased() + $0.rawValue.dropFirst(), csv: $0.rawValue, numeric: true) }
  }

  /// Rules by the children with each on the report date, most first, as published: suppressed
  /// counts are ordered by what their words say, not by the value they hide.
  var rulesByChildren: [SignalRule] {
    let threshold = report.disclosureControl.suppressBelow
    let children = Dictionary(uniqueKeysWithValues: report.rules.map { ($0.id, figures.published(.signal($0.id)).orderingValue(threshold: threshold)) })
    return report.rules.sorted { (children[$1.id]!, $0.id) < (children[$0.id]!, $1.id) }
  }

  /// Children with each signal on the report date, by severity (after the safeguarding raise).
  public var signalsByRule: ReportTable {
    ReportTable(
      caption: "Children with each signal on \(report.asOf), by severity",
      csvFileName: "signals-by-rule.csv",
      columns: [.init("Signal", csv: "signal_title"), .init("Rule", csv: "signal"), .init("Children", csv: "children", numeric: true)]
        + severityColumns + [.init("With safeguarding context", csv: "with_safeguarding_context", numeric: true)],
      rows: rulesByChildren.map { rule in
        [rule.title, rule.id, figures.text(.signal(rule.id))] + Severity.allCases.map { figures.text(.signalAt(rule.id, $0)) }
          + [figures.text(.signalWithSafeguarding(rule.id))]
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
        [report.trendDates[index].description]
          + report.rules.map { report.isComparable($0, at: index) ? figures.text(.trend(index, $0.id)) : Self.notComparable }
          + [report.isComparableForEveryRule(at: index) ? figures.text(.trendAny(index)) : Self.notComparable]
      })
  }

  /// A trend month with too little export history before it for the rule's window: its count
  /// would show where the exports start, not a change in prescribing, so none is given.
  public static let notComparable = "not comparable"

  /// Ten bins of width 0.1 and a row for children with no inhalers: a display layout, not a
  /// threshold (the thresholds are in the rules).
  public static let ratioBins: [(label: String, lower: Double, upper: Double)] = (0..<10).map { bin in
    let lower = Double(bin) / 10
    return (bin == 9 ? "0.9 to 1.0" : "0.\(bin) to under 0.\(bin + 1)", lower, lower + 0.1)
  }

  /// The ratio table's rows as published: each bin, then children with no inhalers.
  var ratioRows: [(label: String, count: PublishedCount)] {
    Self.ratioBins.indices.map { (Self.ratioBins[$0].label, figures.published(.ratioBin($0))) }
      + [("no inhalers in 12 months", figures.published(.noInhalers))]
  }

  /// How the 12-month preventer ratio is spread across the children evaluated.
  public var preventerRatios: ReportTable {
    ReportTable(
      caption: "Children by preventer ratio over the 12 months to \(report.asOf) (preventer inhalers divided by preventer plus reliever inhalers)",
      csvFileName: "preventer-ratio-distribution.csv",
      columns: [.init("Preventer ratio", csv: "preventer_ratio"), .init("Children", csv: "children", numeric: true)],
      rows: ratioRows.map { [$0.label, $0.count.text] })
  }

  /// Practices by their children with a signal on the report date, most first, then by their
  /// children at the highest severities, as published (a suppressed count ranks by what its
  /// words say, not by the value it hides).
  public var rankedPractices: [String] {
    let threshold = report.disclosureControl.suppressBelow
    func key(_ practice: String) -> [Int] {
      ([.practiceWithSignal(practice)] + Severity.allCases.reversed().map { .practiceHighest(practice, $0) } + [.practice(practice)])
        .map { figures.published($0).orderingValue(threshold: threshold) }
    }
    let keys = Dictionary(uniqueKeysWithValues: figures.practices.map { ($0, key($0)) })
    return figures.practices.sorted { keys[$0]! != keys[$1]! ? keys[$1]!.lexicographicallyPrecedes(keys[$0]!) : $0 < $1 }
  }

  /// Per practice: children, children with signals by highest severity, with safeguarding
  /// context; practices ranked by their children with a signal.
  public var practices: ReportTable {
    ReportTable(
      caption: "Practices: children evaluated on \(report.asOf) and those with a signal, by their highest severity",
      csvFileName: "practices.csv",
      columns: [
        .init("Practice", csv: "practice"), .init("Children", csv: "children", numeric: true),
        .init("With a signal", csv: "with_signal", numeric: true),
      ] + Severity.allCases.map { .init("Highest \($0.rawValue)", csv: "highest_\($0.rawValue)", numeric: true) }
        + [.init("With a signal and safeguarding context", csv: "with_signal_and_safeguarding_context", numeric: true)],
      rows: rankedPractices.map { practice in
        [practice, figures.text(.practice(practice)), figures.text(.practiceWithSignal(practice))]
          + Severity.allCases.map { figures.text(.practiceHighest(practice, $0)) }
          + [figures.text(.practiceWithSignalAndSafeguarding(practice))]
      })
  }

  /// Practice by signal by severity, where any child has it.
  public var signalsByPractice: ReportTable {
    var rows: [[String]] = []
    for practice in figures.practices {
      for rule in report.rules where figures.counts[.practiceSignal(practice, rule.id)] != nil {
        rows.append([practice, rule.id, figures.text(.practiceSignal(practice, rule.id))] + Severity.allCases.map { figures.text(.practiceSignalAt(practice, rule.id, $0)) })
      }
    }
    return ReportTable(
      caption: "Signals by practice and severity on \(report.asOf)",
      csvFileName: "signals-by-practice.csv",
      columns: [.init("Practice", csv: "practice"), .init("Signal", csv: "signal"), .init("Children", csv: "children", numeric: true)] + severityColumns,
      rows: rows)
  }

  /// One practice's signals by severity, for its page: the rows of ``signalsByPractice`` for
  /// the practice, most children first.
  public func signalsAt(practice: String) -> ReportTable {
    let threshold = report.disclosureControl.suppressBelow
    let rules = report.rules.filter { figures.counts[.practiceSignal(practice, $0.id)] != nil }
    let order = Dictionary(uniqueKeysWithValues: rules.map { ($0.id, figures.published(.practiceSignal(practice, $0.id)).orderingValue(threshold: threshold)) })
    return ReportTable(
      caption: "Signals at \(practice) on \(report.asOf), by severity",
      columns: [.init("Signal", csv: "signal_title"), .init("Children", csv: "children", numeric: true)] + severityColumns,
      rows: rules.sorted { (order[$1.id]!, $0.id) < (order[$0.id]!, $1.id) }.map { rule in
        [rule.title, figures.text(.practiceSignal(practice, rule.id))] + Severity.allCases.map { figures.text(.practiceSignalAt(practice, rule.id, $0)) }
      },
      emptyText: "No child at this practice has a signal.")
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
