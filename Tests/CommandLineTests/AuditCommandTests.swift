import Foundation
import SurveillanceCore
import SurveillanceStore
import Testing

/// Every look-up leaves an entry: who, when, why, a keyed hash of the child, what was seen.
@Suite(.serialized)
struct AuditCommandTests {
  @Test func everyLookUpIsRecordedAndListed() throws {
    let setup = try PatientCommandTests.Setup()
    _ = try setup.fromExports(PatientFixtures.amberChild)
    _ = try setup.fromExports(PatientFixtures.absentChild)
    _ = try setup.fromExports("999 800 0018")  // fails its check digit
    _ = try setup.fromExports(PatientFixtures.greenChild, extra: ["--json"])

    let listed = try CommandRunner.run(["audit", "--store", setup.audit])
    #expect(listed.status == 0, "\(listed.stderr)")
    let lines = listed.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("time") == true)
    #expect(lines.last == "4 look-up(s)")
    let entries = try SurveillanceStore.openExisting(at: setup.audit).auditEntries()
    #expect(entries.map(\.outcome) == [.found, .noRecord, .invalidNHSNumber, .found])
    #expect(entries.map(\.trafficLight) == ["RED", nil, nil, "GREEN"])
    #expect(entries.allSatisfy { $0.user == "Test Pharmacist" && $0.reason == "emergency supply request" && $0.source == "exports" })
    #expect(entries[2].nhsPseudonym == nil, "an invalid number is not hashed: it names no child")
    #expect(entries[0].nhsPseudonym?.count == 16)
    #expect(entries[0].nhsPseudonym != entries[1].nhsPseudonym)
  }

  @Test func theAuditTrailNeverHoldsOrPrintsAnNHSNumber() throws {
    let setup = try PatientCommandTests.Setup()
    var logs = ""
    for child in [PatientFixtures.amberChild, PatientFixtures.greenChild, PatientFixtures.absentChild] {
      let result = try setup.fromExports(child)
      logs += result.stderr
    }
    // The audit store holds nothing but the audit table: no byte of it may spell a number looked up.
    var bytes = Data()
    for name in try FileManager.default.contentsOfDirectory(atPath: setup.audit) {
      bytes += try Data(contentsOf: URL(fileURLWithPath: setup.audit).appendingPathComponent(name))
    }
    for child in [PatientFixtures.amberChild, PatientFixtures.greenChild, PatientFixtures.absentChild] {
      #expect(bytes.range(of: Data(child.utf8)) == nil, "the audit store holds a plain NHS number")
    }
    let listed = try CommandRunner.run(["audit", "--store", setup.audit])
    #expect(nhsNumberShapedStrings(in: listed.stdout + listed.stderr + logs) == [])
  }

  @Test func theSameChildAlwaysGetsTheSamePseudonym() throws {
    let setup = try PatientCommandTests.Setup()
    _ = try setup.fromExports(PatientFixtures.amberChild)
    _ = try setup.fromExports("999 800 0017")
    let entries = try SurveillanceStore.openExisting(at: setup.audit).auditEntries()
    #expect(entries.count == 2)
    #expect(entries[0].nhsPseudonym == entries[1].nhsPseudonym)
  }

  @Test func storeLookUpsAreAuditedInTheStoreAndSurviveTheNextNightlyRun() throws {
    let setup = try PatientCommandTests.Setup()
    let store = setup.directory.appendingPathComponent("store").path
    func nightly(asOf: String) throws {
      let result = try CommandRunner.run(
        ["nightly"] + setup.exports + ["--as-of", asOf, "--out", setup.directory.appendingPathComponent("out").path, "--store", store])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(nhsNumberShapedStrings(in: result.stderr + result.stdout) == [])
    }
    try nightly(asOf: "2026-11-20")
    let lookUp = try CommandRunner.run(["patient", PatientFixtures.amberChild, "--store", store, "--user", "u", "--reason", "r"], environment: TestKey.environment)
    #expect(lookUp.status == 0, "\(lookUp.stderr)")
    #expect(nhsNumberShapedStrings(in: lookUp.stderr) == [])
    try nightly(asOf: "2026-11-21")

    let entries = try SurveillanceStore.openExisting(at: store).auditEntries()
    #expect(entries.count == 1)
    #expect(entries.first?.asOf?.description == "2026-11-20")
    #expect(entries.first?.source == "store")
    for entry in entries {
      let fields = [entry.time, entry.user, entry.reason, entry.nhsPseudonym ?? "", entry.outcome.rawValue, entry.trafficLight ?? "", entry.source]
      #expect(nhsNumberShapedStrings(in: fields.joined(separator: " ")) == [])
    }
    #expect(try SurveillanceStore.openExisting(at: store).currentGeneration()?.asOf.description == "2026-11-21")
  }
}
