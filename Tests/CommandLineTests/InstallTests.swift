import Foundation
import Testing

/// Installed anywhere: a copy of the binary alone, run from a folder with no `rules/`, checks
/// its rules and runs the nightly job with the same results as in the repository, because
/// the repository's `rules/` is built into it.
@Suite(.serialized)
struct InstallTests {
  /// A folder holding only a copy of the built binary, as `install -m 0755` leaves it.
  static func installedCopy() throws -> URL {
    let bin = CommandRunner.temporaryDirectory("install-bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let copy = bin.appendingPathComponent("asthma-surveillance")
    try FileManager.default.copyItem(at: CommandRunner.binary, to: copy)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy.path)
    return copy
  }

  /// An empty working folder: no rules/, nothing of the repository.
  static func emptyFolder(_ name: String) throws -> URL {
    let folder = CommandRunner.temporaryDirectory(name)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  static let rulesVersion: String = {
    let data = (try? Data(contentsOf: repositoryRoot.appendingPathComponent("rules/version.json"))) ?? Data()
    return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["version"] as? String ?? "?"
  }()

  @Test func aCopiedBinaryChecksItsRulesFromAFolderWithoutThem() throws {
    let copy = try Self.installedCopy()
    let folder = try Self.emptyFolder("install-check")
    let result = try CommandRunner.run(["check-rules"], executable: copy, in: folder)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("rules \(Self.rulesVersion) (embedded)"), "\(result.stdout)")
    #expect(result.stdout.contains("19 signal rules"))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("rules").path))
  }

  /// The nightly job on the samples, run by the copy from a folder where `data-samples` is
  /// the only thing (a link, so the paths in the evidence are the repository run's): its
  /// outputs are the golden files, byte for byte.
  @Test func aCopiedBinaryRunsTheNightlyJobFromAnotherFolderWithTheRepositorysResults() throws {
    let copy = try Self.installedCopy()
    let folder = try Self.emptyFolder("install-nightly")
    try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("data-samples"), withDestinationURL: repositoryRoot.appendingPathComponent("data-samples"))
    let out = folder.appendingPathComponent("out/nightly")
    let result = try CommandRunner.run(NightlyCommandTests.nightlyArguments(out: out) + ["--test-data"], executable: copy, in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("rules: embedded rules (version \(Self.rulesVersion))"), "\(result.stderr)")
    for name in ["children.csv", "signals.csv", "unclassified-products.csv", "manifest.json"] {
      var text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
      if name == "manifest.json" { text = SampleOutputTests.stableManifest(text) }
      let golden = try String(contentsOf: Golden.directory.appendingPathComponent("samples-\(name)"), encoding: .utf8)
      #expect(text == golden, "\(name) from the installed copy differs from Golden/samples-\(name)")
    }
  }

  @Test func theManifestSaysWhereTheRulesCameFromAndTheFingerprintIsTheSame() throws {
    let embeddedOut = CommandRunner.temporaryDirectory("rules-embedded")
    let folderOut = CommandRunner.temporaryDirectory("rules-folder")
    let embedded = try CommandRunner.run(NightlyCommandTests.nightlyArguments(out: embeddedOut))
    let folder = try CommandRunner.run(NightlyCommandTests.nightlyArguments(out: folderOut) + ["--rules", "rules"])
    #expect(embedded.status == 0 && folder.status == 0, "\(embedded.stderr)\(folder.stderr)")
    let fromExecutable = try manifest(in: embeddedOut)
    let fromFolder = try manifest(in: folderOut)
    #expect(fromExecutable["rules_source"] as? String == "embedded rules (version \(Self.rulesVersion))")
    #expect(fromFolder["rules_source"] as? String == repositoryRoot.appendingPathComponent("rules").standardizedFileURL.path)
    let fingerprint = try #require(fromExecutable["rules_sha256"] as? String)
    #expect(fingerprint.count == 64)
    #expect(fromFolder["rules_sha256"] as? String == fingerprint)
    for name in ["children.csv", "signals.csv"] {
      #expect(try Data(contentsOf: embeddedOut.appendingPathComponent(name)) == Data(contentsOf: folderOut.appendingPathComponent(name)), "\(name)")
    }
  }

  @Test func rulesExportWritesTheRepositorysRulesByteForByteForUseWithRules() throws {
    let parent = try Self.emptyFolder("rules-export")
    let exported = parent.appendingPathComponent("team-rules")
    let result = try CommandRunner.run(["rules", "export", exported.path], in: parent)
    #expect(result.status == 0, "\(result.stderr)")
    let base = repositoryRoot.appendingPathComponent("rules").path
    let expected = (FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? []).sorted()
    let written = (FileManager.default.enumerator(atPath: exported.path)?.compactMap { $0 as? String } ?? []).sorted()
    #expect(written == expected)
    for path in expected {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
      #expect(FileManager.default.contents(atPath: exported.path + "/" + path) == FileManager.default.contents(atPath: base + "/" + path), "\(path)")
    }
    let checked = try CommandRunner.run(["check-rules", "--rules", exported.path], in: parent)
    #expect(checked.status == 0, "\(checked.stdout)")
    #expect(checked.stdout.contains("(\(exported.standardizedFileURL.path))"), "\(checked.stdout)")

    let again = try CommandRunner.run(["rules", "export", exported.path], in: parent)
    #expect(again.status != 0)
    #expect(again.stderr.contains("is not empty"), "\(again.stderr)")
  }

  /// Someone who edits ./rules and runs without --rules is told their edits are not read.
  @Test func aChangedRulesFolderInTheWorkingFolderIsNamedInTheLogNotRead() throws {
    let folder = try Self.emptyFolder("stale-rules")
    let rules = folder.appendingPathComponent("rules")
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("rules"), to: rules)
    let unchanged = try CommandRunner.run(["check-rules"], in: folder)
    #expect(unchanged.status == 0)
    #expect(!unchanged.stderr.contains("./rules differs"), "\(unchanged.stderr)")

    try FileManager.default.removeItem(at: rules.appendingPathComponent("care.json"))
    let changed = try CommandRunner.run(["check-rules"], in: folder)
    #expect(changed.status == 0, "the embedded rules were checked, not ./rules: \(changed.stdout)")
    #expect(changed.stdout.contains("(embedded)"))
    #expect(changed.stderr.contains("./rules differs from the rules built into this executable"), "\(changed.stderr)")
    let named = try CommandRunner.run(["check-rules", "--rules", "rules"], in: folder)
    #expect(named.status != 0)
    #expect(named.stdout.contains("care.json"), "\(named.stdout)")
  }
}
