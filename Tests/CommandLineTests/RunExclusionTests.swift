import Foundation
import SurveillanceStore
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// One run at a time: a cron job that fires twice, or an operator who starts a run by hand
/// while the nightly one is going, never changes what look-ups see or what `--out` holds.
@Suite(.serialized)
struct RunExclusionTests {
  static let outputs = ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv", "unclassified-products.csv"]

  static func arguments(out: URL, store: URL? = nil, extra: [String] = []) -> [String] {
    NightlyCommandTests.nightlyArguments(out: out) + (store.map { ["--store", $0.path] } ?? []) + extra
  }

  static func snapshot(_ out: URL) throws -> [Data] { try outputs.map { try Data(contentsOf: out.appendingPathComponent($0)) } }

  @Test func aSecondRunOnTheSameOutputsStopsAtOnceChangingNothing() throws {
    let out = CommandRunner.temporaryDirectory("locked")
    #expect(try CommandRunner.run(Self.arguments(out: out)).status == 0)
    let before = try Self.snapshot(out)
    let held = try RunLock.acquire(at: RunLock.path(besideOutput: out), for: "a test standing in for the first run")
    defer { held.release() }
    let second = try CommandRunner.run(Self.arguments(out: out))
    #expect(second.status != 0)
    #expect(second.stderr.contains("another run is writing here"), "\(second.stderr)")
    #expect(second.stderr.contains(RunLock.path(besideOutput: out)))
    #expect(second.stderr.contains("--wait"))
    #expect(try Self.snapshot(out) == before)
  }

  @Test func withWaitASecondRunWaitsForTheFirstThenRuns() throws {
    let out = CommandRunner.temporaryDirectory("waited")
    let held = try RunLock.acquire(at: RunLock.path(besideOutput: out), for: "a test standing in for the first run")
    DispatchQueue.global().asyncAfter(deadline: .now() + 1) { held.release() }
    let started = Date()
    let second = try CommandRunner.run(Self.arguments(out: out, extra: ["--wait", "30"]))
    #expect(second.status == 0, "\(second.stderr)")
    #expect(Date().timeIntervalSince(started) >= 1)
  }

  /// Two `nightly --store` runs on the same outputs and store, the second started at several
  /// moments into the first: each either runs whole or stops at once, and afterwards the
  /// current generation holds every row a single run writes, and look-ups answer as after a
  /// single run.
  @Test func overlappingStoreRunsNeverLeaveAGenerationShortOfRows() throws {
    let base = CommandRunner.temporaryDirectory("overlap")
    let baselineStore = base.appendingPathComponent("baseline-store")
    #expect(try CommandRunner.run(Self.arguments(out: base.appendingPathComponent("baseline"), store: baselineStore)).status == 0)
    let expectedRows = try SurveillanceStore.openExisting(at: baselineStore.path).currentGenerationRowCounts()
    #expect(expectedRows["supply"] ?? 0 > 0)
    func answer(_ store: URL) throws -> String {
      let lookUp = try CommandRunner.run(
        ["patient", "9990001774", "--store", store.path, "--user", "u", "--reason", "overlap test", "--json"], environment: TestKey.environment)
      #expect(lookUp.status == 0, "\(lookUp.stderr)")
      return lookUp.stdout.replacingOccurrences(of: #""run_started_at":"[^"]*""#, with: "", options: .regularExpression)
    }
    let expectedAnswer = try answer(baselineStore)

    let out = base.appendingPathComponent("out")
    let store = base.appendingPathComponent("store")
    #expect(try CommandRunner.run(Self.arguments(out: out, store: store)).status == 0)
    var refused = 0
    for offset in [0.0, 0.2, 0.6, 1.2] {
      let first = Process()
      first.executableURL = CommandRunner.binary
      first.arguments = Self.arguments(out: out, store: store)
      first.currentDirectoryURL = repositoryRoot
      let firstErrors = Pipe()
      first.standardError = firstErrors
      try first.run()
      usleep(UInt32(offset * 1_000_000))
      let second = try CommandRunner.run(Self.arguments(out: out, store: store))
      let firstText = String(decoding: firstErrors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      first.waitUntilExit()
      // Whichever reached the lock second stopped at once; the other ran whole.
      let statuses = [first.terminationStatus, second.status]
      #expect(statuses.contains(0), "offset \(offset): \(firstText) \(second.stderr)")
      for (status, text) in zip(statuses, [firstText, second.stderr]) where status != 0 {
        refused += 1
        #expect(text.contains("another run is writing here"), "offset \(offset): \(text)")
      }
      #expect(try SurveillanceStore.openExisting(at: store.path).currentGenerationRowCounts() == expectedRows, "offset \(offset)")
      #expect(try answer(store) == expectedAnswer, "offset \(offset)")
    }
    #expect(refused > 0, "no second run overlapped the first; the test proved nothing")
  }

  /// A run killed at any moment never leaves outputs that name a run the store does not
  /// hold: the store's generation goes live first, then the outputs are published.
  @Test func killedStoreRunsNeverLeaveOutputsAheadOfTheStore() throws {
    let base = CommandRunner.temporaryDirectory("kill-store")
    let out = base.appendingPathComponent("out")
    let store = base.appendingPathComponent("store")
    #expect(try CommandRunner.run(Self.arguments(out: out, store: store)).status == 0)
    for round in 0..<8 {
      let process = Process()
      process.executableURL = CommandRunner.binary
      process.arguments = Self.arguments(out: out, store: store)
      process.currentDirectoryURL = repositoryRoot
      process.standardError = FileHandle.nullDevice
      try process.run()
      usleep(UInt32(200_000 + round * 250_000))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      let outputs = try manifest(in: out)["started_at"] as? String
      let generation = try #require(try SurveillanceStore.openExisting(at: store.path).currentGeneration())
      // The outputs are the store's run, or (killed between the two steps) the one before it.
      #expect(outputs == generation.startedAt || outputs ?? "" < generation.startedAt, "round \(round)")
    }
  }

  /// A store that cannot take the new generation (here a file-size limit, as a full disk
  /// would): the run fails, the store stays on its generation and `--out` on the last good
  /// outputs, byte for byte; the failed run's manifest says why, in OUT.failed.
  @Test func aStoreWriteThatFailsLeavesTheOutputsAndTheStoreAsTheyWere() throws {
    let base = CommandRunner.temporaryDirectory("store-full")
    let out = base.appendingPathComponent("out")
    let store = base.appendingPathComponent("store")
    #expect(try CommandRunner.run(Self.arguments(out: out, store: store)).status == 0)
    let before = try Self.snapshot(out)
    let generation = try SurveillanceStore.openExisting(at: store.path).currentGeneration()
    // 2 MB (4000 blocks of 512 bytes): every output file fits, the store's second generation does not.
    let quoted = ([CommandRunner.binary.path] + NightlyCommandTests.nightlyArguments(out: out, asOf: "2026-11-22") + ["--store", store.path])
      .map { "'\($0)'" }.joined(separator: " ")
    let result = try CommandRunner.shell("trap '' XFSZ; ulimit -f 4000; exec \(quoted)")
    #expect(result.status != 0)
    #expect(!result.stderr.contains("Fatal error"))
    #expect(try Self.snapshot(out) == before)
    #expect(try manifest(in: out)["as_of"] as? String == "2026-11-21")
    #expect(try SurveillanceStore.openExisting(at: store.path).currentGeneration() == generation)
    let failed = try manifest(in: URL(fileURLWithPath: out.path + ".failed"))
    #expect(failed["status"] as? String == "failed")
    #expect((failed["failure"] as? String)?.contains("store") == true, "\(failed["failure"] ?? "")")
  }
}
