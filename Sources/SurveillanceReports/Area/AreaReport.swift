import SurveillanceCore

/// An area's picture for a medicines team or a thematic review: who has which signals on the
/// report date, by severity and practice, with what safeguarding context, how preventer
/// ratios are spread, and how signals have trended month by month.
///
/// Children appear by ``AreaChild/label`` only: the NHS number when the analyst asked to
/// identify them, otherwise a label the report never prints (it publishes counts only). The model never holds an NHS number, so the renderer cannot leak one.
public struct AreaReport: Sendable {
  public var asOf: CalendarDate
  /// The monthly dates the trend evaluated, oldest first, the report date last.
  public var trendDates: [CalendarDate]
  /// Every child in the population on the report date, and any other child who had a signal
  /// on a trend date, in label order.
  public var children: [AreaChild]
  /// Patients with asthma records not in the population on the report date, and why.
  public var excluded: [Exclusion: Int]
  public var rules: [SignalRule]
  /// Whether labels are NHS numbers (`--identify`) rather than unprinted labels.
  public var identified: Bool
  /// Small-number suppression (`rules/reports.json`), applied unless the report identifies
  /// children: it is for people entitled to see them.
  public var disclosureControl: DisclosureControl
  public var coverage: DataCoverage
  public var provenance: ReportProvenance
  /// What the report's source adds to the data's limits, such as a store that holds only the
  /// children in the population on its nightly run's date.
  public var sourceLimits: [String] = []
  /// What is wrong with the source as a whole (a store whose records are out of date, or whose
  /// last nightly run failed), shown at the top of the page before anything else.
  public var dataWarnings: [String] = []
  /// The protective marking, printed when the report identifies children (`rules/reports.json`).
  public var marking: String?
  /// Who the rules count as in the population, for the report's words; `nil` says nothing.
  public var population: PopulationWords?
  /// The first day from which the prescribing and dispensing exports all hold rows: the latest
  /// of each supply export kind's earliest date. `nil` when unknown (no supplies).
  public var historyStart: CalendarDate?
  /// The first monthly date asked for (`--months` before the report date), when the trend
  /// starts later because the exports hold too little history before it.
  public var trendRequestedFrom: CalendarDate?

  public init(
    asOf: CalendarDate, trendDates: [CalendarDate], children: [AreaChild], excluded: [Exclusion: Int], rules: [SignalRule],
    identified: Bool, disclosureControl: DisclosureControl, coverage: DataCoverage, provenance: ReportProvenance
  ) {
    self.asOf = asOf
    self.trendDates = trendDates
    self.children = children.sorted { $0.label < $1.label }
    self.excluded = excluded
    self.rules = rules
    self.identified = identified
    self.disclosureControl = disclosureControl
    self.coverage = coverage
    self.provenance = provenance
  }

  /// Children evaluated on the report date.
  public var evaluated: [AreaChild] { children.filter(\.evaluated) }

  public func title(of ruleID: String) -> String { rules.first { $0.id == ruleID }?.title ?? ruleID }

  /// The history a rule's count needs before it means what it says: the rule's window, or the
  /// population's activity window if longer (a child with no supply in the exports' first
  /// months is not yet in the population).
  public func historyNeeded(for rule: SignalRule) -> Period {
    Self.longer(rule.window, population?.activeWithin)
  }

  /// The first date on which a rule's count is comparable with the report date's: when the
  /// exports cover the history it needs. `nil` when the start of the exports is unknown.
  public func firstComparableDate(for rule: SignalRule) -> CalendarDate? {
    historyStart.map { Self.after($0, historyNeeded(for: rule)) }
  }

  /// Whether the trend's count for the rule on the date at `index` is comparable.
  public func isComparable(_ rule: SignalRule, at index: Int) -> Bool {
    firstComparableDate(for: rule).map { trendDates[index] >= $0 } ?? true
  }

  /// Whether every rule's count is comparable on the date at `index` (for "any signal").
  public func isComparableForEveryRule(at index: Int) -> Bool { rules.allSatisfy { isComparable($0, at: index) } }

  /// The trend dates to evaluate, of those asked for: from the first on which any rule's count
  /// is comparable, with the report date always last.
  public static func comparableTrendDates(
    _ dates: [CalendarDate], historyStart: CalendarDate?, rules: [SignalRule], activeWithin: Period?
  ) -> [CalendarDate] {
    guard let historyStart, let last = dates.last else { return dates }
    let first = rules.map { after(historyStart, longer($0.window, activeWithin)) }.min() ?? historyStart
    let kept = dates.filter { $0 >= first }
    return kept.isEmpty ? [last] : kept
  }

  /// The latest of each supply side's earliest date: before it, at least one kind of supply
  /// export holds nothing, so a figure counting both would undercount.
  public static func historyStart(of records: [ChildRecord]) -> CalendarDate? {
    var earliest: [SupplySide: CalendarDate] = [:]
    for record in records {
      for supply in record.supplies where earliest[supply.side].map({ supply.date < $0 }) ?? true { earliest[supply.side] = supply.date }
    }
    return earliest.values.max()
  }

  private static func after(_ date: CalendarDate, _ period: Period) -> CalendarDate {
    date.adding(months: period.months).adding(days: period.days)
  }

  /// The longer of two periods, a month taken as 31 days to compare them.
  private static func longer(_ period: Period, _ other: Period?) -> Period {
    guard let other else { return period }
    return other.months * 31 + other.days > period.months * 31 + period.days ? other : period
  }
}

/// One child in an area report: what the report needs and no identifier beyond its label.
public struct AreaChild: Sendable {
  /// With `--identify` the NHS number; otherwise a label for the model only, never printed.
  public var label: String
  public var practiceCode: String?
  public var ageYears: Int?
  /// In the population on the report date (otherwise only in the trend).
  public var evaluated: Bool
  /// Over the 12 months to the report date; `nil` with no inhalers.
  public var preventerRatio12m: Double?
  /// Signals on the report date.
  public var signals: [AreaSignal]
  /// The safeguarding plan giving context on the report date: `CIN`, `CPP (ended …)`.
  public var safeguarding: String?
  /// Rule ids firing on each of the report's trend dates, in the same order.
  public var firingOnTrendDates: [[String]]

  public init(
    label: String, practiceCode: String?, ageYears: Int?, evaluated: Bool, preventerRatio12m: Double?, signals: [AreaSignal],
    safeguarding: String?, firingOnTrendDates: [[String]]
  ) {
    self.label = label
    self.practiceCode = practiceCode
    self.ageYears = ageYears
    self.evaluated = evaluated
    self.preventerRatio12m = preventerRatio12m
    self.signals = signals
    self.safeguarding = safeguarding
    self.firingOnTrendDates = firingOnTrendDates
  }

  /// A child from the report date's summary (or none, when the child was excluded then) and
  /// the rules firing on each trend date.
  public init(label: String, summary: ChildSummary?, firingOnTrendDates: [[String]]) {
    let ratioIndex = ChildrenTable.columns.firstIndex { $0.metric == .preventerRatio && $0.window == Period(months: 12) }
    self.init(
      label: label, practiceCode: summary?.practiceCode, ageYears: summary?.ageYears, evaluated: summary != nil,
      preventerRatio12m: ratioIndex.flatMap { summary?.figures[$0].value },
      signals: summary?.signals.map { AreaSignal(ruleID: $0.ruleID, severity: $0.severity, ruleSeverity: $0.ruleSeverity) } ?? [],
      safeguarding: summary?.safeguarding?.summary, firingOnTrendDates: firingOnTrendDates)
  }

  public var highestSeverity: Severity? { signals.map(\.severity).max() }
}

/// A signal in an area report: which rule, at which severity.
public struct AreaSignal: Sendable, Equatable {
  public var ruleID: String
  /// After any safeguarding raise.
  public var severity: Severity
  public var ruleSeverity: Severity

  public init(ruleID: String, severity: Severity, ruleSeverity: Severity) {
    self.ruleID = ruleID
    self.severity = severity
    self.ruleSeverity = ruleSeverity
  }
}

extension AreaReport {
  /// Hexadecimal digits as reports print them (a pseudonym, the rules fingerprint): in groups
  /// of four (`3f2a-91c0-7b1d-0e55`). Ungrouped, ten of them in a row can be digits, and a reader or
  /// a data-loss scanner would take them for an NHS number; grouped, they never look like one.
  public static func displayPseudonym(_ hex: String) -> String {
    var groups: [String] = []
    var current = ""
    for character in hex {
      current.append(character)
      if current.count == 4 {
        groups.append(current)
        current = ""
      }
    }
    if !current.isEmpty { groups.append(current) }
    return groups.joined(separator: "-")
  }
}
