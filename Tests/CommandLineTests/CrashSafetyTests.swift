import Foundation
import Testing

/// A nightly run killed at any moment, or stopped by a full disk, leaves the previous outputs
/// whole; running it again gives the same bytes.
@Suite(.serialized)
struct CrashSafetyTests {
  static let files = ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv", "unclassified-products.csv", "manifest.json"]

  func arguments(out: URL, asOf: String) -> [String] {
    NightlyCommandTests.nightlyArguments(out: out, asOf: asOf)
  }

  /// The deterministic outputs of a directory (the manifest holds timings, so it is checked
  /// for presence and its as-of date only).
  func snapshot(_ directory: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    for name in Self.files where name != "manifest.json" {
      result[name] = try Data(contentsOf: directory.appendingPathComponent(name))
    }
    return result
  }

  func asOf(in directory: URL) throws -> String? { try manifest(in: directory)["as_of"] as? String }

  @Test func killingTheRunAtRandomMomentsNeverLeavesAMixedOrBrokenDirectory() throws {
    let out = CommandRunner.temporaryDirectory("kill")
    let reference = CommandRunner.temporaryDirectory("kill-reference")
    #expect(try CommandRunner.run(arguments(out: out, asOf: "2026-11-21")).status == 0)
    #expect(try CommandRunner.run(arguments(out: reference, asOf: "2026-06-30")).status == 0)
    let previous = try snapshot(out)
    let next = try snapshot(reference)
    #expect(previous != next)

    var killedBeforePublishing = 0
    for round in 0..<12 {
      let process = Process()
      process.executableURL = CommandRunner.binary
      process.arguments = arguments(out: out, asOf: "2026-06-30")
      process.currentDirectoryURL = repositoryRoot
      process.standardError = FileHandle.nullDevice
      try process.run()
      usleep(UInt32(50_000 + round * 90_000))  // from 50 ms to about 1 s into the run
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      // Whatever the moment: the directory is one whole generation, the old or the new.
      let now = try snapshot(out)
      let date = try asOf(in: out)
      #expect((now == previous && date == "2026-11-21") || (now == next && date == "2026-06-30"), "round \(round)")
      if date == "2026-11-21" { killedBeforePublishing += 1 }
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !Self.files.contains($0) }
      #expect(leftovers.isEmpty, "round \(round): \(leftovers)")
    }
    #expect(killedBeforePublishing > 0, "no kill landed before the run finished; the test proved nothing")
    // A rerun after the kills gives the reference bytes exactly.
    #expect(try CommandRunner.run(arguments(out: out, asOf: "2026-06-30")).status == 0)
    #expect(try snapshot(out) == next)
    // Killed runs' partial directories are cleaned up by the next run.
    let siblings = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
    #expect(!siblings.contains { $0.hasPrefix(".\(out.lastPathComponent).partial-") })
  }

  @Test func aFullDiskGivesACleanErrorAndKeepsThePreviousOutputs() throws {
    let out = CommandRunner.temporaryDirectory("full")
    #expect(try CommandRunner.run(arguments(out: out, asOf: "2026-11-21")).status == 0)
    let previous = try snapshot(out)
    // A file-size limit stands in for a full disk: writes past 64 KiB fail with EFBIG.
    let quoted = ([CommandRunner.binary.path] + arguments(out: out, asOf: "2026-06-30")).map { "'\($0)'" }.joined(separator: " ")
    let result = try CommandRunner.shell("trap '' XFSZ; ulimit -f 64; exec \(quoted)")
    #expect(result.status != 0)
    #expect(result.stderr.contains("cannot write"), "\(result.stderr)")
    #expect(!result.stderr.contains("Fatal error"))
    #expect(try snapshot(out) == previous)
    #expect(try asOf(in: out) == "2026-11-21")
  }
}
