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
}
