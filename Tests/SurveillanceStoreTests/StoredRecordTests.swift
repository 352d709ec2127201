import Foundation
import GRDB
import SurveillanceCore
import SurveillanceFrontend
@testable import SurveillanceStore
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A child's record rebuilt from a generation is the record the nightly run read from the
/// exports: reports that start from the store replay it, so it must fire as the exports do.
@Suite struct StoredRecordTests {
  /// A supply row without what the store does not keep: the row's own date of birth (the
  /// child's settled one stands for it) and the GP issue type (nothing evaluates it).
  static func comparable(_ row: Supply) -> Supply {
    var row = row
    row.dateOfBirth = nil
    row.issueType = nil
    return row
  }

  /// The sample children the nightly run evaluated: record read from the exports, and the
  /// record rebuilt from a store holding the run.
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

  @Test func everyChildsRecordComesBackWithTheRowsItWasReadFrom() throws {
    let pairs = try Self.pairs()
    #expect(pairs.count == (try SampleRun.contents().children.count))
    for (exports, store) in pairs {
      let nhs = exports.nhsNumber.description
      #expect(store.nhsNumber == exports.nhsNumber)
      #expect(store.dateOfBirth == exports.dateOfBirth, "\(nhs)")
      #expect(store.supplies.map(Self.comparable) == exports.supplies.map(Self.comparable).sorted { $0.source < $1.source }, "\(nhs)")
      #expect(store.plans == exports.plans, "\(nhs)")
      #expect(store.events == exports.events, "\(nhs)")
    }
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
      // Reconciliation between the two sides, as known on each date, is what the store's
      // extra columns keep: check the timelines too, not only what fired.
      for date in months.suffix(6) {
        let fromExports = ChildTimeline(record: exports, asOf: date, inputs: evaluation.inputs, policy: evaluation.rules.timeline)
        let fromStore = ChildTimeline(record: store, asOf: date, inputs: evaluation.inputs, policy: evaluation.rules.timeline)
        #expect(fromStore.supplies.map(\.status) == fromExports.supplies.map(\.status), "\(exports.nhsNumber) \(date)")
        #expect(fromStore.supplies.map(\.sources) == fromExports.supplies.map(\.sources), "\(exports.nhsNumber) \(date)")
      }
      firings += expected.count
    }
    #expect(firings > 300, "the samples exercise the comparison")
  }

  @Test func theSamplesHoldGPIssuesThatDifferFromTheirDispensing() throws {
    // What the `v2 supply sides for child records` columns are for: without them a record
    // rebuilt from the dispensing side alone would give the GP issue the pharmacy's product
    // code, quantity and prescription id.
    let supplies = try SampleRun.contents().children.flatMap(\.timeline.supplies).map(StoredSupply.init)
    #expect(supplies.allSatisfy { $0.product != nil })
    #expect(supplies.contains { $0.issueItem?.productKey != nil && $0.issueItem?.productKey != $0.productKey })
    #expect(supplies.contains { $0.issueItem != nil && $0.issueItem?.quantity != $0.quantity })
    #expect(supplies.contains { $0.prescriptionIDSide == .gpIssue })
    #expect(supplies.filter { $0.issueSource != nil && $0.dispensingSource != nil }.contains { $0.issueItem == nil })
  }

  @Test func anIssueFilledByTwoDispensingsIsOneRow() throws {
    let rules = try SampleRun.rules.get()
    let nhs = NHSNumber("9434765919")!
    let product = rules.formulary.classify(dmdCode: "320139002", bnfCode: nil, name: "Salbutamol 100micrograms/dose inhaler")!
    func row(_ side: SupplySide, _ date: String, line: Int, quantity: Double = 1) -> Supply {
      Supply(
        side: side, nhsNumber: nhs, dateOfBirth: nil, date: CalendarDate(iso: date)!, siteCode: side == .gpIssue ? "P1" : "F1",
        productKey: "320139002", drugName: "Salbutamol 100micrograms/dose inhaler", product: product, quantity: quantity,
        quantityUnit: .device, devices: Int(quantity), prescriptionID: "RX1", supplyType: side == .gpIssue ? nil : .nhsPrescription,
        issueType: nil, source: SourceRef(file: side == .gpIssue ? 0 : 1, line: line))
    }
    let record = ChildRecord(
      nhsNumber: nhs, dateOfBirth: CalendarDate(iso: "2015-01-01")!,
      supplies: [row(.gpIssue, "2026-01-05", line: 2, quantity: 2), row(.dispensing, "2026-01-06", line: 2), row(.dispensing, "2026-01-20", line: 3)])
    let timeline = ChildTimeline(record: record, asOf: CalendarDate(iso: "2026-02-01")!, inputs: [.gpPrescriptions, .pharmacyDispensing], policy: rules.timeline)
    #expect(timeline.supplies.filter { $0.issue != nil }.count == 2, "both dispensings name the issue")
    let child = StoredChild(
      dateOfBirth: record.dateOfBirth,
      summary: ChildSummary(
        nhsNumber: nhs, ageYears: 11, practiceCode: "P1", figures: [], signals: [], safeguarding: nil,
        actionPlan: ActionPlanStatus(state: ActionPlanState.none)),
      supplies: timeline.supplies.map(StoredSupply.init), plans: [], events: [])
    let rebuilt = try #require(child.record)
    #expect(rebuilt.supplies.map(Self.comparable) == record.supplies.map(Self.comparable))
    #expect(rebuilt.supplies.first?.quantity == 2, "the issue keeps its own quantity")
  }

  @Test func aGenerationWrittenBeforeRecordsWereKeptSaysSoRatherThanGuessing() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("old-generation"))
    _ = try store.replaceGeneration(with: try SampleRun.contents(), writtenAt: "2026-11-22T02:10:00Z", holding: try store.lockForWriting(for: "test"))
    // As an earlier version wrote them: the columns the migration added are empty.
    try store.write { db in
      try db.execute(sql: "UPDATE supply SET containsIcs = NULL, dosesPerDevice = NULL, unitsPerDevice = NULL, daysPerDevice = NULL, matchedBy = NULL, prescriptionIdSide = NULL, issueProduct = NULL")
    }
    let children = try store.loadCurrentGeneration().children
    #expect(children.allSatisfy { $0.supplies.isEmpty || $0.record == nil })
    #expect(children.contains { !$0.supplies.isEmpty })
    // What a pharmacist's look-up shows is unaffected.
    #expect(children.allSatisfy { $0.supplies.allSatisfy { $0.product == nil && $0.issueItem == nil } })
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
