/// One child as known on one evaluation date: supplies reconciled with only what was known
/// by then, plans and events up to then.
///
/// Evaluating "as of" a past date must not peek at the future: a pharmacy supply that a GP
/// issue followed a week later looked, in between, like a supply with no prescription. So
/// the timeline is rebuilt from the child's record for each date, which is cheap (a child
/// has tens of rows) and is what makes replay honest.
public struct ChildTimeline: Sendable {
  public let nhsNumber: NHSNumber
  public let dateOfBirth: CalendarDate?
  public let asOf: CalendarDate
  public let supplies: [SupplyEvent]
  public let events: [CareEvent]
  public let plans: [SafeguardingPlan]
  /// Which exports the run had: a signal that needs care events cannot fire without them.
  public let inputs: Set<InputKind>
  /// What counts as an attack, and as hospital care (`rules/timeline.json`).
  public let eventGroups: CareEventGroups

  public init(record: ChildRecord, asOf: CalendarDate, inputs: Set<InputKind>, policy: TimelinePolicy) {
    nhsNumber = record.nhsNumber
    dateOfBirth = record.dateOfBirth
    self.asOf = asOf
    self.inputs = inputs
    eventGroups = policy.eventGroups
    let known = record.supplies.filter { $0.date <= asOf }
    supplies = Reconciler.reconcile(
      issues: known.filter { $0.side == .gpIssue },
      dispensings: known.filter { $0.side == .dispensing },
      asOf: asOf, hasPharmacyData: inputs.contains(.pharmacyDispensing), policy: policy)
    events = record.events.filter { $0.date <= asOf }.sorted { ($0.date, $0.source) < ($1.date, $1.source) }
    plans = record.plans.filter { $0.start <= asOf }.sorted { ($0.start, $0.source) < ($1.start, $1.source) }
  }

  /// Age in whole years on the evaluation date.
  public var ageYears: Int? { dateOfBirth?.wholeYears(to: asOf) }

  /// Supplies received in `window`.
  public func supplies(in window: DateWindow) -> [SupplyEvent] {
    supplies.filter { window.contains($0.date) }
  }

  /// The practice that issued most recently, for grouping in area reports.
  public var practiceCode: String? {
    supplies.last(where: { $0.issue != nil })?.issue?.siteCode
  }
}
