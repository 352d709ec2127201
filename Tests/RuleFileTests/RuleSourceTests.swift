import Foundation
import SurveillanceCore
import SurveillanceFrontend
import Testing

/// The rules built into the executable are the repository's `rules/`, byte for byte, and the
/// loader treats them exactly as it treats a folder: same files, same fingerprint, same rule
/// set, same problems for the same broken files.
struct RuleSourceTests {
  static let folder = RuleSource.directory(repositoryRoot.appendingPathComponent("rules"))

  /// Every file of a folder, read by hand (not through `RuleSource`), by path inside it.
  static func filesByHand(in folder: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let base = folder.standardizedFileURL.path
    for case let path as String in FileManager.default.enumerator(atPath: base)! {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
      files[path] = try Data(contentsOf: URL(fileURLWithPath: base + "/" + path))
    }
    return files
  }

  @Test func theEmbeddedRulesAreTheRepositorysRulesFolderByteForByte() throws {
    let onDisk = try Self.filesByHand(in: repositoryRoot.appendingPathComponent("rules"))
    let embedded = RuleSource.embedded
    #expect(embedded.filePaths() == onDisk.keys.sorted(), "files added to or removed from rules/ since the build")
    for path in onDisk.keys.sorted() {
      #expect(try embedded.contents(of: path) == onDisk[path], "rules/\(path) differs from its embedded copy: rebuild")
    }
    #expect(onDisk.count > 40, "rules/ read as \(onDisk.count) files")
  }

  /// A store written by a run with either accepts reports made with the other, and the
  /// manifest's `rules_sha256` means one thing.
  @Test func theEmbeddedRulesHaveTheFingerprintOfTheFolderTheyWereBuiltFrom() {
    let embedded = RuleSource.embedded.fingerprint()
    #expect(embedded == Self.folder.fingerprint())
    #expect(embedded.count == 64 && embedded.allSatisfy(\.isHexDigit))
  }

  @Test func theFingerprintChangesWithAnyByteOfAnyFile() throws {
    var files = try Self.filesByHand(in: repositoryRoot.appendingPathComponent("rules"))
    let original = RuleSource.inMemory(files, name: "copy").fingerprint()
    #expect(original == Self.folder.fingerprint())
    files["codelists/SOURCES.md"]!.append(UInt8(ascii: "\n"))
    #expect(RuleSource.inMemory(files, name: "copy").fingerprint() != original)
  }

  @Test func theEmbeddedRulesLoadToTheSameRuleSetAsTheFolder() throws {
    let embedded = try RuleSource.embedded.load()
    let folder = try Self.folder.load()
    #expect(embedded.version == folder.version)
    #expect(embedded.signals.map(\.id) == folder.signals.map(\.id))
    #expect(embedded.profiles.map(\.id) == folder.profiles.map(\.id))
    #expect(embedded.formulary.provenance.map { "\($0.0)=\($0.1)" } == folder.formulary.provenance.map { "\($0.0)=\($0.1)" })
    #expect(embedded.source == "embedded rules (version \(folder.version))")
    #expect(folder.source == repositoryRoot.appendingPathComponent("rules").standardizedFileURL.path)
  }

  @Test(arguments: ["", "inputs", "signals", "codelists", "formulary", "calendar", "no-such-folder"])
  func foldersListTheSameNamesEmbeddedAndOnDisk(_ folder: String) {
    #expect(RuleSource.embedded.names(in: folder) == Self.folder.names(in: folder))
  }

  /// The same broken files give the same problems, word for word, from a folder and from
  /// memory (where the embedded rules are kept).
  @Test func brokenFilesGiveTheSameProblemsFromAFolderAndFromMemory() throws {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("rule-source-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: copy) }
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("rules"), to: copy)
    try FileManager.default.removeItem(at: copy.appendingPathComponent("care.json"))
    try FileManager.default.removeItem(at: copy.appendingPathComponent("codelists/ebmdatalab-saba-codelist.csv"))
    let rule = copy.appendingPathComponent("signals/reliever-rate.json")
    try Data(try String(contentsOf: rule, encoding: .utf8).replacingOccurrences(of: "\"reliever_devices\"", with: "\"relief_devices\"").utf8).write(to: rule)
    try Data("{\"version\": ".utf8).write(to: copy.appendingPathComponent("timeline.json"))

    func problems(_ source: RuleSource) -> [String] {
      do {
        _ = try source.load()
        return []
      } catch { return error.problems }
    }
    let fromFolder = problems(.directory(copy))
    let fromMemory = problems(.inMemory(try Self.filesByHand(in: copy), name: "copy"))
    #expect(fromFolder == fromMemory)
    for file in ["care.json", "ebmdatalab-saba-codelist.csv", "signals/reliever-rate.json", "timeline.json"] {
      #expect(fromFolder.contains { $0.contains(file) }, "no problem names \(file): \(fromFolder)")
    }
    #expect(!fromFolder.joined().contains(copy.path), "problems name files by their path inside the rules: \(fromFolder)")
  }

  /// Pseudonymised reports suppress small numbers by the threshold in `reports.json`; a
  /// threshold that would suppress nothing, or a file without one, stops the rules loading
  /// rather than publishing every count.
  @Test func disclosureControlIsReadFromReportsJSONAndMustSuppressSomething() throws {
    #expect(try Self.folder.load().reports.disclosureControl == DisclosureControl(suppressBelow: 5))
    let shipped = try Self.filesByHand(in: repositoryRoot.appendingPathComponent("rules"))
    let text = String(decoding: shipped["reports.json"]!, as: UTF8.self)
    func problems(_ reports: String) -> [String] {
      var files = shipped
      files["reports.json"] = Data(reports.utf8)
      do {
        _ = try RuleSource.inMemory(files, name: "copy").load()
        return []
      } catch { return error.problems }
    }
    #expect(problems(text.replacingOccurrences(of: "\"suppress_below\": 5", with: "\"suppress_below\": 2")) == [
      "reports.json: disclosure_control.suppress_below is 2: it must be at least 3, or 'fewer than' gives the count away"
    ])
    let withoutPolicy = problems(text.replacingOccurrences(of: "\"disclosure_control\"", with: "\"not_disclosure_control\""))
    #expect(withoutPolicy.count == 1 && withoutPolicy[0].hasPrefix("reports.json:") && withoutPolicy[0].contains("disclosure_control"), "\(withoutPolicy)")
  }

  @Test func rulesComeFromTheOptionThenTheEnvironmentThenTheExecutable() {
    let variable = RuleSource.environmentVariable
    // `swift test` runs in the repository, beside ./rules: neither given, the executable's
    // rules are used all the same, so a run's rules never depend on the folder it starts in.
    #expect(RuleSource.locate(nil, environment: [:]).isEmbedded)
    #expect(RuleSource.locate(nil, environment: [variable: ""]).isEmbedded)
    #expect(RuleSource.locate(nil, environment: [variable: "/srv/rules"]).directoryURL?.path == "/srv/rules")
    #expect(RuleSource.locate("/opt/team-rules", environment: [variable: "/srv/rules"]).directoryURL?.path == "/opt/team-rules")
  }

  @Test func aFolderThatDoesNotExistIsAnErrorNotTheEmbeddedRules() {
    #expect {
      _ = try RuleSource.locate("/no/such/rules", environment: [:]).load()
    } throws: { error in
      (error as? RulesError)?.problems.first?.contains("the rules directory does not exist") == true
    }
  }

  @Test func exportWritesEveryFileByteForByteAndRefusesAFolderThatIsNotEmpty() throws {
    let parent = FileManager.default.temporaryDirectory.appendingPathComponent("rule-export-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: parent) }
    try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    let target = parent.appendingPathComponent("rules")
    let count = try RuleSource.embedded.export(to: target)
    let written = try Self.filesByHand(in: target)
    #expect(count == written.count)
    #expect(written == (try Self.filesByHand(in: repositoryRoot.appendingPathComponent("rules"))))
    #expect(RuleSource.directory(target).fingerprint() == RuleSource.embedded.fingerprint())
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["rules"], "the staging folder was left behind")
    let mode = try FileManager.default.attributesOfItem(atPath: target.appendingPathComponent("signals/reliever-rate.json").path)[.posixPermissions] as? Int
    #expect(mode == 0o644)
    #expect(throws: RuleExportError.self) { try RuleSource.embedded.export(to: target) }
    #expect(try Self.filesByHand(in: target) == written, "a refused export changed the folder")
  }
}
