import Foundation
import GRDB
import SurveillanceCore
@testable import SurveillanceStore
import Testing

/// A new run replaces the previous generation as a whole, or not at all.
@Suite struct GenerationAtomicityTests {
  /// A store holding the samples as of 2026-11-21 (generation A); the next run is as of
  /// 2026-06-01 (B), so the two are easy to tell apart.
  func storeWithGenerationA(_ name: String) throws -> (SurveillanceStore, GenerationContents, GenerationContents) {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath(name))
    let a = try SampleRun.contents()
    let b = try SampleRun.contents(asOf: date("2026-06-01"))
    _ = try store.replaceGeneration(with: a, writtenAt: "A", holding: try store.lockForWriting(for: "test"))
    return (store, a, b)
  }

  func runStates(_ store: SurveillanceStore) throws -> [String] {
    try store.read { db in try String.fetchAll(db, sql: "SELECT state FROM run ORDER BY id") }
  }

  func rows(_ store: SurveillanceStore, _ table: String) throws -> Int {
    try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
  }

  @Test func aRunFailingMidWriteLeavesThePreviousGenerationCurrentAndWhole() throws {
    let (store, a, b) = try storeWithGenerationA("fail")
    let before = try store.loadCurrentGeneration()
    var writer = GenerationWriter(store: store)
    writer.batchRows = 500
    writer.failAfterRows = 2_300  // after four committed batches, in the fifth
    #expect(throws: StoreError.injectedFailure(afterRows: 2_300)) { try writer.write(b, writtenAt: "B") }

    let after = try store.loadCurrentGeneration()
    #expect(after.info == before.info)
    #expect(after.info.asOf == a.manifest.asOf)
    #expect(after.children.map(\.summary.signals) == before.children.map(\.summary.signals))
    #expect(after.children.map(\.supplies) == before.children.map(\.supplies))
    #expect(try runStates(store) == ["current"], "the failed run's partial rows are removed")
  }

  @Test func aKilledRunLeavesPartialRowsThatNoReaderSeesAndTheNextRunRemoves() throws {
    let (store, a, b) = try storeWithGenerationA("killed")
    var writer = GenerationWriter(store: store)
    writer.batchRows = 500
    writer.failAfterRows = 3_000
    writer.cleanUpAfterFailure = false  // as if the process died: nothing tidies up
    #expect(throws: StoreError.self) { try writer.write(b, writtenAt: "B") }
    #expect(try runStates(store) == ["current", "writing"])
    let generationA = try #require(try store.currentGeneration())

    // Mid-write, as a look-up sees it: generation A, whole; and the audit trail takes entries.
    let child = try #require(a.children.first { !$0.summary.signals.isEmpty })
    let (generation, found) = try store.lookUp(child.summary.nhsNumber)
    #expect(generation == generationA)
    #expect(try #require(found).summary.signals == child.summary.signals)
    try store.appendAudit(AuditEntry(time: "t", user: "u", reason: "r", nhsPseudonym: "p", outcome: .found, trafficLight: "RED", source: "store", runID: generation.runID, asOf: generation.asOf))

    // The next run removes the leftovers and becomes current.
    let report = try store.replaceGeneration(with: b, writtenAt: "B2", holding: try store.lockForWriting(for: "test"))
    #expect(report.prunedRuns == 2, "the killed run's rows and generation A")
    #expect(try runStates(store) == ["current"])
    #expect(try store.currentGeneration()?.asOf == date("2026-06-01"))
    #expect(try rows(store, "child") == b.children.count)
    #expect(try rows(store, "supply") == b.children.reduce(0) { $0 + $1.timeline.supplies.count })
    #expect(try store.auditEntries().count == 1, "the audit trail survives generations")
  }

  @Test func aNewGenerationReplacesTheOldOneAndPrunesIt() throws {
    let (store, _, b) = try storeWithGenerationA("replace")
    try store.appendAudit(AuditEntry(time: "t", user: "u", reason: "r", nhsPseudonym: "p", outcome: .noRecord, trafficLight: nil, source: "store", runID: 1, asOf: nil))
    var writer = GenerationWriter(store: store)
    writer.batchRows = 777  // pruning crosses many batch boundaries
    let report = try writer.write(b, writtenAt: "B")
    #expect(report.prunedRuns == 1)
    #expect(try store.currentGeneration()?.runID == report.runID)
    for table in ["child", "supply", "signal", "careEvent", "safeguardingPlan", "reject", "runInput"] {
      let stale = try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE runId != ?", arguments: [report.runID]) ?? -1 }
      #expect(stale == 0, "\(table) still holds rows of an old generation")
    }
    #expect(try store.auditEntries().map(\.outcome) == [.noRecord])
  }

  @Test func aStoreWithNoCompletedRunSaysSoRatherThanNoRecord() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("empty"))
    #expect(try store.currentGeneration() == nil)
    #expect(throws: StoreError.noGeneration(path: store.path)) { try store.lookUp(NHSNumber("9434765919")!) }
  }
}
