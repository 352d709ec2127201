import Foundation
import SurveillanceCore
import SurveillanceStore
import Testing

@Suite struct AuditTrailTests {
  @Test func entriesComeBackInOrderWithEveryField() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("audit"))
    let entries = [
      AuditEntry(time: "2026-11-22T09:00:00Z", user: "A Pharmacist", reason: "emergency supply request", nhsPseudonym: "0123456789abcdef", outcome: .found, trafficLight: "AMBER", source: "store", runID: 3, asOf: date("2026-11-21")),
      AuditEntry(time: "2026-11-22T09:01:00Z", user: "B", reason: "second reliever this month", nhsPseudonym: nil, outcome: .invalidNHSNumber, trafficLight: nil, source: "exports", runID: nil, asOf: nil),
    ]
    for entry in entries { try store.appendAudit(entry) }
    let back = try store.auditEntries()
    #expect(back.map(\.id) == [1, 2])
    #expect(back.map { var entry = $0; entry.id = nil; return entry } == entries)
  }
}

/// A store that lost its database, or part of its audit trail, says so rather than answering
/// as a new, empty store.
@Suite struct StoreIntegrityTests {
  static func entry(_ minute: Int) -> AuditEntry {
    AuditEntry(
      time: "2026-11-22T09:0\(minute):00Z", user: "A Pharmacist", reason: "reliever request", nhsPseudonym: "0123456789abcdef", outcome: .found,
      trafficLight: "GREEN", source: "store", runID: 1, asOf: date("2026-11-21"))
  }

  @Test func aTruncatedDatabaseIsAnErrorNotAFreshStore() throws {
    let path = temporaryStorePath("truncated")
    try SurveillanceStore.openOrCreate(at: path).appendAudit(Self.entry(1))
    let database = path + "/" + SurveillanceStore.databaseFileName
    #expect(truncate(database, 0) == 0)
    for open in [{ try SurveillanceStore.openOrCreate(at: path) }, { try SurveillanceStore.openExisting(at: path) }] {
      let error = try #require(throws: StoreError.self) { _ = try open() }
      #expect(error == .databaseEmpty(path: path))
    }
  }

  @Test func aDeletedDatabaseInAStoreDirectoryIsAnErrorNotAFreshStore() throws {
    let path = temporaryStorePath("deleted")
    try SurveillanceStore.openOrCreate(at: path).appendAudit(Self.entry(1))
    try FileManager.default.removeItem(atPath: path + "/" + SurveillanceStore.databaseFileName)
    let error = try #require(throws: StoreError.self) { _ = try SurveillanceStore.openOrCreate(at: path) }
    #expect(error == .databaseMissing(path: path))
    #expect(error.description.contains("audit trail"))
  }

  @Test func anEmptyDirectoryBecomesANewStore() throws {
    let path = temporaryStorePath("empty-directory")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    #expect(try SurveillanceStore.openOrCreate(at: path).auditEntries().isEmpty)
  }

  /// Entries lost with the write-ahead log (an operator deleted a stale `-wal`) leave the
  /// trail shorter than its seal says: the store refuses to answer until restored.
  @Test func aLostAuditEntryIsReportedWhenTheStoreIsOpened() throws {
    let path = temporaryStorePath("lost-entry")
    let store = try SurveillanceStore.openOrCreate(at: path)
    for minute in 1...3 { try store.appendAudit(Self.entry(minute)) }
    let seal = try String(contentsOfFile: path + "/audit.seal", encoding: .utf8)
    #expect(seal.hasPrefix("count 3 last "))
    // The state a lost log leaves: the database one entry short of its seal.
    let shorter = temporaryStorePath("lost-entry-copy")
    let copy = try SurveillanceStore.openOrCreate(at: shorter)
    for minute in 1...2 { try copy.appendAudit(Self.entry(minute)) }
    try seal.write(toFile: shorter + "/audit.seal", atomically: true, encoding: .utf8)
    let error = try #require(throws: StoreError.self) { _ = try SurveillanceStore.openExisting(at: shorter) }
    #expect(error == .auditEntriesLost(path: shorter, sealed: 3, found: 2))
    #expect(try SurveillanceStore.openExisting(at: path).auditEntries().count == 3)
  }

  @Test func aChangedLastEntryIsReported() throws {
    let path = temporaryStorePath("changed-entry")
    let store = try SurveillanceStore.openOrCreate(at: path)
    try store.appendAudit(Self.entry(1))
    let seal = try String(contentsOfFile: path + "/audit.seal", encoding: .utf8)
    try seal.replacingOccurrences(of: "last ", with: "last 00").write(toFile: path + "/audit.seal", atomically: true, encoding: .utf8)
    let error = try #require(throws: StoreError.self) { _ = try SurveillanceStore.openExisting(at: path) }
    #expect(error == .auditTrailChanged(path: path, entry: 1))
  }
}
