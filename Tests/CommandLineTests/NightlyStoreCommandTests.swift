import Foundation
import SurveillanceCore
import SurveillanceStore
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `nightly --store` on the bundled samples: owner-only, atomic, and a failed or killed run
/// changes nothing a pharmacist sees.
@Suite(.serialized)
struct NightlyStoreCommandTests {
  static func nightly(store: URL, asOf: String = "2026-11-21", extra: [String] = []) -> [String] {
    NightlyCommandTests.nightlyArguments(out: store.deletingLastPathComponent().appendingPathComponent("out-\(asOf)"), asOf: asOf)
      + ["--store", store.path] + extra
  }

  @Test func theStoreIsOwnerOnlyAndAnswersForTheSampleChildren() throws {
    let store = CommandRunner.temporaryDirectory("store").appendingPathComponent("store")
    let result = try CommandRunner.run(Self.nightly(store: store))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("generation 1 current"))
    #expect(nhsNumberShapedStrings(in: result.stderr) == [])
    #expect(try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int == 0o700)
    for name in try FileManager.default.contentsOfDirectory(atPath: store.path) {
      #expect(try FileManager.default.attributesOfItem(atPath: store.appendingPathComponent(name).path)[.posixPermissions] as? Int == 0o600, "\(name)")
    }
    let generation = try #require(try SurveillanceStore.openExisting(at: store.path).currentGeneration())
    let manifest = try manifest(in: store.deletingLastPathComponent().appendingPathComponent("out-2026-11-21"))
    #expect(generation.childrenCount == (manifest["children"] as? [String: Any])?["count"] as? Int)
  }

  @Test func aFailedRunLeavesThePreviousGenerationCurrent() throws {
    let store = CommandRunner.temporaryDirectory("failed").appendingPathComponent("store")
    #expect(try CommandRunner.run(Self.nightly(store: store, asOf: "2026-11-20")).status == 0)
    let failed = try CommandRunner.run(Self.nightly(store: store, asOf: "2026-11-21", extra: ["--max-reject-rate", "0"]))
    #expect(failed.status == 3)
    #expect(failed.stderr.contains("not updated"))
    #expect(try SurveillanceStore.openExisting(at: store.path).currentGeneration()?.asOf.description == "2026-11-20")
  }

  @Test func lookUpsKeepAnsweringWhileANightlyRunWrites() throws {
    let store = CommandRunner.temporaryDirectory("concurrent").appendingPathComponent("store")
    #expect(try CommandRunner.run(Self.nightly(store: store, asOf: "2026-11-20")).status == 0)
    let process = Process()
    process.executableURL = CommandRunner.binary
    process.arguments = Self.nightly(store: store, asOf: "2026-11-21")
    process.currentDirectoryURL = repositoryRoot
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    var seen: Set<String> = []
    var lookUps = 0
    repeat {
      let lookUp = try CommandRunner.run(
        ["patient", "9990001774", "--store", store.path, "--user", "u", "--reason", "during the nightly run", "--json"],
        environment: TestKey.environment)
      #expect(lookUp.status == 0, "\(lookUp.stderr)")
      let object = try JSONSerialization.jsonObject(with: Data(lookUp.stdout.utf8)) as? [String: Any]
      seen.insert(object?["as_of"] as? String ?? "none")
      lookUps += 1
    } while process.isRunning
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(seen.isSubset(of: ["2026-11-20", "2026-11-21"]), "\(seen)")
    #expect(try SurveillanceStore.openExisting(at: store.path).auditEntries().count == lookUps, "every look-up audited")
  }

  @Test func aRunKilledPartWayLeavesAStoreThatStillAnswers() throws {
    let store = CommandRunner.temporaryDirectory("killed").appendingPathComponent("store")
    #expect(try CommandRunner.run(Self.nightly(store: store, asOf: "2026-11-20")).status == 0)
    // Kill the next run at several moments: reading, evaluating, writing the store.
    for delay in [0.3, 1.0, 2.0, 3.0] {
      let process = Process()
      process.executableURL = CommandRunner.binary
      process.arguments = Self.nightly(store: store, asOf: "2026-11-21")
      process.currentDirectoryURL = repositoryRoot
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      Thread.sleep(forTimeInterval: delay)
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()

      let lookUp = try CommandRunner.run(
        ["patient", "9990001774", "--store", store.path, "--user", "u", "--reason", "after a killed run", "--json"],
        environment: TestKey.environment)
      #expect(lookUp.status == 0, "after \(delay) s: \(lookUp.stderr)")
      let object = try JSONSerialization.jsonObject(with: Data(lookUp.stdout.utf8)) as? [String: Any]
      let asOf = object?["as_of"] as? String
      #expect(asOf == "2026-11-20" || asOf == "2026-11-21", "after \(delay) s: \(asOf ?? "nothing")")
      #expect(object?["record_found"] as? Bool == true)
    }
    // The next complete run tidies whatever the killed ones left.
    #expect(try CommandRunner.run(Self.nightly(store: store, asOf: "2026-11-22")).status == 0)
    let generation = try SurveillanceStore.openExisting(at: store.path).loadCurrentGeneration()
    #expect(generation.info.asOf.description == "2026-11-22")
  }
}
