import GRDB
import SurveillanceCore

/// One signal of a run as history keeps it, with the status the run gave it.
public struct HistoryRow: Sendable, Equatable {
  public var nhsNumber: NHSNumber
  public var sighting: SignalSighting
  public var status: SignalStatus
  /// The severity in the run compared against, when it fired then.
  public var previousSeverity: Severity?
  public var dateOfBirth: CalendarDate?

  public init(nhsNumber: NHSNumber, sighting: SignalSighting, status: SignalStatus, previousSeverity: Severity?, dateOfBirth: CalendarDate?) {
    self.nhsNumber = nhsNumber
    self.sighting = sighting
    self.status = status
    self.previousSeverity = previousSeverity
    self.dateOfBirth = dateOfBirth
  }
}

/// The history a nightly run is compared against, and where it came from.
public struct StoredHistory: Sendable {
  public var history: SignalHistory
  /// The run whose signals are the baseline; `nil` for a store without an earlier run.
  public var baselineRunID: Int64?
}

/// What `review` records: who looked at which signal, with what outcome.
public struct ReviewRequest: Sendable {
  public var nhsNumber: NHSNumber
  public var ruleID: String
  public var outcome: String
  public var leavesWorklist: Bool
  public var until: CalendarDate?
  public var note: String?
  public var user: String
  public var reason: String
  /// ISO 8601, UTC.
  public var time: String

  public init(
    nhsNumber: NHSNumber, ruleID: String, outcome: String, leavesWorklist: Bool, until: CalendarDate?, note: String?, user: String,
    reason: String, time: String
  ) {
    self.nhsNumber = nhsNumber
    self.ruleID = ruleID
    self.outcome = outcome
    self.leavesWorklist = leavesWorklist
    self.until = until
    self.note = note
    self.user = user
    self.reason = reason
    self.time = time
  }
}

extension SurveillanceStore {
  /// The signals of the last finished run dated before `asOf` (a rerun of the same night is
  /// compared with the night before, not with itself), and the latest review of each signal.
  public func signalHistory(before asOf: CalendarDate) throws(StoreError) -> StoredHistory {
    try read { db in
      let baseline = try Row.fetchOne(
        db, sql: "SELECT runId, asOf FROM signalHistoryRun WHERE asOf < ? ORDER BY asOf DESC, runId DESC LIMIT 1", arguments: [asOf.description])
      var sightings: [NHSNumber: [SignalSighting]] = [:]
      var baselineAsOf: CalendarDate?
      var datesOfBirth: [NHSNumber: CalendarDate] = [:]
      let baselineRunID: Int64? = baseline?["runId"]
      if let baseline, let runID = baselineRunID {
        baselineAsOf = CalendarDate(iso: baseline["asOf"] as String)
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM signalHistory WHERE runId = ? ORDER BY nhsNumber, ruleId", arguments: [runID])
        while let row = try rows.next() {
          guard let nhs = NHSNumber(row["nhsNumber"] as String) else { throw Self.unreadableHistory("signalHistory.nhsNumber") }
          sightings[nhs, default: []].append(try Self.sighting(row))
          if let birth = (row["dateOfBirth"] as String?).flatMap({ CalendarDate(iso: $0) }) { datesOfBirth[nhs] = birth }
        }
      }
      var reviews: [NHSNumber: [SignalReview]] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT * FROM signalReview ORDER BY id") {
        guard let nhs = NHSNumber(row["nhsNumber"] as String) else { throw Self.unreadableHistory("signalReview.nhsNumber") }
        let review = try Self.review(row)
        // Later reviews replace earlier ones of the same signal.
        reviews[nhs, default: []].removeAll { $0.ruleID == review.ruleID }
        reviews[nhs, default: []].append(review)
      }
      return StoredHistory(history: SignalHistory(baselineAsOf: baselineAsOf, sightings: sightings, reviews: reviews, datesOfBirth: datesOfBirth), baselineRunID: baselineRunID)
    }
  }

  /// One child's history in the current generation: for `patient` and `report child --store`.
  /// Empty for a generation written before history was kept.
  public func signalHistory(of nhsNumber: NHSNumber) throws(StoreError) -> ChildSignalHistory {
    try read { db in
      var sightings: [String: (status: SignalStatus, sighting: SignalSighting)] = [:]
      if let generation = try Self.currentGeneration(db) {
        for row in try Row.fetchAll(
          db, sql: "SELECT * FROM signalHistory WHERE runId = ? AND nhsNumber = ?", arguments: [generation.runID, nhsNumber.description])
        {
          guard let status = SignalStatus(rawValue: row["status"]) else { throw Self.unreadableHistory("signalHistory.status") }
          sightings[row["ruleId"]] = (status, try Self.sighting(row))
        }
      }
      let reviews = try Row.fetchAll(db, sql: "SELECT * FROM signalReview WHERE nhsNumber = ? ORDER BY id", arguments: [nhsNumber.description])
        .map(Self.review)
      return ChildSignalHistory(sightings: sightings, reviews: reviews)
    }
  }

  /// Records a review of a signal that fires in the current generation, and its audit entry,
  /// in one transaction: a review that is not audited is not recorded. The audit entry holds
  /// the keyed hash (`pseudonym`), never the NHS number; the review itself is keyed by the
  /// number, as every patient table of the store is.
  public func recordReview(_ request: ReviewRequest, pseudonym: String) throws(StoreError) -> (review: SignalReview, generation: GenerationInfo) {
    let path = self.path
    let (review, generation, seal) = try write { db -> (SignalReview, GenerationInfo, AuditSeal) in
      guard let generation = try Self.currentGeneration(db) else { throw StoreError.noGeneration(path: path) }
      let nhs = request.nhsNumber.description
      guard
        let signal = try Row.fetchOne(
          db, sql: "SELECT severity FROM signal WHERE runId = ? AND nhsNumber = ? AND ruleId = ?", arguments: [generation.runID, nhs, request.ruleID])
      else {
        let firing = try String.fetchAll(db, sql: "SELECT ruleId FROM signal WHERE runId = ? AND nhsNumber = ? ORDER BY position", arguments: [generation.runID, nhs])
        throw StoreError.signalNotFiring(ruleID: request.ruleID, asOf: generation.asOf, firing: firing)
      }
      guard
        let sightingRow = try Row.fetchOne(
          db, sql: "SELECT * FROM signalHistory WHERE runId = ? AND nhsNumber = ? AND ruleId = ?", arguments: [generation.runID, nhs, request.ruleID])
      else { throw StoreError.generationKeepsNoHistory(path: path, asOf: generation.asOf) }
      let sighting = try Self.sighting(sightingRow)
      guard let severity = Severity(rawValue: signal["severity"]) else { throw Self.unreadableHistory("signal.severity") }
      let review = SignalReview(
        ruleID: request.ruleID, outcome: request.outcome, leavesWorklist: request.leavesWorklist, reviewedAt: request.time,
        generationAsOf: generation.asOf, firstSeen: sighting.firstSeen, severity: severity, evidenceThrough: sighting.evidenceThrough,
        until: request.until)
      try db.execute(
        sql: """
          INSERT INTO signalReview (nhsNumber, ruleId, outcome, leavesWorklist, reviewedAt, user, reason, note, until, runId, generationAsOf,
            firstSeen, severity, evidenceThrough)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          nhs, request.ruleID, request.outcome, request.leavesWorklist, request.time, request.user, request.reason, request.note,
          request.until?.description, generation.runID, generation.asOf.description, sighting.firstSeen.description, severity.rawValue,
          sighting.evidenceThrough?.description,
        ])
      try db.execute(
        sql: """
          INSERT INTO audit (time, user, reason, nhsPseudonym, outcome, trafficLight, source, runId, asOf, command, signal, reviewOutcome)
          VALUES (?, ?, ?, ?, ?, NULL, 'store', ?, ?, ?, ?, ?)
          """,
        arguments: [
          request.time, request.user, request.reason, pseudonym, AuditOutcome.reviewed.rawValue, generation.runID, generation.asOf.description,
          AuditEntry.reviewCommand, request.ruleID, request.outcome,
        ])
      return (review, generation, try AuditSeal.current(db))
    }
    try seal.write(besideDatabaseIn: path)
    return (review, generation)
  }

  // MARK: Rows to values

  static func sighting(_ row: Row) throws -> SignalSighting {
    guard let severity = Severity(rawValue: row["severity"]), let firstSeen = CalendarDate(iso: row["firstSeen"] as String) else {
      throw unreadableHistory("signalHistory")
    }
    return SignalSighting(
      ruleID: row["ruleId"], severity: severity, firstSeen: firstSeen,
      evidenceThrough: (row["evidenceThrough"] as String?).flatMap { CalendarDate(iso: $0) })
  }

  static func review(_ row: Row) throws -> SignalReview {
    guard
      let severity = Severity(rawValue: row["severity"]), let firstSeen = CalendarDate(iso: row["firstSeen"] as String),
      let asOf = CalendarDate(iso: row["generationAsOf"] as String)
    else { throw unreadableHistory("signalReview") }
    return SignalReview(
      ruleID: row["ruleId"], outcome: row["outcome"], leavesWorklist: row["leavesWorklist"], reviewedAt: row["reviewedAt"],
      generationAsOf: asOf, firstSeen: firstSeen, severity: severity,
      evidenceThrough: (row["evidenceThrough"] as String?).flatMap { CalendarDate(iso: $0) },
      until: (row["until"] as String?).flatMap { CalendarDate(iso: $0) })
  }

  static func unreadableHistory(_ what: String) -> StoreError {
    .database(path: "", message: "\(what) holds a value this tool cannot read")
  }
}

extension GenerationSession {
  /// Says that this generation keeps signal history, compared with `baselineRunID`'s; its rows
  /// come through ``appendHistory(_:)`` and go live with the generation in ``finish(manifest:rejects:writtenAt:)``.
  public func keepHistory(asOf: CalendarDate, comparedWith baselineRunID: Int64?) {
    keepsHistory = true
    historyAsOf = asOf
    historyBaselineRunID = baselineRunID
  }

  /// Writes one batch of this run's signals to history, invisible until the generation is finished.
  public func appendHistory(_ rows: [HistoryRow]) throws(StoreError) {
    precondition(keepsHistory, "keepHistory(asOf:comparedWith:) comes first")
    guard !rows.isEmpty else { return }
    let runID = runID
    for start in stride(from: 0, to: rows.count, by: writer.batchRows) {
      let batch = rows[start..<min(rows.count, start + writer.batchRows)]
      try writer.store.write { db in
        let statement = try db.makeStatement(sql: """
          INSERT INTO signalHistory (runId, nhsNumber, ruleId, severity, firstSeen, evidenceThrough, status, previousSeverity, dateOfBirth)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          """)
        for row in batch {
          try statement.execute(arguments: [
            runID, row.nhsNumber.description, row.sighting.ruleID, row.sighting.severity.rawValue, row.sighting.firstSeen.description,
            row.sighting.evidenceThrough?.description, row.status.rawValue, row.previousSeverity?.rawValue, row.dateOfBirth?.description,
          ])
        }
      }
    }
    sightings += rows.count
  }

  /// In the transaction that makes the generation current: its history becomes readable.
  func completeHistory(_ db: Database) throws {
    try db.execute(
      sql: "INSERT INTO signalHistoryRun (runId, asOf, signals, baselineRunId) VALUES (?, ?, ?, ?)",
      arguments: [runID, historyAsOf?.description, sightings, historyBaselineRunID])
  }

  /// Keeps this run's snapshot and the one it was compared against (a rerun of the same night
  /// is compared with it again); drops the rest, and rows of runs that never finished.
  func dropUnusedHistory() throws(StoreError) {
    // A run for an earlier date (a backfill) keeps the latest night's too, so that the next
    // night is compared with the night before it.
    let keep = [runID, historyBaselineRunID ?? runID]
    let latest = "(SELECT runId FROM signalHistoryRun ORDER BY asOf DESC, runId DESC LIMIT 1)"
    try writer.store.write { db in
      try db.execute(sql: "DELETE FROM signalHistory WHERE runId NOT IN (?, ?) AND runId IS NOT \(latest)", arguments: StatementArguments(keep))
      try db.execute(sql: "DELETE FROM signalHistoryRun WHERE runId NOT IN (?, ?) AND runId IS NOT \(latest)", arguments: StatementArguments(keep))
    }
  }
}

extension SurveillanceStore {
  /// Tonight's worklist from the current generation, with every review recorded since the run
  /// applied (so a signal just reviewed is gone from it), ranked as `worklist.csv` is.
  /// `practice` keeps one practice's children.
  public func worklist(practice: String?) throws(StoreError) -> (generation: GenerationInfo, entries: [WorklistEntry]) {
    let path = self.path
    return try read { db in
      guard let generation = try Self.currentGeneration(db) else { throw StoreError.noGeneration(path: path) }
      guard try Bool.fetchOne(db, sql: "SELECT 1 FROM signalHistoryRun WHERE runId = ?", arguments: [generation.runID]) != nil else {
        throw StoreError.generationKeepsNoHistory(path: path, asOf: generation.asOf)
      }
      var reviews: [String: [SignalReview]] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT * FROM signalReview ORDER BY id") {
        reviews[row["nhsNumber"], default: []].append(try Self.review(row))
      }
      let rows = try Row.fetchCursor(
        db,
        sql: """
          SELECT s.nhsNumber, s.ruleId, s.title, s.severity, h.status, h.firstSeen, h.evidenceThrough, h.previousSeverity, c.practiceCode, c.ageYears,
            c.safeguardingPlanType, c.safeguardingActive, c.safeguardingStart, c.safeguardingEnd, c.safeguardingSourceFile, c.safeguardingSourceLine
          FROM signal s
          JOIN signalHistory h ON h.runId = s.runId AND h.nhsNumber = s.nhsNumber AND h.ruleId = s.ruleId
          JOIN child c ON c.runId = s.runId AND c.nhsNumber = s.nhsNumber
          WHERE s.runId = ?\(practice == nil ? "" : " AND c.practiceCode = ?")
          ORDER BY s.nhsNumber, s.position
          """,
        arguments: StatementArguments([generation.runID] + (practice.map { [$0] } ?? [])))
      var entries: [WorklistEntry] = []
      var current: (nhs: String, row: Row, items: [WorklistEntry.Item])?
      func close() throws {
        guard let child = current, let nhs = NHSNumber(child.nhs) else { return }
        // The worklist needs the plan's type, dates and whether it is active, as the child row has them.
        let context = try Self.safeguardingContext(child.row, plans: [], nhs: nhs)
        if let entry = WorklistEntry(
          nhsNumber: nhs, practiceCode: child.row["practiceCode"], ageYears: child.row["ageYears"], safeguarding: context, signals: child.items)
        {
          entries.append(entry)
        }
      }
      while let row = try rows.next() {
        let nhs: String = row["nhsNumber"]
        if current?.nhs != nhs {
          try close()
          current = (nhs, row.copy(), [])
        }
        guard let severity = Severity(rawValue: row["severity"]), let status = SignalStatus(rawValue: row["status"]),
          let firstSeen = CalendarDate(iso: row["firstSeen"] as String)
        else { throw Self.unreadableHistory("signal or signalHistory") }
        let ruleID: String = row["ruleId"]
        let evidenceThrough = (row["evidenceThrough"] as String?).flatMap { CalendarDate(iso: $0) }
        let review = reviews[nhs]?.last { $0.ruleID == ruleID && $0.firstSeen == firstSeen }
        let reviewed = SignalHistory.apply(review, to: status, severity: severity, evidenceThrough: evidenceThrough, asOf: generation.asOf)
        let standing = SignalStanding(
          status: reviewed.status, firstSeen: firstSeen, evidenceThrough: evidenceThrough,
          previousSeverity: (row["previousSeverity"] as String?).flatMap(Severity.init(rawValue:)), review: review,
          coveredByReview: reviewed.covered)
        current!.items.append(WorklistEntry.Item(ruleID: ruleID, title: row["title"], severity: severity, standing: standing))
      }
      try close()
      return (generation, WorklistEntry.ranked(entries))
    }
  }
}
