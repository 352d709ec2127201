/// One child's row in `children.csv`: the headline figures, the signals and the context.
public struct ChildSummary: Sendable {
  public var nhsNumber: NHSNumber
  public var ageYears: Int
  public var practiceCode: String?
  /// Values in the order of ``ChildrenTable/columns``.
  public var figures: [Figure]
  public var signals: [Signal]
  public var safeguarding: SafeguardingContext?
  public var actionPlan: ActionPlanStatus

  /// Public so that a store can rebuild a summary it wrote.
  public init(
    nhsNumber: NHSNumber, ageYears: Int, practiceCode: String?, figures: [Figure], signals: [Signal],
    safeguarding: SafeguardingContext?, actionPlan: ActionPlanStatus
  ) {
    self.nhsNumber = nhsNumber
    self.ageYears = ageYears
    self.practiceCode = practiceCode
    self.figures = figures
    self.signals = signals
    self.safeguarding = safeguarding
    self.actionPlan = actionPlan
  }

  public var highestSeverity: Severity? { signals.map(\.severity).max() }
}

/// Everything one evaluation derives from a child's record on one date, with the record:
/// the reconciled timeline, and the summary (figures, signals, context). A store keeps the
/// record as the fact and the rest as what the run made of it.
public struct EvaluatedChild: Sendable {
  public var summary: ChildSummary
  public var timeline: ChildTimeline
  /// The rows as read (with file and line), the plans and the events: what the timeline and
  /// the summary were derived from.
  public var record: ChildRecord

  public init(summary: ChildSummary, timeline: ChildTimeline, record: ChildRecord) {
    self.summary = summary
    self.timeline = timeline
    self.record = record
  }
}

/// Why a patient with asthma records is not in a run's output.
public enum Exclusion: String, Error, Sendable, CaseIterable, Codable {
  /// 18 or over on the evaluation date (by a date of birth from another row).
  case adult
  /// No row gave a date of birth, so whether this is a child cannot be known.
  case noDateOfBirth = "no_date_of_birth"
  /// No asthma supply or care event in the activity period before the evaluation date.
  case inactive
  /// Born after the evaluation date.
  case notYetBorn = "not_yet_born"
}

/// The headline columns of `children.csv`, each a figure over a window. Windows here are
/// the report's fixed layout (3, 6 and 12 months, as DOMAIN.md asks), not thresholds.
public enum ChildrenTable {
  public struct Column: Sendable {
    public var name: String
    public var metric: Metric
    public var window: Period
  }

  public static let columns: [Column] = [
    Column(name: "reliever_devices_3m", metric: .relieverDevices, window: Period(months: 3)),
    Column(name: "reliever_devices_6m", metric: .relieverDevices, window: Period(months: 6)),
    Column(name: "reliever_devices_12m", metric: .relieverDevices, window: Period(months: 12)),
    Column(name: "preventer_devices_12m", metric: .preventerDevices, window: Period(months: 12)),
    Column(name: "preventer_ratio_12m", metric: .preventerRatio, window: Period(months: 12)),
    Column(name: "preventer_days_covered_12m", metric: .preventerDaysCovered, window: Period(months: 12)),
    Column(name: "ics_formoterol_devices_12m", metric: .icsFormoterolDevices, window: Period(months: 12)),
    Column(name: "ics_formoterol_doses_per_day_3m", metric: .icsFormoterolDosesPerDay, window: Period(months: 3)),
    Column(name: "ics_formoterol_doses_per_day_12m", metric: .icsFormoterolDosesPerDay, window: Period(months: 12)),
    Column(name: "nebule_issues_12m", metric: .nebuleIssues, window: Period(months: 12)),
    Column(name: "supplies_without_prescription_6m", metric: .suppliesWithoutPrescription, window: Period(months: 6)),
    Column(name: "emergency_supplies_6m", metric: .emergencySupplies, window: Period(months: 6)),
    Column(name: "issued_not_dispensed_12m", metric: .issuedNotDispensed, window: Period(months: 12)),
    Column(name: "oral_steroid_courses_12m", metric: .oralSteroidCourses, window: Period(months: 12)),
    Column(name: "pharmacies_6m", metric: .pharmacies, window: Period(months: 6)),
    Column(name: "attacks_12m", metric: .attacks, window: Period(months: 12)),
    Column(name: "asthma_reviews_12m", metric: .asthmaReviews, window: Period(months: 12)),
    Column(name: "unclassified_supplies_12m", metric: .unclassifiedSupplies, window: Period(months: 12)),
  ]
}

/// Turns finished child records into summaries and signals for one evaluation date.
public struct AreaEvaluation: Sendable {
  public let rules: RuleSet
  public let inputs: Set<InputKind>
  private let evaluator: SignalEvaluator

  public init(rules: RuleSet, inputs: Set<InputKind>) {
    self.rules = rules
    self.inputs = inputs
    evaluator = SignalEvaluator(rules: rules)
  }

  /// The child's timeline on `asOf`, or why the patient is not a child in the population then.
  public func timeline(for record: ChildRecord, asOf: CalendarDate) -> Result<ChildTimeline, Exclusion> {
    guard let birth = record.dateOfBirth else { return .failure(.noDateOfBirth) }
    if birth > asOf { return .failure(.notYetBorn) }
    if birth.wholeYears(to: asOf) >= rules.timeline.childAgeUnderYears { return .failure(.adult) }
    let active = DateWindow(rules.timeline.activeWithin, endingOn: asOf)
    let isActive = record.supplies.contains { active.contains($0.date) } || record.events.contains { active.contains($0.date) }
    guard isActive else { return .failure(.inactive) }
    return .success(ChildTimeline(record: record, asOf: asOf, inputs: inputs, policy: rules.timeline))
  }

  /// The child's summary on `asOf`, or why there is none.
  public func summary(for record: ChildRecord, asOf: CalendarDate) -> Result<ChildSummary, Exclusion> {
    evaluated(record, asOf: asOf).map(\.summary)
  }

  /// The child's summary with the timeline it came from, for outputs that keep the
  /// reconciled supplies, plans and events behind the figures (the store, the patient check).
  public func evaluated(_ record: ChildRecord, asOf: CalendarDate) -> Result<EvaluatedChild, Exclusion> {
    timeline(for: record, asOf: asOf).map { timeline in
      // The summary's figures and the rules' are counted once between them.
      let memo = FigureMemo(timeline: timeline, courseMergeDays: rules.formulary.courseMergeDays)
      let summary = ChildSummary(
        nhsNumber: record.nhsNumber, ageYears: timeline.ageYears ?? 0, practiceCode: timeline.practiceCode,
        figures: ChildrenTable.columns.map { Figure(value: memo.value($0.metric, over: $0.window)) },
        signals: evaluator.signals(for: timeline, memo: memo),
        safeguarding: timeline.safeguardingContext(policy: rules.care),
        actionPlan: timeline.actionPlanStatus(policy: rules.care))
      return EvaluatedChild(summary: summary, timeline: timeline, record: record)
    }
  }

  /// Rule ids that fire for the child on `asOf` (for replay, which needs no figures).
  public func firingRules(for record: ChildRecord, asOf: CalendarDate) -> [Signal] {
    guard case .success(let timeline) = timeline(for: record, asOf: asOf) else { return [] }
    return evaluator.signals(for: timeline)
  }
}
