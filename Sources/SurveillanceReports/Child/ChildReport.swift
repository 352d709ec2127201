import SurveillanceCore

/// Everything a child's report shows, built from core values only: the child's record as the
/// run knew it on the report date, the signals on that date, the replay's first firings and
/// the rules that explain them.
///
/// Built by ``init(record:rules:asOf:replayFrom:step:coverage:provenance:)`` from a
/// ``ChildRecord``; the exports (the frontend's `AreaLoader`) or a store can supply that record, so the
/// renderer never knows where the data came from.
public struct ChildReport: Sendable {
  public var nhsNumber: NHSNumber
  public var dateOfBirth: CalendarDate?
  /// The report date: what was known by then, and nothing after.
  public var asOf: CalendarDate
  public var replayFrom: CalendarDate
  public var replayStep: ReplayStep
  /// Number of dates the replay evaluated.
  public var replayDates: Int
  /// The child's supplies reconciled as known on the report date, events and plans.
  public var timeline: ChildTimeline
  /// Why no rule was evaluated on the report date, if the child was outside the population.
  public var exclusion: Exclusion?
  /// Signals firing on the report date.
  public var signals: [Signal]
  /// When each signal first fired in the replay, earliest first.
  public var firstFirings: [FirstFiring]
  /// Every signal rule, for titles and guidance.
  public var rules: [SignalRule]
  public var safeguarding: SafeguardingContext?
  public var actionPlan: ActionPlanStatus
  /// Oral steroid issues this close together are one course (`rules/formulary/`).
  public var courseMergeDays: Int
  public var coverage: DataCoverage
  public var provenance: ReportProvenance
  /// What is wrong with the source as a whole (a store whose records are out of date, or whose
  /// last nightly run failed), shown at the top of the page before anything else.
  public var dataWarnings: [String] = []
  /// The protective marking for a report that identifies a child (`rules/reports.json`).
  public var marking: String?
  /// Who the rules count as in the population, for the report's words.
  public var population: PopulationWords
  /// From a store: the nightly runs' history of the child's current signals and the reviews
  /// recorded (outcome and date, never the note). `nil` from exports, which keep no history.
  public var signalHistory: ChildSignalHistory?

  public init(
    record: ChildRecord, rules: RuleSet, asOf: CalendarDate, replayFrom: CalendarDate, step: ReplayStep,
    coverage: DataCoverage, provenance: ReportProvenance
  ) {
    let evaluation = AreaEvaluation(rules: rules, inputs: coverage.kinds)
    let dates = step.dates(from: min(replayFrom, asOf), to: asOf)
    nhsNumber = record.nhsNumber
    dateOfBirth = record.dateOfBirth
    self.asOf = asOf
    self.replayFrom = min(replayFrom, asOf)
    replayStep = step
    replayDates = dates.count
    timeline = ChildTimeline(record: record, asOf: asOf, inputs: coverage.kinds, policy: rules.timeline)
    if case .failure(let why) = evaluation.timeline(for: record, asOf: asOf) { exclusion = why }
    signals = evaluation.firingRules(for: record, asOf: asOf)
    firstFirings = Replay(evaluation: evaluation).firstFirings(for: record, on: dates)
      .sorted { ($0.first.asOf, $0.first.ruleID) < ($1.first.asOf, $1.first.ruleID) }
    self.rules = rules.signals
    safeguarding = timeline.safeguardingContext(policy: rules.care)
    actionPlan = timeline.actionPlanStatus(policy: rules.care)
    courseMergeDays = rules.formulary.courseMergeDays
    marking = rules.reports.protectiveMarking.identified
    population = PopulationWords(rules.timeline)
    self.coverage = coverage
    self.provenance = provenance
  }

  public func rule(_ id: String) -> SignalRule? { rules.first { $0.id == id } }

  /// Age in whole years on the report date.
  public var ageYears: Int? { dateOfBirth.map { $0.wholeYears(to: asOf) } }

  /// The first month the timeline and the monthly table show: the replay's first month, or the
  /// month before the child's record starts if that is later, so the chart is not mostly
  /// empty months before the first supply.
  public var timelineStart: CalendarDate {
    let replayMonth = replayFrom.startOfMonth
    // Plans are context drawn as bands (one may date from years before); rows start the record.
    guard let first = (timeline.supplies.map(\.date) + timeline.events.map(\.date)).min() else { return replayMonth }
    return max(replayMonth, first.startOfMonth.adding(months: -1))
  }

  /// The first and last dates on the child's record, known by the report date.
  public var recordSpan: (first: CalendarDate, last: CalendarDate)? {
    let dates = timeline.supplies.map(\.date) + timeline.events.map(\.date) + timeline.plans.map(\.start)
    guard let first = dates.min(), let last = dates.max() else { return nil }
    return (first, last)
  }
}

extension ChildReport {
  /// The months from ``timelineStart`` to the report date, each counted by the figures' own
  /// definitions (``MonthlyCounts``): what the timeline chart and the monthly table show.
  public var months: [MonthlyCounts] { timeline.monthlyCounts(from: timelineStart, courseMergeDays: courseMergeDays) }
}
