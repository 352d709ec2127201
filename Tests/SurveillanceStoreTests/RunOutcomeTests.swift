import Foundation
import SurveillanceCore
@testable import SurveillanceStore
import Testing

/// Every nightly run is remembered, finished or not, so that the morning after a failure the
/// store says its records are not today's.
@Suite struct RunOutcomeTests {
  static func generation(asOf: String) -> GenerationInfo {
    GenerationInfo(
      runID: 7, asOf: date(asOf), toolVersion: "test", rulesVersion: "test", startedAt: "\(asOf)T02:00:00Z", writtenAt: "\(asOf)T02:05:00Z",
      childrenCount: 405, storeWriteSeconds: 1)
  }

  static func run(_ status: RunOutcome.Status, asOf: String, failure: String? = nil) -> RunOutcome {
    RunOutcome(id: 1, command: "nightly", startedAt: "\(asOf)T02:00:00Z", asOf: date(asOf), status: status, failure: failure)
  }

  @Test func aRunIsRecordedWhenItStartsAndCompletedWhenItEnds() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("outcomes"))
    let id = try store.recordRunStarted(command: "nightly", startedAt: "2026-12-01T02:00:00Z", asOf: date("2026-12-01"))
    #expect(try store.runOutcomes().map(\.status) == [.running])

    let finished = RunOutcome(
      id: id, command: "nightly", startedAt: "2026-12-01T02:00:00Z", finishedAt: "2026-12-01T02:03:00Z", asOf: date("2026-12-01"),
      status: .failed, failure: "gp.csv: 9% of rows rejected; the first was for 943 476 5919", rowsRead: 1000, rowsRejected: 90,
      childrenCount: 12, signals: 3, seconds: 180)
    try store.finishRun(finished)
    let back = try #require(try store.runOutcomes().first)
    #expect(back.status == .failed && back.rowsRejected == 90 && back.finishedAt == "2026-12-01T02:03:00Z")
    #expect(back.failure?.contains("9% of rows rejected") == true)
    #expect(back.failure?.contains("943 476 5919") == false, "a failure is written as the log would say it: no NHS number")
  }

  @Test func recentRecordsFromASuccessfulRunAreHealthy() {
    let health = StoreHealth(
      current: Self.generation(asOf: "2026-11-30"), lastRun: Self.run(.succeeded, asOf: "2026-11-30"), lastSuccess: nil,
      today: date("2026-12-01"), staleAfterDays: 2)
    #expect(health.isHealthy)
    #expect(health.warnings == [])
  }

  @Test func recordsOlderThanTheThresholdAreCalledOutOfDate() {
    let health = StoreHealth(
      current: Self.generation(asOf: "2026-11-21"), lastRun: Self.run(.succeeded, asOf: "2026-11-21"), lastSuccess: nil,
      today: date("2026-12-01"), staleAfterDays: 2)
    #expect(!health.isHealthy)
    #expect(health.ageDays == 10)
    #expect(health.warnings.count == 1)
    #expect(health.warnings[0].hasPrefix("These records are as of 2026-11-21, 10 days ago (more than 2)"))
  }

  @Test func aFailedRunAfterTheCurrentGenerationIsSaidWithItsReason() {
    let health = StoreHealth(
      current: Self.generation(asOf: "2026-11-30"), lastRun: Self.run(.failed, asOf: "2026-12-01", failure: "gp.csv could not be read"),
      lastSuccess: nil, today: date("2026-12-01"), staleAfterDays: 2)
    #expect(!health.isHealthy)
    #expect(health.warnings == [
      "The last nightly run (started 2026-12-01T02:00:00Z, as of 2026-12-01) failed: gp.csv could not be read. These records are from the run before it, as of 2026-11-30."
    ])
  }

  @Test func aRunThatNeverFinishedIsNotTakenForASuccess() {
    let health = StoreHealth(
      current: Self.generation(asOf: "2026-11-30"), lastRun: Self.run(.running, asOf: "2026-12-01"), lastSuccess: nil,
      today: date("2026-12-01"), staleAfterDays: 2)
    #expect(!health.isHealthy)
    #expect(health.warnings.first?.contains("has not finished") == true)
  }

  @Test func aStoreWithNoRunSaysSo() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("no-run"))
    let health = try store.health(today: date("2026-12-01"), staleAfterDays: 2)
    #expect(!health.isHealthy)
    #expect(health.warnings == ["This store holds no nightly run yet: there are no records to answer from."])
  }
}
