/// Whether the exports seem not to cover the period the run evaluates, checked over the
/// supplies of the children evaluated. Two ways a run is quietly wrong that it can see:
///
/// The pharmacy exports begin later than the GP exports. A GP issue that no dispensing filled is counted as not dispensed, which is true only where
/// the pharmacy data covers the weeks after it. A pharmacy export that starts months after
/// the GP's makes every earlier issue look uncollected (on the samples' GP data with three
/// months of dispensing: 395 preventer-not-collected signals against 25). A run cannot tell a
/// late start from families who did not collect, so it counts and says: the earliest
/// dispensing and GP issue among the children evaluated, and how many issues counted as not
/// dispensed lie before that first dispensing.
///
/// The exports end well before the as-of date (last month's extract run today): the last
/// weeks of every window hold no data, so every count over them is low and every "none in
/// the last N months" rule fires for want of rows.
public struct ExportCoverageCheck: Sendable, Equatable {
  public private(set) var earliestIssue: CalendarDate?
  public private(set) var earliestDispensing: CalendarDate?
  /// The last GP issue or dispensing.
  public private(set) var latestSupply: CalendarDate?
  /// Issues counted as not dispensed, by day.
  private var notDispensedByDay: [Int32: Int] = [:]

  public init() {}

  /// Takes in one child's supplies as reconciled.
  public mutating func add(_ supplies: [SupplyEvent]) {
    for supply in supplies {
      let issued = supply.issue?.date
      let dispensed = supply.dispensing?.date
      earliestIssue = Self.earlier(earliestIssue, issued)
      earliestDispensing = Self.earlier(earliestDispensing, dispensed)
      latestSupply = Self.later(latestSupply, Self.later(issued, dispensed))
      if supply.status == .issuedNotDispensed { notDispensedByDay[supply.date.dayNumber, default: 0] += 1 }
    }
  }

  /// Takes in another part of the same run (a wave or pass of its children).
  public mutating func merge(_ other: ExportCoverageCheck) {
    earliestIssue = Self.earlier(earliestIssue, other.earliestIssue)
    earliestDispensing = Self.earlier(earliestDispensing, other.earliestDispensing)
    latestSupply = Self.later(latestSupply, other.latestSupply)
    notDispensedByDay.merge(other.notDispensedByDay, uniquingKeysWith: +)
  }

  /// The earlier of two dates either of which may be missing.
  private static func earlier(_ a: CalendarDate?, _ b: CalendarDate?) -> CalendarDate? {
    guard let a, let b else { return a ?? b }
    return min(a, b)
  }

  /// The later of two dates either of which may be missing.
  private static func later(_ a: CalendarDate?, _ b: CalendarDate?) -> CalendarDate? {
    guard let a, let b else { return a ?? b }
    return max(a, b)
  }

  /// Issues counted as not dispensed that are dated before the first dispensing.
  public var notDispensedBeforeFirstDispensing: Int {
    guard let first = earliestDispensing else { return 0 }
    return notDispensedByDay.reduce(0) { $0 + ($1.key < first.dayNumber ? $1.value : 0) }
  }

  /// What to tell the reader when the dispensing data starts later than the GP data by more
  /// than the collection grace period and issues before it were counted as not dispensed.
  public func lateDispensingWarning(policy: TimelinePolicy) -> String? {
    guard let issue = earliestIssue, let dispensing = earliestDispensing else { return nil }
    let gap = issue.days(to: dispensing)
    let before = notDispensedBeforeFirstDispensing
    guard gap > policy.collectionGraceDays, before > 0 else { return nil }
    return "the pharmacy data may start late: its first dispensing to a child evaluated is \(dispensing), \(gap) days after the first GP issue (\(issue)), "
      + "and \(before) GP issue(s) dated before it are counted as not dispensed; if the pharmacy exports begin on \(dispensing), "
      + "those issues (and the not-collected and undersupply signals they raise) may only be missing from them: check that the exports cover the same period, "
      + "or run with --pharmacy-from \(dispensing) to leave earlier issues unjudged"
  }

  /// What to tell the reader when the last supply comes more than the collection grace
  /// period before `asOf`: more than a month without a single issue or dispensing to any
  /// child of an area is an export that stops early, not a quiet month.
  public func staleExportsWarning(asOf: CalendarDate, policy: TimelinePolicy) -> String? {
    guard let latest = latestSupply else { return nil }
    let gap = latest.days(to: asOf)
    guard gap > policy.collectionGraceDays else { return nil }
    return "the exports may end early: their last supply to a child evaluated is \(latest), \(gap) days before the as-of date \(asOf); "
      + "the last \(gap) days of every window hold no rows, so counts over them are low and rules that look for an absence may fire for want of data: "
      + "check the exports' dates, or run --as-of \(latest)"
  }
}
