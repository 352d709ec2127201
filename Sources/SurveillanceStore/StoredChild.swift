import SurveillanceCore

/// The generation readers see: which run wrote it and on which evaluation date.
public struct GenerationInfo: Sendable, Equatable {
  public var runID: Int64
  public var asOf: CalendarDate
  public var toolVersion: String
  public var rulesVersion: String
  /// When the nightly run started (ISO 8601), and when its generation became current.
  public var startedAt: String
  public var writtenAt: String?
  public var childrenCount: Int
  /// How long writing the generation took, for the benchmark.
  public var storeWriteSeconds: Double?
}

/// One child as a generation holds them: the summary (`children.csv` and the signals), and
/// the timeline behind it.
public struct StoredChild: Sendable {
  public var dateOfBirth: CalendarDate?
  public var summary: ChildSummary
  public var supplies: [StoredSupply]
  public var plans: [SafeguardingPlan]
  public var events: [CareEvent]

  public init(dateOfBirth: CalendarDate?, summary: ChildSummary, supplies: [StoredSupply], plans: [SafeguardingPlan], events: [CareEvent]) {
    self.dateOfBirth = dateOfBirth
    self.summary = summary
    self.supplies = supplies
    self.plans = plans
    self.events = events
  }

  /// The stored form of an evaluated child.
  public init(_ child: EvaluatedChild) {
    self.init(
      dateOfBirth: child.timeline.dateOfBirth, summary: child.summary, supplies: child.timeline.supplies.map(StoredSupply.init),
      plans: child.timeline.plans, events: child.timeline.events)
  }
}

extension StoredChild {
  /// The child's record as the nightly run read it from the exports, rebuilt from the
  /// generation's rows: every GP issue and dispensing behind the reconciled supplies (an issue
  /// that several dispensings filled, once), the safeguarding plans and the care events. Replaying
  /// it gives what replaying the record read from the same exports gives, on any date up to
  /// the generation's.
  ///
  /// `nil` when the generation was written before the store kept both sides of each supply
  /// (the `v2 supply sides for child records` migration): run `nightly --store` again.
  public var record: ChildRecord? {
    var rows: [Supply] = []
    var seen: Set<SourceRef> = []
    for supply in supplies {
      guard let sides = supply.rows(nhsNumber: summary.nhsNumber, dateOfBirth: dateOfBirth) else { return nil }
      for row in sides where seen.insert(row.source).inserted { rows.append(row) }
    }
    return ChildRecord(
      nhsNumber: summary.nhsNumber, dateOfBirth: dateOfBirth, supplies: rows.sorted { $0.source < $1.source }, plans: plans, events: events)
  }
}

/// A whole generation read back: enough to render the run's outputs again.
public struct StoredGeneration: Sendable {
  public var info: GenerationInfo
  public var manifest: RunManifest
  /// Input file paths by ``SourceRef/file`` index.
  public var fileNames: [String]
  public var children: [StoredChild]
  public var rejects: [RejectedRow]
}
