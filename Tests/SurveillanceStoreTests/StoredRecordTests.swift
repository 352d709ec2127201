import Foundation
import GRDB
import SurveillanceCore
import SurveillanceFrontend
@testable import SurveillanceStore
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A child's record is the fact the store keeps: the rows as the nightly run read them, the
/// plans and the events, written and read back as such. Reports and look-ups that start from
/// the store replay it, so it must fire as the exports do; the reconciled supplies beside it
/// are what the run made of it, never turned back into rows.
@Suite struct StoredRecordTests {
  /// The sample children the nightly run evaluated: record read from the exports, and the
  /// record read back from a store holding the run.
  static func pairs() throws -> [(exports: ChildRecord, store: ChildRecord)] {
    let contents = try SampleRun.contents()
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("records"))
    _ = try store.replaceGeneration(with: contents, writtenAt: "2026-11-22T02:10:00Z", holding: try store.lockForWriting(for: "test"))
    let stored = try store.loadCurrentGeneration()
    let read = Dictionary(uniqueKeysWithValues: try SampleRun.area().records.map { ($0.nhsNumber, $0) })
    return try stored.children.map { child in
      (try #require(read[child.summary.nhsNumber]), try #require(child.record))
    }
  }

  @Test func everyChildsRecordComesBackAsItWasRead() throws {
    let pairs = try Self.pairs()
    #expect(pairs.count == (try SampleRun.contents().children.count))
    var issueTypes = 0
    for (exports, store) in pairs {
      let nhs = exports.nhsNumber.description
      #expect(store.nhsNumber == exports.nhsNumber)
      #expect(store.dateOfBirth == exports.dateOfBirth, "\(nhs)")
      #expect(store.conflictingDatesOfBirth == exports.conflictingDatesOfBirth, "\(nhs)")
      // Every field of every row, the row's own date of birth and GP issue type included.
      #expect(store.supplies == exports.supplies, "\(nhs)")
      #expect(Set(store.plans.map(\.source)) == Set(exports.plans.map(\.source)) && store.plans.count == exports.plans.count, "\(nhs)")
      #expect(store.events.sorted { $0.source < $1.source } == exports.events.sorted { $0.source < $1.source }, "\(nhs)")
      issueTypes += store.supplies.filter { $0.issueType != nil }.count
    }
    #expect(issueTypes > 1000, "the samples' GP issues say acute or repeat")
  }

  @Test func datesOfBirthThatDisagreeComeBackWithTheChild() throws {
    var contents = try SampleRun.contents()
    var child = try #require(contents.children.first)
    child.record.conflictingDatesOfBirth = [date("2014-03-01"), date("2014-03-10")]
    contents.children = [child]
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("conflicting-births"))
    _ = try store.replaceGeneration(with: contents, writtenAt: "2026-11-22T02:10:00Z", holding: try store.lockForWriting(for: "test"))
    let back = try #require(try store.lookUp(child.summary.nhsNumber).child?.record)
    #expect(back.conflictingDatesOfBirth == [date("2014-03-01"), date("2014-03-10")])
    #expect(back.dateOfBirth == child.record.dateOfBirth)
  }

  @Test func replayingARecordFromTheStoreFiresAsReplayingTheRecordFromTheExports() throws {
    let contents = try SampleRun.contents()
    let evaluation = AreaEvaluation(rules: try SampleRun.rules.get(), inputs: Set(contents.manifest.inputs.map(\.kind)))
    let replay = Replay(evaluation: evaluation)
    let asOf = contents.manifest.asOf
    let months = ReplayStep.month.dates(from: asOf.adding(months: -24), to: asOf)
    var firings = 0
    for (exports, store) in try Self.pairs() {
      let expected = replay.firstFirings(for: exports, on: months)
      #expect(replay.firstFirings(for: store, on: months) == expected, "\(exports.nhsNumber)")
      for date in months.suffix(6) {
        let fromExports = ChildTimeline(record: exports, asOf: date, inputs: evaluation.inputs, policy: evaluation.rules.timeline)
        let fromStore = ChildTimeline(record: store, asOf: date, inputs: evaluation.inputs, policy: evaluation.rules.timeline)
        #expect(fromStore.supplies == fromExports.supplies, "\(exports.nhsNumber) \(date)")
      }
      firings += expected.count
    }
    #expect(firings > 300, "the samples exercise the comparison")
  }

  @Test func theRecordIsReadFromItsRowsNeverRebuiltFromTheReconciledSupplies() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("record-not-cache"))
    let contents = try SampleRun.contents()
    _ = try store.replaceGeneration(with: contents, writtenAt: "2026-11-22T02:10:00Z", holding: try store.lockForWriting(for: "test"))
    // An analyst's query that damaged the cache (or a cache from another version's pairing)
    // changes nothing a replay sees.
    try store.write { db in try db.execute(sql: "UPDATE supply SET drugName = 'changed', devices = 99, quantity = 99") }
    let read = Dictionary(uniqueKeysWithValues: try SampleRun.area().records.map { ($0.nhsNumber, $0) })
    for child in try store.loadCurrentGeneration().children {
      let record = try #require(child.record)
      #expect(record.supplies == read[record.nhsNumber]?.supplies)
    }
  }

  @Test func aLookUpRebuildsTheTimelineTheNightlyRunEvaluated() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("look-up-timeline"))
    let contents = try SampleRun.contents()
    _ = try store.replaceGeneration(with: contents, writtenAt: "2026-11-22T02:10:00Z", holding: try store.lockForWriting(for: "test"))
    let rules = try SampleRun.rules.get()
    for evaluated in contents.children.prefix(60) {
      let (generation, manifest, stored) = try store.lookUpWithManifest(evaluated.summary.nhsNumber)
      let child = try #require(stored).evaluated(asOf: generation.asOf, inputs: manifest.kinds, policy: rules.timeline)
      #expect(child.timeline.supplies == evaluated.timeline.supplies)
      #expect(child.summary.signals.map(\.ruleID) == evaluated.summary.signals.map(\.ruleID))
      #expect(child.timeline.lastTwelveMonths(courseMergeDays: rules.formulary.courseMergeDays)
        == evaluated.timeline.lastTwelveMonths(courseMergeDays: rules.formulary.courseMergeDays))
    }
  }

  @Test func aGenerationWrittenBeforeRecordsWereKeptSaysSoRatherThanGuessing() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("old-generation"))
    _ = try store.replaceGeneration(with: try SampleRun.contents(), writtenAt: "2026-11-22T02:10:00Z", holding: try store.lockForWriting(for: "test"))
    // As an earlier version wrote it: no record rows, and the run does not say it keeps them.
    try store.write { db in
      try db.execute(sql: "DELETE FROM recordRow")
      try db.execute(sql: "UPDATE run SET keepsRecords = NULL")
    }
    let children = try store.loadCurrentGeneration().children
    #expect(children.allSatisfy { $0.record == nil })
    #expect(children.contains { !$0.supplies.isEmpty }, "the run's figures and supplies are still there")
    let asOf = CalendarDate(iso: "2026-11-21")!
    #expect(throws: StoreError.generationKeepsNoRecords) {
      try children[0].evaluated(asOf: asOf, inputs: [.gpPrescriptions], policy: try SampleRun.rules.get().timeline)
    }
  }

  @Test func aStoreMadeByTheFirstReleaseIsMigratedWithItsAuditTrailKept() throws {
    let path = temporaryStorePath("v1")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let file = URL(fileURLWithPath: path).appendingPathComponent(SurveillanceStore.databaseFileName).path
    do {
      let queue = try DatabaseQueue(path: file)
      try StoreSchema.migrator.migrate(queue, upTo: "v1 audit trail")
      try queue.write { db in
        try db.execute(sql: """
          INSERT INTO audit (time, user, reason, nhsPseudonym, outcome, trafficLight, source, runId, asOf)
          VALUES ('2026-11-22T09:00:00Z', 'A Pharmacist', 'emergency supply request', '0123456789abcdef', 'found', 'AMBER', 'store', 1, '2026-11-21')
          """)
      }
    }
    chmod(file, 0o600)
    let store = try SurveillanceStore.openExisting(at: path)
    #expect(try store.appliedMigrations() == StoreSchema.migrator.migrations)
    let entries = try store.auditEntries()
    #expect(entries.map(\.command) == ["patient"], "every look-up before the migration was a counter check")
    #expect(entries.first?.user == "A Pharmacist")
  }

  @Test func aReportLookUpIsAuditedAsOne() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("audit-command"))
    let entry = AuditEntry(
      time: "2026-11-22T09:00:00Z", user: "An Analyst", reason: "CDOP review", nhsPseudonym: "0123456789abcdef", outcome: .found,
      trafficLight: nil, source: "store", runID: 1, asOf: CalendarDate(iso: "2026-11-21")!, command: AuditEntry.reportChildCommand)
    try store.appendAudit(entry)
    let back = try #require(try store.auditEntries().first)
    #expect(back.command == "report child")
    #expect({ var copy = back; copy.id = nil; return copy }() == entry)
  }
}
