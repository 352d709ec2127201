import Foundation
import GRDB
import SurveillanceCore

/// What one nightly run puts in the store: its manifest, every evaluated child with the
/// timeline behind the figures, and the rejected rows.
public struct GenerationContents: Sendable {
  public var manifest: RunManifest
  public var children: [EvaluatedChild]
  public var rejects: [RejectedRow]

  public init(manifest: RunManifest, children: [EvaluatedChild], rejects: [RejectedRow]) {
    self.manifest = manifest
    self.children = children
    self.rejects = rejects
  }
}

/// What writing a generation did.
public struct GenerationReport: Sendable {
  public var runID: Int64
  public var rows: Int
  public var seconds: Double
  /// Earlier generations removed once this one became current, and unfinished ones left by
  /// a killed run.
  public var prunedRuns: Int
}

extension SurveillanceStore {
  /// Writes a run as a new generation and makes it the one readers see, in one atomic flip;
  /// then removes older generations.
  ///
  /// Readers never see half a run: rows are written under the new run's id while `currentRun`
  /// still names the previous run, and a short final transaction checks the rows arrived and
  /// moves the pointer. A run that fails or is killed before that leaves the previous
  /// generation current; its partial rows are removed now or by the next run.
  ///
  /// Rows go in batches of short transactions rather than one long one so that a
  /// pharmacist's look-up, which appends to the audit trail, never waits for a whole nightly
  /// load (minutes for an area) to get the write lock.
  ///
  /// `lock` is the store's writer lock (``lockForWriting(for:wait:)``), held for the whole
  /// run: only one run writes generations at a time, so the partial generations this one
  /// removes are never another run's rows.
  ///
  /// `progress` is told the children written so far and in all after each batch, for a
  /// person watching a terminal.
  public func replaceGeneration(
    with contents: GenerationContents, writtenAt: String, holding lock: RunLock, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws(StoreError) -> GenerationReport {
    guard lock.path == writerLockPath, lock.isHeld else { throw .database(path: path, message: "a generation is written only under the store's writer lock") }
    var writer = GenerationWriter(store: self)
    writer.progress = progress
    return try writer.write(contents, writtenAt: writtenAt)
  }

  /// Starts a generation to be written as children are finished, so that a run holds a batch
  /// of timelines rather than the area's: ``GenerationSession/append(_:)`` as each batch is
  /// evaluated, then ``GenerationSession/finish(manifest:rejects:writtenAt:)`` to make it current,
  /// or ``GenerationSession/abandon()`` to remove it. Nothing is visible to readers before
  /// `finish`; the guarantees are those of ``replaceGeneration(with:writtenAt:holding:progress:)``.
  ///
  /// `manifest` is the run as known when it starts (its inputs may change, its counts will):
  /// `finish` writes the final one. `expectedChildren` is for the progress line only.
  public func beginGeneration(
    _ manifest: RunManifest, holding lock: RunLock, expectedChildren: Int, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws(StoreError) -> GenerationSession {
    guard lock.path == writerLockPath, lock.isHeld else { throw .database(path: path, message: "a generation is written only under the store's writer lock") }
    var writer = GenerationWriter(store: self)
    writer.progress = progress
    return try writer.begin(manifest, expectedChildren: expectedChildren)
  }

  /// The lock file that one writer at a time holds.
  public var writerLockPath: String { URL(fileURLWithPath: path).appendingPathComponent("writer.lock").path }

  /// Takes the store's writer lock, waiting up to `wait` seconds for another run to finish.
  public func lockForWriting(for purpose: String, wait: Double = 0) throws(RunLockError) -> RunLock {
    try RunLock.acquire(at: writerLockPath, for: purpose, wait: wait)
  }
}

/// The batched writer behind ``SurveillanceStore/replaceGeneration(with:writtenAt:)`` and
/// ``SurveillanceStore/beginGeneration(_:holding:expectedChildren:progress:)``.
struct GenerationWriter {
  let store: SurveillanceStore
  /// Rows per transaction: small enough that a waiting look-up waits milliseconds.
  var batchRows = 5_000
  /// For tests: fail once this many rows are written, as a full disk or a crash would.
  var failAfterRows: Int?
  /// For tests: `false` leaves the partial rows behind, as a killed process does.
  var cleanUpAfterFailure = true
  /// Children written so far, and in all, after each batch.
  var progress: (@Sendable (Int, Int) -> Void)?

  func write(_ contents: GenerationContents, writtenAt: String) throws(StoreError) -> GenerationReport {
    let session = try begin(contents.manifest, expectedChildren: contents.children.count)
    do {
      try session.append(contents.children)
      return try session.finish(manifest: contents.manifest, rejects: contents.rejects, writtenAt: writtenAt)
    } catch {
      session.abandon()
      throw error
    }
  }

  /// Starts a generation under a new run id that no reader sees until ``GenerationSession/finish(manifest:rejects:writtenAt:)``.
  func begin(_ manifest: RunManifest, expectedChildren: Int) throws(StoreError) -> GenerationSession {
    let start = ContinuousClock.now
    // Partial generations from killed runs first: they only take space.
    let pruned = try prune(try store.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM run WHERE state != 'current'") })
    let runID = try store.write { db in try Self.insertRun(manifest, db: db) }
    return GenerationSession(
      writer: self, runID: runID, expectedChildren: expectedChildren, prunedBefore: pruned, secondsSoFar: Self.seconds(ContinuousClock.now - start))
  }
  static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
  }

  // MARK: Rows

  /// Children's rows in batches of short transactions; returns the rows written.
  func writeChildren(_ children: [EvaluatedChild], runID: Int64, rowsBefore: Int, childrenBefore: Int, expectedChildren: Int) throws(StoreError) -> Int {
    let childSQL = Self.childInsertSQL
    var written = 0
    var next = 0
    while next < children.count {
      written += try store.write { db in
        var rows = 0
        while next < children.count, rows < batchRows {
          rows += try Self.insert(children[next], runID: runID, childSQL: childSQL, db: db)
          next += 1
          try checkInjectedFailure(rowsBefore + written + rows)
        }
        return rows
      }
      progress?(childrenBefore + next, max(expectedChildren, childrenBefore + next))
    }
    return written
  }

  /// The run's rejected rows, in batches; returns how many.
  func writeRejects(_ rejects: [RejectedRow], runID: Int64, rowsBefore: Int) throws(StoreError) -> Int {
    var written = 0
    var nextReject = 0
    while nextReject < rejects.count {
      written += try store.write { db in
        var rows = 0
        let statement = try db.cachedStatement(
          sql: "INSERT INTO reject (runId, position, sourceFile, sourceLine, reason, detail, originalFields) VALUES (?, ?, ?, ?, ?, ?, ?)")
        while nextReject < rejects.count, rows < batchRows {
          let reject = rejects[nextReject]
          try statement.execute(arguments: [
            runID, nextReject, Int(reject.source.file), Int(reject.source.line), reject.reason.rawValue, reject.detail,
            StoreJSON.array(of: reject.fields),
          ])
          nextReject += 1
          rows += 1
          try checkInjectedFailure(rowsBefore + written + rows)
        }
        return rows
      }
    }
    return written
  }

  func checkInjectedFailure(_ rows: Int) throws {
    if let failAfterRows, rows >= failAfterRows { throw StoreError.injectedFailure(afterRows: failAfterRows) }
  }

  private static let childInsertSQL: String = {
    let columns = ["runId", "nhsNumber", "dateOfBirth", "conflictingDatesOfBirth", "ageYears", "practiceCode"]
      + ChildrenTable.columns.map { StoreSchema.figureColumn($0.name) }
      + [
        "signalCount", "highestSeverity", "safeguardingPlanType", "safeguardingActive", "safeguardingStart", "safeguardingEnd",
        "safeguardingSourceFile", "safeguardingSourceLine", "actionPlanState", "actionPlanLastPlan", "actionPlanReviewDue",
        "actionPlanSourceFile", "actionPlanSourceLine",
      ]
    let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
    return "INSERT INTO child (\(columns.joined(separator: ", "))) VALUES (\(marks))"
  }()

  /// One child's rows; returns how many.
  private static func insert(_ child: EvaluatedChild, runID: Int64, childSQL: String, db: Database) throws -> Int {
    let summary = child.summary
    let timeline = child.timeline
    let nhs = summary.nhsNumber.description
    let context = summary.safeguarding
    let plan = summary.actionPlan
    let record = child.record
    let conflicting = record.conflictingDatesOfBirth.isEmpty ? nil : StoreJSON.array(of: record.conflictingDatesOfBirth.map(\.description))
    var values: [(any DatabaseValueConvertible)?] = [runID, nhs, record.dateOfBirth?.description, conflicting, summary.ageYears, summary.practiceCode]
    values += summary.figures.map { $0.value }
    values += [
      summary.signals.count, summary.highestSeverity?.rawValue, context?.plan.type.rawValue, context?.isActive,
      context?.plan.start.description, context?.plan.end?.description, context.map { Int($0.plan.source.file) },
      context.map { Int($0.plan.source.line) }, plan.state.rawValue, plan.lastPlanDate?.description,
      plan.reviewDue?.description, plan.source.map { Int($0.file) }, plan.source.map { Int($0.line) },
    ]
    try db.cachedStatement(sql: childSQL).execute(arguments: StatementArguments(values))
    var rows = 1

    // The record: every row as read. What follows it (reconciled supplies, signals) is what
    // the run made of it.
    let rowStatement = try db.cachedStatement(sql: """
      INSERT INTO recordRow (runId, nhsNumber, position, side, date, dateOfBirth, siteCode, productKey, drugName, quantity,
        quantityUnit, devices, role, classId, containsIcs, dosesPerDevice, unitsPerDevice, daysPerDevice, minimumAgeYears,
        matchedBy, prescriptionId, supplyType, issueType, sourceFile, sourceLine)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """)
    for (position, row) in record.supplies.enumerated() {
      let product = row.product
      let values: [(any DatabaseValueConvertible)?] = [
        runID, nhs, position, row.side.rawValue, row.date.description, row.dateOfBirth?.description, row.siteCode, row.productKey,
        row.drugName, row.quantity, row.quantityUnit?.rawValue, row.devices, product.role.rawValue, product.classID,
        product.containsICS, product.dosesPerDevice, product.unitsPerDevice, product.daysPerDevice, product.minimumAgeYears,
        product.matchedBy.rawValue, row.prescriptionID, row.supplyType?.rawValue, row.issueType, Int(row.source.file),
        Int(row.source.line),
      ]
      try rowStatement.execute(arguments: StatementArguments(values))
      rows += 1
    }

    let supplyStatement = try db.cachedStatement(sql: """
      INSERT INTO supply (runId, nhsNumber, position, status, date, role, devices, classId, productKey, drugName, quantity,
        quantityUnit, supplyType, prescriptionId, practiceCode, issueDate, issueSourceFile, issueSourceLine, pharmacyCode,
        dispensingSourceFile, dispensingSourceLine, containsIcs, dosesPerDevice, unitsPerDevice, daysPerDevice, matchedBy,
        prescriptionIdSide, issueProduct, minimumAgeYears)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """)
    for (position, event) in timeline.supplies.enumerated() {
      let supply = StoredSupply(event)
      let product = event.primary.product
      let values: [(any DatabaseValueConvertible)?] = [
        runID, nhs, position, supply.status.rawValue, supply.date.description, supply.role.rawValue, supply.devices,
        supply.classID, supply.productKey, supply.drugName, supply.quantity, supply.quantityUnit?.rawValue,
        supply.supplyType?.rawValue, supply.prescriptionID, supply.practiceCode, supply.issueDate?.description,
        supply.issueSource.map { Int($0.file) }, supply.issueSource.map { Int($0.line) }, supply.pharmacyCode,
        supply.dispensingSource.map { Int($0.file) }, supply.dispensingSource.map { Int($0.line) },
        product.containsICS, product.dosesPerDevice, product.unitsPerDevice, product.daysPerDevice, product.matchedBy.rawValue,
        supply.prescriptionIDSide?.rawValue, supply.issueItem.map { StoreJSON.supplyItem($0, against: SupplyItem(event.primary)) },
        product.minimumAgeYears,
      ]
      try supplyStatement.execute(arguments: StatementArguments(values))
      rows += 1
    }

    let planStatement = try db.cachedStatement(sql: """
      INSERT INTO safeguardingPlan (runId, nhsNumber, position, planType, category, startDate, endDate, localAuthority, sourceFile, sourceLine)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """)
    for (position, plan) in Self.ordered(record.plans).enumerated() {
      try planStatement.execute(arguments: [
        runID, nhs, position, plan.type.rawValue, plan.category, plan.start.description, plan.end?.description,
        plan.localAuthority, Int(plan.source.file), Int(plan.source.line),
      ])
      rows += 1
    }

    let eventStatement = try db.cachedStatement(sql: """
      INSERT INTO careEvent (runId, nhsNumber, position, date, type, snomedCode, nextReviewDue, sourceFile, sourceLine)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      """)
    for (position, event) in Self.ordered(record.events).enumerated() {
      try eventStatement.execute(arguments: [
        runID, nhs, position, event.date.description, event.type.rawValue, event.snomedCode, event.nextReviewDue?.description,
        Int(event.source.file), Int(event.source.line),
      ])
      rows += 1
    }

    let signalStatement = try db.cachedStatement(sql: """
      INSERT INTO signal (runId, nhsNumber, position, ruleId, ruleVersion, title, severity, ruleSeverity, asOf, windowStart,
        windowEnd, metrics, evidence, safeguardingPlanType, safeguardingActive, safeguardingStart, safeguardingEnd, route,
        actionPlanState, actionPlanLastPlan, actionPlanReviewDue, reason, recommendedAction)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """)
    for (position, signal) in summary.signals.enumerated() {
      let values: [(any DatabaseValueConvertible)?] = [
        runID, nhs, position, signal.ruleID, signal.ruleVersion, signal.title, signal.severity.rawValue,
        signal.ruleSeverity.rawValue, signal.asOf.description, signal.window.start.description, signal.window.end.description,
        StoreJSON.metrics(signal.figures), StoreJSON.sourceRefs(signal.evidence), signal.safeguarding?.plan.type.rawValue,
        signal.safeguarding?.isActive, signal.safeguarding?.plan.start.description, signal.safeguarding?.plan.end?.description,
        signal.route, signal.actionPlan.state.rawValue, signal.actionPlan.lastPlanDate?.description,
        signal.actionPlan.reviewDue?.description, signal.reason, signal.recommendedAction,
      ]
      try signalStatement.execute(arguments: StatementArguments(values))
      rows += 1
    }
    return rows
  }

  /// A record's plans and events in the order a timeline gives them.
  static func ordered(_ plans: [SafeguardingPlan]) -> [SafeguardingPlan] { plans.sorted { ($0.start, $0.source) < ($1.start, $1.source) } }
  static func ordered(_ events: [CareEvent]) -> [CareEvent] { events.sorted { ($0.date, $0.source) < ($1.date, $1.source) } }

  // MARK: The run row

  /// The run row's columns from a manifest, in one place for the row's insert and its update.
  private static func runColumns(_ manifest: RunManifest) -> [(name: String, value: (any DatabaseValueConvertible)?)] {
    [
      ("command", manifest.command), ("toolVersion", manifest.toolVersion), ("asOf", manifest.asOf.description),
      ("rulesVersion", manifest.rulesVersion), ("rulesSha256", manifest.rulesSHA256), ("status", manifest.status),
      ("failure", manifest.failure), ("maxRejectRate", manifest.maxRejectRate), ("childrenCount", manifest.childrenCount),
      ("excluded", StoreJSON.counts(Dictionary(uniqueKeysWithValues: manifest.excluded.map { ($0.key.rawValue, $0.value) }))),
      ("signalsByRule", StoreJSON.signalsByRule(manifest.signalsByRule)), ("outputs", StoreJSON.array(of: manifest.outputs)),
      ("timings", StoreJSON.pairs(manifest.timings.map { ($0.0, JSONText.number($0.1)) })), ("startedAt", manifest.startedAt),
      ("extra", StoreJSON.pairs(manifest.extra.map { ($0.0, JSONText.quoted($0.1)) })),
      ("products", StoreJSON.counts(["unclassified_respiratory": manifest.unclassifiedProducts, "code_name_conflict": manifest.conflictingProducts])),
      ("formulary", StoreJSON.pairs(manifest.formulary.map { ($0.0, JSONText.quoted($0.1)) })),
      ("keepsRecords", true),
    ]
  }

  /// The run's row, state `writing`: invisible to readers until it becomes current.
  static func insertRun(_ manifest: RunManifest, db: Database) throws -> Int64 {
    let columns = runColumns(manifest)
    try db.execute(
      sql: "INSERT INTO run (state, \(columns.map(\.name).joined(separator: ", "))) VALUES ('writing', \(columns.map { _ in "?" }.joined(separator: ", ")))",
      arguments: StatementArguments(columns.map(\.value)))
    return db.lastInsertedRowID
  }

  /// The run's summary as the finished run knows it (children, signals, timings), and its
  /// inputs: written in the transaction that makes the generation current.
  static func completeRun(_ runID: Int64, manifest: RunManifest, db: Database) throws {
    let columns = runColumns(manifest)
    try db.execute(
      sql: "UPDATE run SET \(columns.map { "\($0.name) = ?" }.joined(separator: ", ")) WHERE id = ?",
      arguments: StatementArguments(columns.map(\.value) + [runID]))
    try insertInputs(manifest, runID: runID, db: db)
  }

  private static func insertInputs(_ manifest: RunManifest, runID: Int64, db: Database) throws {
    let statement = try db.makeStatement(sql: """
      INSERT INTO runInput (runId, position, path, kind, profile, sha256, bytes, encoding, rowsRead, rowsRejected, used,
        duplicates, outOfScope, rejectedByReason, products)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """)
    for (position, input) in manifest.inputs.enumerated() {
      try statement.execute(arguments: [
        runID, position, input.path, input.kind.rawValue, input.profile, input.sha256, input.bytes, input.encoding,
        input.rowsRead, input.rowsRejected, input.used, input.duplicates,
        StoreJSON.counts(Dictionary(uniqueKeysWithValues: input.outOfScope.map { ($0.key.rawValue, $0.value) })),
        StoreJSON.counts(Dictionary(uniqueKeysWithValues: input.rejectedByReason.map { ($0.key.rawValue, $0.value) })),
        StoreJSON.counts(["unclassified_respiratory_rows": input.unclassifiedRespiratoryRows, "code_name_conflict_rows": input.codeNameConflictRows]),
      ])
    }
  }

  // MARK: Pruning

  /// Tables holding a generation's rows, children before parents, with the column that
  /// orders their key after `runId`.
  private static let generationTables: [(table: String, key: String)] = [
    ("recordRow", "nhsNumber"), ("supply", "nhsNumber"), ("signal", "nhsNumber"), ("careEvent", "nhsNumber"), ("safeguardingPlan", "nhsNumber"),
    ("child", "nhsNumber"), ("reject", "position"), ("runInput", "position"),
  ]

  /// Deletes whole generations in short transactions, so that look-ups keep getting the
  /// write lock for their audit entries while an old generation of millions of rows goes.
  /// Returns how many runs went.
  func prune(_ runIDs: [Int64]) throws(StoreError) -> Int {
    for runID in runIDs {
      try store.write { db in
        try db.execute(sql: "UPDATE run SET state = 'retired' WHERE id = ? AND state != 'current'", arguments: [runID])
      }
      for (table, key) in Self.generationTables {
        var done = false
        while !done {
          done = try store.write { db in
            let boundary = try DatabaseValue.fetchOne(
              db, sql: "SELECT \(key) FROM \(table) WHERE runId = ? ORDER BY \(key) LIMIT 1 OFFSET ?", arguments: [runID, batchRows])
            if let boundary, !boundary.isNull {
              try db.execute(sql: "DELETE FROM \(table) WHERE runId = ? AND \(key) <= ?", arguments: [runID, boundary])
              return false
            }
            try db.execute(sql: "DELETE FROM \(table) WHERE runId = ?", arguments: [runID])
            return true
          }
        }
      }
      try store.write { db in try db.execute(sql: "DELETE FROM run WHERE id = ? AND state != 'current'", arguments: [runID]) }
    }
    return runIDs.count
  }
}

/// A generation being written batch by batch (``SurveillanceStore/beginGeneration(_:holding:expectedChildren:progress:)``).
/// Not shared between threads: one run appends, in order.
public final class GenerationSession {
  let writer: GenerationWriter
  public let runID: Int64
  private let expectedChildren: Int
  /// Seconds spent writing so far: a run that evaluates between batches is not charged for it.
  private var writing: Double
  private var prunedBefore: Int
  /// Rows written so far, and what each table must hold when the generation goes live.
  private var rowsWritten = 0
  private var children = 0
  private var recordRows = 0
  private var supplies = 0
  private var plans = 0
  private var events = 0
  private var signals = 0
  /// Signal history rows written, and the run compared against, once ``keepHistory(comparedWith:)``
  /// says this generation keeps history.
  var sightings = 0
  var keepsHistory = false
  var historyBaselineRunID: Int64?
  var historyAsOf: CalendarDate?
  private var done = false
  private var abandoned = false

  init(writer: GenerationWriter, runID: Int64, expectedChildren: Int, prunedBefore: Int, secondsSoFar: Double) {
    self.writer = writer
    writing = secondsSoFar
    self.runID = runID
    self.expectedChildren = expectedChildren
    self.prunedBefore = prunedBefore
  }

  /// Writes finished children; the caller may let go of their timelines once this returns.
  public func append(_ batch: [EvaluatedChild]) throws(StoreError) {
    precondition(!done, "a finished or abandoned generation takes no more children")
    let start = ContinuousClock.now
    defer { writing += GenerationWriter.seconds(ContinuousClock.now - start) }
    rowsWritten += try writer.writeChildren(batch, runID: runID, rowsBefore: rowsWritten, childrenBefore: children, expectedChildren: expectedChildren)
    children += batch.count
    for child in batch {
      recordRows += child.record.supplies.count
      supplies += child.timeline.supplies.count
      plans += child.record.plans.count
      events += child.record.events.count
      signals += child.summary.signals.count
    }
  }

  /// Writes the rejected rows and the final manifest, checks that every table holds exactly
  /// what this run wrote, and makes the generation current in one transaction; then removes
  /// the generations it replaced.
  public func finish(manifest: RunManifest, rejects: [RejectedRow], writtenAt: String) throws(StoreError) -> GenerationReport {
    precondition(!done, "a generation is finished once")
    done = true
    let finishing = ContinuousClock.now
    let store = writer.store
    let runID = runID
    rowsWritten += try writer.writeRejects(rejects, runID: runID, rowsBefore: rowsWritten)
    let expected = [
      ("child", children), ("recordRow", recordRows), ("supply", supplies), ("safeguardingPlan", plans), ("careEvent", events), ("signal", signals),
      ("reject", rejects.count), ("runInput", manifest.inputs.count),
    ] + (keepsHistory ? [("signalHistory", sightings)] : [])
    let seconds = writing + GenerationWriter.seconds(ContinuousClock.now - finishing)
    try store.write { db in
      try GenerationWriter.completeRun(runID, manifest: manifest, db: db)
      // Every table holds exactly what this run wrote, or the generation does not go live.
      for (table, expected) in expected {
        let held = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE runId = ?", arguments: [runID]) ?? -1
        guard held == expected else {
          throw StoreError.incompleteGeneration(path: store.path, table: table, held: held, expected: expected)
        }
      }
      try db.execute(sql: "UPDATE run SET state = 'retired' WHERE state = 'current'")
      try db.execute(
        sql: "UPDATE run SET state = 'current', writtenAt = ?, storeWriteSeconds = ? WHERE id = ?",
        arguments: [writtenAt, seconds, runID])
      try db.execute(
        sql: "INSERT INTO currentRun (id, runId) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET runId = excluded.runId",
        arguments: [runID])
      if keepsHistory { try completeHistory(db) }
    }
    if keepsHistory { try dropUnusedHistory() }
    let pruned = prunedBefore + (try writer.prune(try store.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM run WHERE state = 'retired'") }))
    return GenerationReport(
      runID: runID, rows: rowsWritten, seconds: writing + GenerationWriter.seconds(ContinuousClock.now - finishing), prunedRuns: pruned)
  }

  /// Removes what this generation wrote (a failed run); a killed run's rows go at the next run.
  public func abandon() {
    guard !abandoned else { return }
    abandoned = true
    done = true
    if writer.cleanUpAfterFailure {
      _ = try? writer.prune([runID])
      if keepsHistory { try? writer.store.write { db in try db.execute(sql: "DELETE FROM signalHistory WHERE runId = ?", arguments: [runID]) } }
    }
  }
}
