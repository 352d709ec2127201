import SurveillanceCore
import SurveillanceStore

/// `worklist`: tonight's worklist from a store, one practice's or the area's, with the reviews
/// recorded since the nightly run already applied. It names children, so it is audited as an
/// identified area report is: who, when, why, which generation (no one child's hash).
public struct WorklistJob: Sendable {
  public var storePath: String
  public var practice: String?
  public var user: String
  public var reason: String
  /// Now, ISO 8601 in UTC.
  public var time: String
  /// For a store: when its records count as out of date. `nil` asks nothing.
  public var freshness: FreshnessPolicy?

  public init(storePath: String, practice: String?, user: String, reason: String, time: String) {
    self.storePath = storePath
    self.practice = practice
    self.user = user
    self.reason = reason
    self.time = time
  }

  /// What `worklist` prints: the warnings first, then the CSV.
  public struct Listing: Sendable {
    public var warnings: [String]
    public var generation: GenerationInfo
    public var entries: [WorklistEntry]
    public var csv: String { WorklistOutputs.worklistCSV(entries) }
  }

  public func run() throws -> Listing {
    let store = try SurveillanceStore.openExisting(at: storePath)
    let (generation, entries) = try store.worklist(practice: practice)
    try store.appendAudit(AuditEntry(
      time: time, user: user, reason: reason, nhsPseudonym: nil, outcome: .found, trafficLight: nil, source: "store",
      runID: generation.runID, asOf: generation.asOf, command: AuditEntry.worklistCommand))
    let warnings = try freshness.map { try store.health($0).warnings } ?? []
    return Listing(warnings: warnings, generation: generation, entries: entries)
  }
}
