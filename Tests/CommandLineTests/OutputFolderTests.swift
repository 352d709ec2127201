import Foundation
import Testing

/// `--out` never changes who can read an existing folder: one that others can reach is
/// refused with the fix, rather than silently made owner-only.
@Suite struct OutputFolderTests {
  @Test func anExistingFolderOthersCanReadIsRefusedAndLeftAsItWas() throws {
    let shared = CommandRunner.temporaryDirectory("shared-out")
    try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    let result = try CommandRunner.run(NightlyCommandTests.nightlyArguments(out: shared))
    #expect(result.status != 0)
    #expect(result.stderr.contains("mode 755"), "\(result.stderr)")
    #expect(result.stderr.contains("chmod 700 \(shared.path)"), "\(result.stderr)")
    #expect(try FileManager.default.attributesOfItem(atPath: shared.path)[.posixPermissions] as? Int == 0o755)
    #expect(try FileManager.default.contentsOfDirectory(atPath: shared.path) == [])
  }

  @Test func anExistingOwnerOnlyFolderIsUsed() throws {
    let own = CommandRunner.temporaryDirectory("own-out")
    try FileManager.default.createDirectory(at: own, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let result = try CommandRunner.run(NightlyCommandTests.nightlyArguments(out: own))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: own.appendingPathComponent("children.csv").path))
  }

  /// A single report file is written owner-only and renamed into place; the folder it goes
  /// into (a home folder, a team's reports folder) is not swapped, so it may be shared.
  @Test func aReportFileMayBeWrittenIntoAFolderOthersCanList() throws {
    let shared = CommandRunner.temporaryDirectory("shared-report")
    try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    let file = shared.appendingPathComponent("child.html")
    let result = try CommandRunner.run(["report", "child", "9999999018"] + ReportCommandTests.caseInputs + ["--as-of", "2017-11-26", "--out", file.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
    #expect(try FileManager.default.attributesOfItem(atPath: shared.path)[.posixPermissions] as? Int == 0o755)
  }

  @Test func anOutputPathThatCannotBeMadeIsSaidInPlainWords() throws {
    let directory = CommandRunner.temporaryDirectory("plain-words")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let file = directory.appendingPathComponent("a-file")
    try "not a folder".write(to: file, atomically: true, encoding: .utf8)
    let result = try CommandRunner.run(NightlyCommandTests.nightlyArguments(out: file.appendingPathComponent("out")))
    #expect(result.status != 0)
    #expect(result.stderr.contains("cannot create the output directory: not a directory"), "\(result.stderr)")
    #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("UserInfo"))

    let metrics = try CommandRunner.run(
      NightlyCommandTests.nightlyArguments(out: directory.appendingPathComponent("out")) + ["--metrics", file.appendingPathComponent("m.prom").path])
    #expect(metrics.status == 0, "a metrics file that cannot be written does not fail the run: \(metrics.stderr)")
    #expect(metrics.stderr.contains("could not write the metrics file") && !metrics.stderr.contains("NSCocoaErrorDomain"), "\(metrics.stderr)")
  }
}

/// Every command's `--help` ends with an example to copy and what its exit status means.
@Suite struct HelpConventionTests {
  static let commands: [[String]] = [
    ["nightly"], ["patient"], ["audit"], ["status"], ["replay"], ["merge"], ["report", "child"], ["report", "area"], ["report", "rules"],
    ["check-rules"], ["rules", "export"], ["formulary", "build"], ["formulary", "diff"], ["generate"], ["partition"], ["review"], ["worklist"],
  ]

  @Test(arguments: commands) func helpHasAnExampleAndTheExitCodes(_ command: [String]) throws {
    let result = try CommandRunner.run(command + ["--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("Example"), "\(command)")
    #expect(result.stdout.contains("Exit status:\n  0   done"), "\(command)")
    #expect(result.stdout.contains("  64  a usage error"), "\(command)")
    let example = result.stdout.split(separator: "\n").first { $0.hasPrefix("  asthma-surveillance ") }
    #expect(example?.contains(command.joined(separator: " ")) == true, "the example runs this command: \(command)")
  }
}
