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
