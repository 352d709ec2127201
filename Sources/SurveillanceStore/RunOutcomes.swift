import GRDB
import SurveillanceCore

/// One nightly run against a store, as the store remembers it: when it started, what it was
/// for, and how it ended. A run that went live also has a generation (`runID`); one that
/// failed says why; one still `running` long after it started was stopped without a word.
public struct RunOutcome: Sendable, Equatable {
  public enum Status: String, Sendable {
    case running, succeeded, failed
  }

  public var id: Int64?
  public var command: String
  /// ISO 8601, UTC.
  public var startedAt: String
  public var finishedAt: String?
  public var asOf: CalendarDate
  public var status: Status
  /// Why it failed, as logged; never an NHS number.
  public var failure: String?
  /// The generation it made current.
  public var runID: Int64?
  public var rowsRead: Int?
  public var rowsRejected: Int?
  public var childrenCount: Int?
  public var signals: Int?
  public var seconds: Double?

  public init(
    id: Int64? = nil, command: String, startedAt: String, finishedAt: String? = nil, asOf: CalendarDate, status: Status,
    failure: String? = nil, runID: Int64? = nil, rowsRead: Int? = nil, rowsRejected: Int? = nil, childrenCount: Int? = nil,
    signals: Int? = nil, seconds: Double? = nil
  ) {
    self.id = id
    self.command = command
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.asOf = asOf
    self.status = status
    self.failure = failure
    self.runID = runID
    self.rowsRead = rowsRead
    self.rowsRejected = rowsRejected
    self.childrenCount = childrenCount
    self.signals = signals
    self.seconds = seconds
  }
}

extension SurveillanceStore {
  /// Records that a run has started and returns its id, for ``finishRun(_:)``.
  public func recordRunStarted(command: String, startedAt: String, asOf: CalendarDate) throws(StoreError) -> Int64 {
    try write { db in
      try db.execute(
        sql: "INSERT INTO runOutcome (command, startedAt, asOf, status) VALUES (?, ?, ?, ?)",
        arguments: [command, startedAt, asOf.description, RunOutcome.Status.running.rawValue])
      return db.lastInsertedRowID
    }
  }

  /// Completes a started run's row with how it ended. The failure text has NHS-number-shaped
  /// strings withheld: it comes from error messages about rows.
  public func finishRun(_ outcome: RunOutcome) throws(StoreError) {
    guard let id = outcome.id else { return }
    try write { db in
      try db.execute(
        sql: """
          UPDATE runOutcome SET finishedAt = ?, status = ?, failure = ?, runId = ?, rowsRead = ?, rowsRejected = ?,
            childrenCount = ?, signals = ?, seconds = ?
          WHERE id = ?
          """,
        arguments: [
          outcome.finishedAt, outcome.status.rawValue, outcome.failure.map(NHSNumber.redacted), outcome.runID, outcome.rowsRead,
          outcome.rowsRejected, outcome.childrenCount, outcome.signals, outcome.seconds, id,
        ])
    }
  }

  /// The most recent runs, newest first.
  public func runOutcomes(limit: Int = 30) throws(StoreError) -> [RunOutcome] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM runOutcome ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.outcome)
    }
  }

  /// The current generation, the last run and the last run that succeeded, read together.
  public func health(today: CalendarDate, staleAfterDays: Int) throws(StoreError) -> StoreHealth {
    try read { db in
      let current = try Self.currentGeneration(db)
      let last = try Row.fetchOne(db, sql: "SELECT * FROM runOutcome ORDER BY id DESC LIMIT 1").map(Self.outcome)
      let lastSuccess = try Row.fetchOne(db, sql: "SELECT * FROM runOutcome WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1").map(
        Self.outcome)
      return StoreHealth(current: current, lastRun: last, lastSuccess: lastSuccess, today: today, staleAfterDays: staleAfterDays)
    }
  }

  private static func outcome(_ row: Row) throws -> RunOutcome {
    let text: String = row["asOf"]
    guard let asOf = CalendarDate(iso: text) else {
      throw StoreError.database(path: "", message: "run outcome \(row["id"] as Int64? ?? 0) has an unreadable report date")
    }
    return RunOutcome(
      id: row["id"], command: row["command"], startedAt: row["startedAt"], finishedAt: row["finishedAt"],
      asOf: asOf,
      status: RunOutcome.Status(rawValue: row["status"]) ?? .failed, failure: row["failure"], runID: row["runId"],
      rowsRead: row["rowsRead"], rowsRejected: row["rowsRejected"], childrenCount: row["childrenCount"], signals: row["signals"],
      seconds: row["seconds"])
  }
}

/// What "current" means for a reader of the store: today's date (the clock belongs to the
/// executable) and how many days old records may be before readers are told they are out of
/// date (`--stale-after`).
public struct FreshnessPolicy: Sendable, Equatable {
  public var today: CalendarDate
  public var staleAfterDays: Int

  public init(today: CalendarDate, staleAfterDays: Int) {
    self.today = today
    self.staleAfterDays = staleAfterDays
  }
}

extension SurveillanceStore {
  /// ``health(today:staleAfterDays:)`` under a policy.
  public func health(_ policy: FreshnessPolicy) throws(StoreError) -> StoreHealth {
    try health(today: policy.today, staleAfterDays: policy.staleAfterDays)
  }
}

/// Whether a store's answers can be trusted as current: how old its generation is, and
/// whether the last nightly run failed or never finished. What `patient`, the reports,
/// `audit` and `status` say at the top, in plain words, before anything else.
public struct StoreHealth: Sendable, Equatable {
  public var current: GenerationInfo?
  public var lastRun: RunOutcome?
  public var lastSuccess: RunOutcome?
  public var today: CalendarDate
  /// Records older than this many days (the report date against today) are called out of date.
  public var staleAfterDays: Int

  public init(current: GenerationInfo?, lastRun: RunOutcome?, lastSuccess: RunOutcome?, today: CalendarDate, staleAfterDays: Int) {
    self.current = current
    self.lastRun = lastRun
    self.lastSuccess = lastSuccess
    self.today = today
    self.staleAfterDays = staleAfterDays
  }

  /// Days from the current generation's report date to today.
  public var ageDays: Int? { current.map { $0.asOf.days(to: today) } }

  public var isStale: Bool { (ageDays ?? Int.max) > staleAfterDays }

  /// The last run failed, or started and did not finish, after the current generation.
  public var lastRunDidNotSucceed: Bool {
    guard let lastRun else { return false }
    return lastRun.status != .succeeded
  }

  public var isHealthy: Bool { current != nil && !isStale && !lastRunDidNotSucceed }

  /// One plain sentence per problem; empty when the store is current.
  public var warnings: [String] {
    var warnings: [String] = []
    guard let current, let ageDays else {
      warnings.append("This store holds no nightly run yet: there are no records to answer from.")
      if let lastRun, lastRun.status != .succeeded { warnings.append(Self.describe(lastRun)) }
      return warnings
    }
    if ageDays > staleAfterDays {
      warnings.append(
        "These records are as of \(current.asOf), \(ageDays) days ago (more than \(staleAfterDays)): "
          + "anything supplied since is not counted. Check that the nightly run is working.")
    }
    if let lastRun, lastRun.status != .succeeded {
      warnings.append(Self.describe(lastRun) + " These records are from the run before it, as of \(current.asOf).")
    }
    return warnings
  }

  static func describe(_ run: RunOutcome) -> String {
    switch run.status {
    case .failed:
      return "The last nightly run (started \(run.startedAt), as of \(run.asOf)) failed: \(run.failure ?? "no reason was recorded")."
    case .running:
      return "The last nightly run (started \(run.startedAt), as of \(run.asOf)) has not finished: it is still running, or it was stopped without recording why."
    case .succeeded:
      return "The last nightly run (started \(run.startedAt), as of \(run.asOf)) succeeded."
    }
  }
}
