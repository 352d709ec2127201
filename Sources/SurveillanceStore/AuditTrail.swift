import Crypto
import Foundation
import GRDB
import SurveillanceCore

#if canImport(Glibc)
  import Glibc
#endif

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
  /// A clinician recorded a review of one of the child's signals (`review`).
  case reviewed
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
  /// months), `report child` (the whole chronology, written to a file) or
  /// `report area --identify` (an area report naming children).
  public var command: String
  /// For a review: the signal's rule id and the outcome recorded; `nil` for look-ups.
  public var signal: String?
  public var reviewOutcome: String?

  public static let patientCommand = "patient"
  public static let reviewCommand = "review"
  /// A worklist read from the store (`worklist`): it names children, not one child.
  public static let worklistCommand = "worklist"
  public static let reportChildCommand = "report child"
  /// An area report naming children (`report area --identify`); it names no one child, so
  /// its entry has no keyed hash.
  public static let reportAreaIdentifiedCommand = "report area --identify"

  public init(
    id: Int64? = nil, time: String, user: String, reason: String, nhsPseudonym: String?, outcome: AuditOutcome,
    trafficLight: String?, source: String, runID: Int64?, asOf: CalendarDate?, command: String = AuditEntry.patientCommand,
    signal: String? = nil, reviewOutcome: String? = nil
  ) {
    self.signal = signal
    self.reviewOutcome = reviewOutcome
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
  ///
  /// After the entry commits, the seal beside the database (``AuditSeal``) records how many
  /// entries the trail holds and a hash of the last, so that entries lost with the database's
  /// write-ahead log are found when the store is next opened.
  public func appendAudit(_ entry: AuditEntry) throws(StoreError) {
    let seal = try write { db in
      try db.execute(
        sql: """
          INSERT INTO audit (time, user, reason, nhsPseudonym, outcome, trafficLight, source, runId, asOf, command)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          entry.time, entry.user, entry.reason, entry.nhsPseudonym, entry.outcome.rawValue, entry.trafficLight, entry.source,
          entry.runID, entry.asOf?.description, entry.command,
        ])
      return try AuditSeal.current(db)
    }
    try seal.write(besideDatabaseIn: path)
  }

  /// Checks the trail against its seal: every entry sealed is still there, the last one
  /// unchanged. A store sealed before by an older binary gets its first seal.
  func checkAuditSeal() throws(StoreError) {
    let current = try read { db in try AuditSeal.current(db) }
    guard let sealed = AuditSeal.read(besideDatabaseIn: path) else {
      if current.count > 0 { try current.write(besideDatabaseIn: path) }
      return
    }
    guard current.count >= sealed.count else {
      throw .auditEntriesLost(path: path, sealed: sealed.count, found: current.count)
    }
    let hash = try read { db in try AuditSeal.hash(ofEntry: sealed.count, db) }
    guard hash == sealed.lastHash else { throw .auditTrailChanged(path: path, entry: sealed.count) }
  }

  /// The whole trail, oldest first.
  public func auditEntries() throws(StoreError) -> [AuditEntry] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id").map { row in
        AuditEntry(
          id: row["id"], time: row["time"], user: row["user"], reason: row["reason"], nhsPseudonym: row["nhsPseudonym"],
          outcome: AuditOutcome(rawValue: row["outcome"]) ?? .failed, trafficLight: row["trafficLight"], source: row["source"],
          runID: row["runId"], asOf: (row["asOf"] as String?).flatMap { CalendarDate(iso: $0) }, command: row["command"],
          signal: row["signal"], reviewOutcome: row["reviewOutcome"])
      }
    }
  }
}

/// The audit trail's seal: how many entries it holds and a hash of the last, kept in a small
/// file beside the database (`audit.seal`) and written after every entry.
///
/// Why outside the database: entries lost with the database, such as those still in a
/// write-ahead log that someone deleted, take any count kept inside it with them.
struct AuditSeal: Equatable {
  static let fileName = "audit.seal"
  var count: Int
  var lastHash: String

  static func current(_ db: Database) throws -> AuditSeal {
    let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit") ?? 0
    return AuditSeal(count: count, lastHash: try hash(ofEntry: count, db))
  }

  /// SHA-256 of the `number`th entry (1-based, by id) as stored; empty for none.
  static func hash(ofEntry number: Int, _ db: Database) throws -> String {
    guard number > 0, let row = try Row.fetchOne(db, sql: "SELECT * FROM audit ORDER BY id LIMIT 1 OFFSET ?", arguments: [number - 1]) else {
      return ""
    }
    var fields = ["id", "time", "user", "reason", "nhsPseudonym", "outcome", "trafficLight", "source", "runId", "asOf", "command"]
    // A review's signal and outcome are sealed too; look-ups, which have neither, hash as before.
    for field in ["signal", "reviewOutcome"] where !((row[field] as DatabaseValue?) ?? .null).isNull { fields.append(field) }
    let text = fields.map { (row[$0] as DatabaseValue).description }.joined(separator: "\u{1F}")
    return SHA256.hash(data: Data(text.utf8)).lowercaseHex
  }

  static func read(besideDatabaseIn directory: String) -> AuditSeal? {
    guard let text = try? String(contentsOfFile: directory + "/" + fileName, encoding: .utf8) else { return nil }
    let parts = text.split(whereSeparator: \.isWhitespace)
    guard parts.count == 4, parts[0] == "count", let count = Int(parts[1]), parts[2] == "last" else { return nil }
    return AuditSeal(count: count, lastHash: String(parts[3]))
  }

  /// Written to a temporary name, flushed and renamed, owner-only.
  func write(besideDatabaseIn directory: String) throws(StoreError) {
    let final = directory + "/" + Self.fileName
    let temporary = final + ".tmp-\(getpid())"
    let text = "count \(count) last \(lastHash.isEmpty ? "-" : lastHash)\n"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard descriptor >= 0 else { throw .cannotCreate(path: final, reason: String(cString: strerror(errno))) }
    let written = text.withCString { Glibc.write(descriptor, $0, strlen($0)) }
    let synced = fsync(descriptor)
    close(descriptor)
    guard written == text.utf8.count, synced == 0, rename(temporary, final) == 0 else {
      unlink(temporary)
      throw .cannotCreate(path: final, reason: String(cString: strerror(errno)))
    }
  }
}
