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
