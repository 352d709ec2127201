import SurveillanceCore

/// A count as a report publishes it.
public enum PublishedCount: Sendable, Equatable {
  case exact(Int)
  /// From 1 to one less than the threshold: "fewer than 5".
  case fewerThan(Int)
  /// Hidden so that a small count cannot be worked out from a total.
  case hidden

  /// The same words in the page and in the CSV files.
  public var text: String {
    switch self {
    case .exact(let count): return String(count)
    case .fewerThan(let threshold): return "fewer than \(threshold)"
    case .hidden: return "hidden"
    }
  }

  public var exact: Int? {
    if case .exact(let count) = self { return count }
    return nil
  }

  /// For ordering rows and scaling charts without saying more than the text does: a hidden
  /// count is known only to be at least the threshold, a small one to be below it.
  func orderingValue(threshold: Int) -> Int {
    switch self {
    case .exact(let count): return count
    case .fewerThan: return 1
    case .hidden: return threshold
    }
  }
}

/// Every count the area report publishes, by what it counts, with the totals a reader could
/// add them up to, and how each is published: counted once, so that the page, its charts and
/// its CSV files cannot show one figure two ways, and suppressed once, over all of them,
/// because a total in one table can give away a count in another.
public struct AreaFigures: Sendable {
  /// What a count counts: children evaluated on the report date unless it says otherwise.
  public enum Figure: Hashable, Sendable {
    case evaluated, withSignal, highest(Severity), withSignalAndSafeguarding
    /// Patients not evaluated on the report date, and why.
    case excluded(Exclusion)
    case signal(String), signalAt(String, Severity), signalWithSafeguarding(String)
    /// Children with the signal on the trend date at this index; `trendAny`, with any signal.
    case trend(Int, String), trendAny(Int)
    case ratioBin(Int), noInhalers
    case practice(String), practiceWithSignal(String), practiceHighest(String, Severity), practiceWithSignalAndSafeguarding(String)
    /// Children at a practice with the signal; only pairs with at least one are tabled.
    case practiceSignal(String, String), practiceSignalAt(String, String, Severity)
    /// What a printed count leaves out of the one beside it (children evaluated but with no
    /// signal, or with a signal and no safeguarding context): never printed, but a reader can
    /// subtract, so each is suppressed like a printed count.
    case withoutSignal, practiceWithoutSignal(String), signalWithoutSafeguarding(String)
    case withSignalWithoutSafeguarding, practiceWithSignalWithoutSafeguarding(String)

    /// Never printed: what one printed count leaves out of another.
    var isComplement: Bool {
      switch self {
      case .withoutSignal, .practiceWithoutSignal, .signalWithoutSafeguarding, .withSignalWithoutSafeguarding, .practiceWithSignalWithoutSafeguarding:
        return true
      default: return false
      }
    }

    /// The part of the report that prints it: what is withheld when its counts cannot be protected.
    var part: Part {
      switch self {
      case .evaluated, .withSignal, .highest, .withSignalAndSafeguarding, .excluded, .withoutSignal, .withSignalWithoutSafeguarding: return .overview
      case .signal, .signalAt, .signalWithSafeguarding, .signalWithoutSafeguarding: return .signalsByRule
      case .trend, .trendAny: return .trend
      case .ratioBin, .noInhalers: return .preventerRatios
      case .practice, .practiceWithSignal, .practiceHighest, .practiceWithSignalAndSafeguarding, .practiceWithoutSignal,
        .practiceWithSignalWithoutSafeguarding:
        return .practices
      case .practiceSignal, .practiceSignalAt: return .signalsByPractice
      }
    }
  }

  public enum Part: String, Sendable, CaseIterable {
    case overview, signalsByRule, trend, preventerRatios, practices, signalsByPractice

    var words: String {
      switch self {
      case .overview: return "the overview's figures"
      case .signalsByRule: return "the table of signals by severity"
      case .trend: return "the monthly trend"
      case .preventerRatios: return "the preventer ratio table"
      case .practices: return "the practice table"
      case .signalsByPractice: return "the table of signals by practice"
      }
    }
  }

  /// The policy applied; `nil` when the report identifies children, whose counts are exact.
  public let policy: DisclosureControl?
  public let counts: [Figure: Int]
  /// Practice codes in table order ("unknown" for none recorded).
  public let practices: [String]
  /// Parts of the report left out because their counts could not be protected.
  public let withheld: Set<Part>
  private let shown: [Figure: SmallNumberSuppression<Figure>.Shown]

  public init(report: AreaReport) {
    let counted = Self.count(report)
    counts = counted.counts
    practices = counted.practices
    policy = report.identified ? nil : report.disclosureControl
    guard let policy else {
      shown = [:]
      withheld = []
      return
    }
    let sums = Self.sums(report, counts: counted.counts, practices: counted.practices)
    let suppression = SmallNumberSuppression<Figure>(policy: policy)
    var withheld: Set<Part> = []
    while true {
      let outcome = suppression.apply(
        to: counted.counts.filter { !withheld.contains($0.key.part) }, sums: sums, unprinted: Set(counted.counts.keys.filter(\.isComplement)))
      // Each round withholds one more part, the one printing most of the counts that can
      // still be worked out, so this ends.
      let open = Dictionary(grouping: outcome.unprotected.filter { !$0.isComplement }, by: \.part).filter { !withheld.contains($0.key) }
      guard let part = Part.allCases.filter({ open[$0] != nil }).max(by: { open[$0]!.count < open[$1]!.count }) else {
        shown = outcome.shown
        break
      }
      withheld.insert(part)
    }
    self.withheld = withheld
  }

  /// The figure as the report publishes it.
  public func published(_ figure: Figure) -> PublishedCount {
    let count = counts[figure] ?? 0
    guard let policy else { return .exact(count) }
    switch shown[figure] ?? .exact {
    case .exact: return .exact(count)
    case .small: return .fewerThan(policy.suppressBelow)
    case .hidden: return .hidden
    }
  }

  public func text(_ figure: Figure) -> String { published(figure).text }

  /// Printed counts shown as "hidden" (secondary suppression), for the report's notice.
  public var hiddenCount: Int { shown.filter { $0.value == .hidden && !$0.key.isComplement }.count }

  // MARK: Counting

  private static func count(_ report: AreaReport) -> (counts: [Figure: Int], practices: [String]) {
    var counts: [Figure: Int] = [:]
    func add(_ figure: Figure, _ n: Int = 1) { counts[figure, default: 0] += n }
    let evaluated = report.evaluated
    add(.evaluated, 0)
    add(.withSignal, 0)
    add(.withSignalAndSafeguarding, 0)
    for severity in Severity.allCases { add(.highest(severity), 0) }
    for (why, n) in report.excluded { add(.excluded(why), n) }
    for rule in report.rules {
      add(.signal(rule.id), 0)
      add(.signalWithSafeguarding(rule.id), 0)
      for severity in Severity.allCases { add(.signalAt(rule.id, severity), 0) }
    }
    for bin in AreaTables.ratioBins.indices { add(.ratioBin(bin), 0) }
    add(.noInhalers, 0)
    let practices = Set(evaluated.map { $0.practiceCode ?? "unknown" }).sorted()
    for practice in practices {
      add(.practice(practice), 0)
      add(.practiceWithSignal(practice), 0)
      add(.practiceWithSignalAndSafeguarding(practice), 0)
      for severity in Severity.allCases { add(.practiceHighest(practice, severity), 0) }
    }

    for child in evaluated {
      let practice = child.practiceCode ?? "unknown"
      add(.evaluated)
      add(.practice(practice))
      if let ratio = child.preventerRatio12m {
        // A hair of tolerance: 0.3 * 10 is 3.0000000000000004, but 0.7 could land just below 7.
        add(.ratioBin(min(AreaTables.ratioBins.count - 1, Int((ratio * 10 + 1e-9).rounded(.down)))))
      } else {
        add(.noInhalers)
      }
      guard let highest = child.highestSeverity else { continue }
      add(.withSignal)
      add(.highest(highest))
      add(.practiceWithSignal(practice))
      add(.practiceHighest(practice, highest))
      if child.safeguarding != nil {
        add(.withSignalAndSafeguarding)
        add(.practiceWithSignalAndSafeguarding(practice))
      }
      for rule in report.rules {
        guard let signal = child.signals.first(where: { $0.ruleID == rule.id }) else { continue }
        add(.signal(rule.id))
        add(.signalAt(rule.id, signal.severity))
        if child.safeguarding != nil { add(.signalWithSafeguarding(rule.id)) }
        if counts[.practiceSignal(practice, rule.id)] == nil {
          add(.practiceSignal(practice, rule.id), 0)
          for severity in Severity.allCases { add(.practiceSignalAt(practice, rule.id, severity), 0) }
        }
        add(.practiceSignal(practice, rule.id))
        add(.practiceSignalAt(practice, rule.id, signal.severity))
      }
    }
    // A month whose count is not comparable (too little export history before it for the
    // rule's window) is not published, so it is not counted: it needs no protection, and
    // must not make another count hidden.
    for index in report.trendDates.indices {
      let comparable = report.rules.filter { report.isComparable($0, at: index) }
      let every = comparable.count == report.rules.count
      if every { add(.trendAny(index), 0) }
      for rule in comparable { add(.trend(index, rule.id), 0) }
      for child in report.children {
        let firing = child.firingOnTrendDates[index]
        guard !firing.isEmpty else { continue }
        if every { add(.trendAny(index)) }
        for rule in comparable where firing.contains(rule.id) { add(.trend(index, rule.id)) }
      }
    }
    counts[.withoutSignal] = counts[.evaluated]! - counts[.withSignal]!
    counts[.withSignalWithoutSafeguarding] = counts[.withSignal]! - counts[.withSignalAndSafeguarding]!
    for rule in report.rules.map(\.id) {
      counts[.signalWithoutSafeguarding(rule)] = counts[.signal(rule)]! - counts[.signalWithSafeguarding(rule)]!
    }
    for practice in practices {
      counts[.practiceWithoutSignal(practice)] = counts[.practice(practice)]! - counts[.practiceWithSignal(practice)]!
      counts[.practiceWithSignalWithoutSafeguarding(practice)] =
        counts[.practiceWithSignal(practice)]! - counts[.practiceWithSignalAndSafeguarding(practice)]!
    }
    return (counts, practices)
  }

  /// Every total a reader can check parts against, within a table and across tables.
  private static func sums(_ report: AreaReport, counts: [Figure: Int], practices: [String]) -> [SmallNumberSuppression<Figure>.Sum] {
    typealias Sum = SmallNumberSuppression<Figure>.Sum
    let severities = Severity.allCases
    var sums = [
      Sum(total: .withSignal, parts: severities.map { .highest($0) }),
      Sum(total: .evaluated, parts: AreaTables.ratioBins.indices.map { .ratioBin($0) } + [.noInhalers]),
      Sum(total: .evaluated, parts: practices.map { .practice($0) }),
      Sum(total: .withSignal, parts: practices.map { .practiceWithSignal($0) }),
      Sum(total: .withSignalAndSafeguarding, parts: practices.map { .practiceWithSignalAndSafeguarding($0) }),
    ]
    sums += severities.map { severity in Sum(total: .highest(severity), parts: practices.map { .practiceHighest($0, severity) }) }
    sums += practices.map { practice in Sum(total: .practiceWithSignal(practice), parts: severities.map { .practiceHighest(practice, $0) }) }
    sums += [
      Sum(total: .evaluated, parts: [.withSignal, .withoutSignal]),
      Sum(total: .withSignal, parts: [.withSignalAndSafeguarding, .withSignalWithoutSafeguarding]),
      Sum(total: .withoutSignal, parts: practices.map { .practiceWithoutSignal($0) }),
      Sum(total: .withSignalWithoutSafeguarding, parts: practices.map { .practiceWithSignalWithoutSafeguarding($0) }),
    ]
    sums += practices.flatMap { practice in
      [
        Sum(total: .practice(practice), parts: [.practiceWithSignal(practice), .practiceWithoutSignal(practice)]),
        Sum(total: .practiceWithSignal(practice), parts: [.practiceWithSignalAndSafeguarding(practice), .practiceWithSignalWithoutSafeguarding(practice)]),
      ]
    }
    for rule in report.rules.map(\.id) {
      let tabled = practices.filter { counts[.practiceSignal($0, rule)] != nil }
      sums.append(Sum(total: .signal(rule), parts: severities.map { .signalAt(rule, $0) }))
      sums.append(Sum(total: .signal(rule), parts: [.signalWithSafeguarding(rule), .signalWithoutSafeguarding(rule)]))
      sums.append(Sum(total: .signal(rule), parts: tabled.map { .practiceSignal($0, rule) }))
      sums += severities.map { severity in Sum(total: .signalAt(rule, severity), parts: tabled.map { .practiceSignalAt($0, rule, severity) }) }
      sums += tabled.map { practice in Sum(total: .practiceSignal(practice, rule), parts: severities.map { .practiceSignalAt(practice, rule, $0) }) }
    }
    // The trend's last date is the report date: where its counts are the report date's, a
    // reader can take one for the other.
    if let last = report.trendDates.indices.last, report.trendDates[last] == report.asOf {
      for rule in report.rules.map(\.id) where counts[.trend(last, rule)] == counts[.signal(rule)] {
        sums.append(Sum(total: .trend(last, rule), parts: [.signal(rule)]))
      }
      if counts[.trendAny(last)] == counts[.withSignal] { sums.append(Sum(total: .trendAny(last), parts: [.withSignal])) }
    }
    return sums
  }
}
