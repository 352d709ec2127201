/// How action plans, safeguarding plans and working days are read: `rules/care.json`,
/// where each value cites its source.
public struct CarePolicy: Decodable, Sendable {
  public var version: String
  /// An action plan with no review date recorded is due this long after it was issued.
  public var actionPlanReviewInterval: Period
  /// Plan types that give a signal safeguarding context.
  public var safeguardingPlanTypes: [PlanType]
  /// A plan that ended within this period still gives context.
  public var safeguardingEndedWithin: Period
  /// Severity levels a signal is raised by when it has safeguarding context.
  public var safeguardingRaiseSeverityBy: Int
  /// Who a signal goes to without and with safeguarding context.
  public var routeWithoutSafeguarding: String
  public var routeWithSafeguarding: String

  enum CodingKeys: String, CodingKey {
    case version
    case actionPlanReviewInterval = "action_plan_review_interval"
    case safeguardingPlanTypes = "safeguarding_plan_types"
    case safeguardingEndedWithin = "safeguarding_ended_within"
    case safeguardingRaiseSeverityBy = "safeguarding_raise_severity_by"
    case routeWithoutSafeguarding = "route_without_safeguarding"
    case routeWithSafeguarding = "route_with_safeguarding"
  }
}

/// Days that are not working days in England and Wales: weekends and bank holidays.
/// The holiday list is data (`rules/calendar/`), from GOV.UK.
public struct WorkingDayCalendar: Sendable {
  public let bankHolidays: Set<CalendarDate>
  /// The span the list covers; outside it the calendar cannot answer honestly.
  public let coveredYears: ClosedRange<Int>

  public init(bankHolidays: [CalendarDate]) {
    self.bankHolidays = Set(bankHolidays)
    let years = bankHolidays.map(\.year)
    coveredYears = (years.min() ?? 0)...(years.max() ?? 0)
  }

  public func isWorkingDay(_ date: CalendarDate) -> Bool {
    date.isoWeekday <= 5 && !bankHolidays.contains(date)
  }

  /// The `count`th working day after `date` (the day itself not counted).
  public func adding(workingDays count: Int, to date: CalendarDate) -> CalendarDate {
    var day = date
    var remaining = count
    while remaining > 0 {
      day = day.adding(days: 1)
      if isWorkingDay(day) { remaining -= 1 }
    }
    return day
  }
}

/// Whether the child has a personal asthma action plan, and whether its review is overdue.
public enum ActionPlanState: String, Codable, Sendable, CaseIterable {
  /// No action plan on record.
  case none
  /// An action plan whose review date has not passed.
  case current
  /// An action plan whose review date has passed.
  case overdue
  /// The run had no care events file, so nothing can be said.
  case unknown
}

/// The action plan state on a date, with the dates behind it.
public struct ActionPlanStatus: Sendable, Equatable {
  public var state: ActionPlanState
  /// When the latest plan was issued or reviewed.
  public var lastPlanDate: CalendarDate?
  public var reviewDue: CalendarDate?
  public var source: SourceRef?

  public init(state: ActionPlanState, lastPlanDate: CalendarDate? = nil, reviewDue: CalendarDate? = nil, source: SourceRef? = nil) {
    self.state = state
    self.lastPlanDate = lastPlanDate
    self.reviewDue = reviewDue
    self.source = source
  }

  /// `current (plan 2017-04-12, review due 2018-04-12)`.
  public var summary: String {
    guard let lastPlanDate, let reviewDue else { return state.rawValue }
    return "\(state.rawValue) (plan \(lastPlanDate), review due \(reviewDue))"
  }
}

/// The safeguarding plan that gives a signal its context.
public struct SafeguardingContext: Sendable, Equatable {
  public var plan: SafeguardingPlan
  /// Whether the plan is active on the evaluation date (otherwise it ended recently).
  public var isActive: Bool

  public init(plan: SafeguardingPlan, isActive: Bool) {
    self.plan = plan
    self.isActive = isActive
  }

  /// `CIN` or `CIN (ended 2017-08-01)`.
  public var summary: String {
    isActive ? plan.type.rawValue : "\(plan.type.rawValue) (ended \(plan.end!))"
  }
}

extension ChildTimeline {
  /// The action plan state on the evaluation date.
  public func actionPlanStatus(policy: CarePolicy) -> ActionPlanStatus {
    guard inputs.contains(.careEvents) else { return ActionPlanStatus(state: .unknown) }
    guard let plan = events.last(where: { $0.type == .actionPlanIssued || $0.type == .actionPlanReviewed }) else {
      return ActionPlanStatus(state: .none)
    }
    let due = plan.nextReviewDue ?? plan.date.adding(months: policy.actionPlanReviewInterval.months).adding(days: policy.actionPlanReviewInterval.days)
    return ActionPlanStatus(state: due < asOf ? .overdue : .current, lastPlanDate: plan.date, reviewDue: due, source: plan.source)
  }

  /// The safeguarding plan, active or recently ended, that gives context on the evaluation
  /// date: an active plan first, then the most recently ended; among equals, the plan type
  /// listed first in the policy.
  public func safeguardingContext(policy: CarePolicy) -> SafeguardingContext? {
    let recentCutoff = DateWindow(policy.safeguardingEndedWithin, endingOn: asOf).start
    let relevant = plans.filter { policy.safeguardingPlanTypes.contains($0.type) }
    let active = relevant.filter { $0.end == nil || $0.end! >= asOf }
    func rank(_ plan: SafeguardingPlan) -> Int { policy.safeguardingPlanTypes.firstIndex(of: plan.type)! }
    if let plan = active.min(by: { (rank($0), $0.start) < (rank($1), $1.start) }) {
      return SafeguardingContext(plan: plan, isActive: true)
    }
    let ended = relevant.filter { $0.end.map { $0 >= recentCutoff && $0 < asOf } ?? false }
    if let plan = ended.max(by: { ($0.end!, -rank($0)) < ($1.end!, -rank($1)) }) {
      return SafeguardingContext(plan: plan, isActive: false)
    }
    return nil
  }
}
