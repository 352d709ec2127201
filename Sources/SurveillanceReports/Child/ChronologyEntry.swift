import SurveillanceCore

/// One line of a child's chronology: a supply (an issue and its dispensing counted once), a
/// care event, or the start or end of a safeguarding plan, with the rows it came from.
public struct ChronologyEntry: Sendable {
  public enum Kind: Sendable {
    case supply(SupplyEvent)
    case event(CareEvent)
    case planStarted(SafeguardingPlan)
    case planEnded(SafeguardingPlan)
  }

  public var date: CalendarDate
  public var kind: Kind

  /// Every entry known on the report date, in date order; on one day plans come first, then
  /// care events, then supplies, each in source order.
  public static func entries(for report: ChildReport) -> [ChronologyEntry] {
    var entries: [(ChronologyEntry, Int, SourceRef)] = []
    for plan in report.timeline.plans {
      entries.append((ChronologyEntry(date: plan.start, kind: .planStarted(plan)), 0, plan.source))
      if let end = plan.end, end <= report.asOf {
        entries.append((ChronologyEntry(date: end, kind: .planEnded(plan)), 0, plan.source))
      }
    }
    for event in report.timeline.events {
      entries.append((ChronologyEntry(date: event.date, kind: .event(event)), 1, event.source))
    }
    for supply in report.timeline.supplies {
      entries.append((ChronologyEntry(date: supply.date, kind: .supply(supply)), 2, supply.sources.first!))
    }
    return entries.sorted { ($0.0.date, $0.1, $0.2) < ($1.0.date, $1.1, $1.2) }.map(\.0)
  }

  /// The rows behind the entry.
  public var sources: [SourceRef] {
    switch kind {
    case .supply(let supply): return supply.sources
    case .event(let event): return [event.source]
    case .planStarted(let plan), .planEnded(let plan): return [plan.source]
    }
  }
}
