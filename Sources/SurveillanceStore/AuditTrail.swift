import GRDB
import SurveillanceCore

/// What a look-up found, as the audit trail records it.
public enum AuditOutcome: String, Sendable, CaseIterable {
  /// The child's record was shown.
  case found
  /// The records hold nothing about this child; that was shown.
  case noRecord = "no_record"
  /// The text given was not a valid NHS number; nothing was looked up.
  case invalidNHSNumber = "invalid_nhs_number"
  /// The look-up could not be completed (no generation yet, unreadable exports).
  case failed
}

/// One look-up of one child's record: who, when, why, which child (as a keyed hash) and
/// what they saw. Governance asks who looked up which child and why; the keyed hash lets an
/// auditor who holds the key answer "who looked at this child?" without the trail itself
/// holding an NHS number.
public struct AuditEntry: Sendable, Equatable {
  public var id: Int64?
  /// ISO 8601, UTC.
  public var time: String
  public var user: String
  public var reason: String
  /// The pseudonym of the NHS number looked up; `nil` when the text was not an NHS number.
  public var nhsPseudonym: String?
  public var outcome: AuditOutcome
  /// RED, AMBER or GREEN when a record was shown.
  public var trafficLight: String?
  /// `store` for a nightly generation, `exports` for CSV files read at the counter.
  public var source: String
  /// The generation that answered, for store look-ups.
  public var runID: Int64?
  public var asOf: CalendarDate?
  /// Which command looked: `patient` (a check at the counter: the signals and the last 12
  /// months) or `report child` (the whole chronology, written to a file).
  public var command: String

  public static let patientCommand = "patient"
  public static let reportChildCommand = "report child"

  public init(
    id: Int64? = nil, time: String, user: String, reason: String, nhsPseudonym: String?, outcome: AuditOutcome,
    trafficLight: String?, source: String, runID: Int64?, asOf: CalendarDate?, command: String = AuditEntry.patientCommand
  ) {
    self.id = id
    self.time = time
    self.user = user
    self.reason = reason
    self.nhsPseudonym = nhsPseudonym
    self.outcome = outcome
    self.trafficLight = trafficLight
    self.source = source
    self.runID = runID
    self.asOf = asOf
    self.command = command
  }
}

extension SurveillanceStore {
  /// Appends one entry, durably, before the record is shown: a look-up whose entry cannot be
  /// written must not show anything.
  public func appendAudit(_ entry: AuditEntry) throws(StoreError) {
    try write { db in
      try db.execute(
        sql: """
          INSERT INTO audit (time, user, reason, nhsPseudonym, outcome, trafficLight, source, runId, asOf, command)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          entry.time, entry.user, entry.reason, entry.nhsPseudonym, entry.outcome.rawValue, entry.trafficLight, entry.source,
          entry.runID, entry.asOf?.description, entry.command,
        ])
    }
  }

  /// The whole trail, oldest first.
  public func auditEntries() throws(StoreError) -> [AuditEntry] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id").map { row in
        AuditEntry(
          id: row["id"], time: row["time"], user: row["user"], reason: row["reason"], nhsPseudonym: row["nhsPseudonym"],
          outcome: AuditOutcome(rawValue: row["outcome"]) ?? .failed, trafficLight: row["trafficLight"], source: row["source"],
          runID: row["runId"], asOf: (row["asOf"] as String?).flatMap { CalendarDate(iso: $0) }, command: row["command"])
      }
    }
  }
}
