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

/// One child as a generation holds them: the record (the rows as read, the plans, the
/// events), and what the nightly run made of it on its date (the summary, with the figures
/// and signals of `children.csv` and `signals.csv`, and the reconciled supplies).
public struct StoredChild: Sendable {
  public var dateOfBirth: CalendarDate?
  public var summary: ChildSummary
  /// The run's reconciled supplies on its date: a cache of what the record gave, for
  /// analysts' queries; a replay or a look-up derives its own from ``record``.
  public var supplies: [StoredSupply]
  public var plans: [SafeguardingPlan]
  public var events: [CareEvent]
  /// The child's record as the nightly run read it from the exports. `nil` for a generation
  /// written before the store kept records (the `v5 child records as read` migration): run
  /// `nightly --store` again.
  public var record: ChildRecord?

  public init(
    dateOfBirth: CalendarDate?, summary: ChildSummary, supplies: [StoredSupply], plans: [SafeguardingPlan], events: [CareEvent],
    record: ChildRecord?
  ) {
    self.dateOfBirth = dateOfBirth
    self.summary = summary
    self.supplies = supplies
    self.plans = plans
    self.events = events
    self.record = record
  }

  /// The stored form of an evaluated child.
  public init(_ child: EvaluatedChild) {
    self.init(
      dateOfBirth: child.record.dateOfBirth, summary: child.summary, supplies: child.timeline.supplies.map(StoredSupply.init),
      plans: GenerationWriter.ordered(child.record.plans), events: GenerationWriter.ordered(child.record.events), record: child.record)
  }

  /// The child as the nightly run evaluated it: its summary as stored, with the timeline
  /// rebuilt from the record on `asOf` (the generation's date, for a look-up) under `policy`,
  /// as the run built it. `inputs`: the kinds of export the run read.
  public func evaluated(asOf: CalendarDate, inputs: Set<InputKind>, policy: TimelinePolicy) throws(StoreError) -> EvaluatedChild {
    guard let record else { throw StoreError.generationKeepsNoRecords }
    return EvaluatedChild(summary: summary, timeline: ChildTimeline(record: record, asOf: asOf, inputs: inputs, policy: policy), record: record)
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
