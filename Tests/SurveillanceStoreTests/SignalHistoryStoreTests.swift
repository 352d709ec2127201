import Foundation
import GRDB
import SurveillanceCore
@testable import SurveillanceStore
import Testing

/// Signal history in the store: readable only once its run is current, compared with the last
/// run before the night's date, and kept through pruning while it is the one to compare with.
@Suite struct SignalHistoryStoreTests {
  static let child = NHSNumber("9998100003")!

  static func row(_ severity: Severity, firstSeen: String) -> HistoryRow {
    HistoryRow(
      nhsNumber: child, sighting: SignalSighting(ruleID: "reliever-overuse", severity: severity, firstSeen: date(firstSeen), evidenceThrough: date("2026-09-10")),
      status: .new, previousSeverity: nil, dateOfBirth: date("2018-05-01"))
  }

  /// A run with no children and one signal in its history, finished or abandoned.
  static func run(_ store: SurveillanceStore, asOf: String, severity: Severity, finish: Bool = true) throws -> Int64 {
    var manifest = try SampleRun.contents().manifest
    manifest.asOf = date(asOf)
    manifest.inputs = []
    let lock = try store.lockForWriting(for: "test")
    defer { lock.release() }
    let history = try store.signalHistory(before: date(asOf))
    let session = try store.beginGeneration(manifest, holding: lock, expectedChildren: 0)
    session.keepHistory(asOf: date(asOf), comparedWith: history.baselineRunID)
    try session.appendHistory([row(severity, firstSeen: history.history.sightings[child]?.first?.firstSeen.description ?? asOf)])
    if finish {
      _ = try session.finish(manifest: manifest, rejects: [], writtenAt: "now")
    } else {
      session.abandon()
    }
    return session.runID
  }

  func snapshots(_ store: SurveillanceStore) throws -> [Int64] {
    try store.read { db in try Int64.fetchAll(db, sql: "SELECT DISTINCT runId FROM signalHistory ORDER BY runId") }
  }

  @Test func anAbandonedRunLeavesNoHistoryAndTheNextNightIsComparedWithTheLastGoodOne() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("history-abandoned"))
    let first = try Self.run(store, asOf: "2026-11-21", severity: .review)
    let abandoned = try Self.run(store, asOf: "2026-11-22", severity: .urgent, finish: false)
    #expect(try snapshots(store) == [first], "an abandoned run's rows are gone")
    let next = try store.signalHistory(before: date("2026-11-23"))
    #expect(next.baselineRunID == first && next.baselineRunID != abandoned)
    #expect(next.history.sightings[Self.child]?.first?.severity == .review)
  }

  @Test func aRerunOfTheSameNightIsComparedWithTheNightBeforeNotWithItself() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("history-rerun"))
    let first = try Self.run(store, asOf: "2026-11-21", severity: .review)
    let second = try Self.run(store, asOf: "2026-11-22", severity: .priority)
    #expect(try store.signalHistory(before: date("2026-11-22")).baselineRunID == first)
    let rerun = try Self.run(store, asOf: "2026-11-22", severity: .priority)
    #expect(try snapshots(store) == [first, rerun], "the first rerun's snapshot replaced, the night before kept")
    #expect(second != rerun)
    let next = try store.signalHistory(before: date("2026-11-23"))
    #expect(next.baselineRunID == rerun)
    #expect(next.history.sightings[Self.child]?.first?.firstSeen == date("2026-11-21"), "the stretch goes back to the first night")
  }

  @Test func aBackfillForAnEarlierDateKeepsTheLatestNightToCompareWith() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("history-backfill"))
    _ = try Self.run(store, asOf: "2026-11-21", severity: .review)
    let latest = try Self.run(store, asOf: "2026-11-22", severity: .review)
    _ = try Self.run(store, asOf: "2026-10-01", severity: .review)
    #expect(try store.signalHistory(before: date("2026-11-23")).baselineRunID == latest)
  }
}
