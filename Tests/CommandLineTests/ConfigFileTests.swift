import Foundation
import Testing

/// `nightly --config FILE`: the options a nightly job gives every night, from a TOML file
/// keyed by their long names, with the command line overriding it.
@Suite(.serialized)
struct ConfigFileTests {
  static let sampleSettings = """
    # The bundled samples, as nightlyArguments gives them on the command line.
    gp = ["data-samples/gp.csv", "data-samples/gp-emis.csv"]
    pharmacy = ["data-samples/pharmacy.csv", "data-samples/pharmacy-pmr.csv"]
    safeguarding = ["data-samples/safeguarding.csv", "data-samples/safeguarding-la.csv"]
    care-events = ["data-samples/care-events.csv", "data-samples/care-events-emis.csv"]
    as-of = "2026-11-21"
    max-reject-rate = 0.05

    """

  static func write(_ text: String, in directory: URL) throws -> String {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let file = directory.appendingPathComponent("nightly.toml")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
  }

  static func read(_ directory: URL, _ name: String) throws -> String {
    try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
  }

  @Test func theConfigFileGivesTheSameOutputsAsTheSameOptions() throws {
    let directory = CommandRunner.temporaryDirectory("config-same")
    let byOptions = directory.appendingPathComponent("by-options")
    let byConfig = directory.appendingPathComponent("by-config")
    #expect(try CommandRunner.run(NightlyCommandTests.nightlyArguments(out: byOptions)).status == 0)
    let config = try Self.write(Self.sampleSettings + "out = \"\(byConfig.path)\"\n", in: directory)
    let result = try CommandRunner.run(["nightly", "--config", config])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("settings from \(config): as-of, care-events, gp, max-reject-rate, out, pharmacy, safeguarding"))
    for name in ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv", "unclassified-products.csv"] {
      #expect(try Self.read(byConfig, name) == Self.read(byOptions, name), "\(name)")
    }
    func manifest(_ directory: URL) throws -> [String: Any] {
      var object = try #require(try JSONSerialization.jsonObject(with: Data(Self.read(directory, "manifest.json").utf8)) as? [String: Any])
      object["timings_seconds"] = nil
      object["started_at"] = nil
      return object
    }
    #expect(NSDictionary(dictionary: try manifest(byConfig)) == NSDictionary(dictionary: try manifest(byOptions)))
  }

  @Test func theCommandLineOverridesTheConfigFile() throws {
    let directory = CommandRunner.temporaryDirectory("config-override")
    let config = try Self.write(Self.sampleSettings + "out = \"\(directory.appendingPathComponent("from-config").path)\"\n", in: directory)
    let chosen = directory.appendingPathComponent("from-command-line")
    let result = try CommandRunner.run(["nightly", "--config", config, "--out", chosen.path, "--as-of", "2026-11-01"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("given on the command line instead: as-of, out"))
    #expect(FileManager.default.fileExists(atPath: chosen.appendingPathComponent("manifest.json").path))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("from-config").path))
    #expect(try Self.read(chosen, "manifest.json").contains("\"as_of\":\"2026-11-01\""))
  }

  @Test func aBadConfigFileIsRefusedSayingWhereTheProblemIs() throws {
    let directory = CommandRunner.temporaryDirectory("config-bad")
    let unknown = try Self.write(Self.sampleSettings + "out = \"x\"\nmax-rejects = 3\n", in: directory)
    let misspelt = try CommandRunner.run(["nightly", "--config", unknown])
    #expect(misspelt.status == 64)
    #expect(misspelt.stderr.contains("--max-rejects"))
    #expect(misspelt.stderr.contains("came from the config file \(unknown)"), "\(misspelt.stderr)")

    let broken = try Self.write("gp = [\"a.csv\"\n", in: directory)
    let invalid = try CommandRunner.run(["nightly", "--config", broken])
    #expect(invalid.status != 0)
    #expect(invalid.stderr.contains("not valid TOML at line"), "\(invalid.stderr)")

    let missing = try CommandRunner.run(["nightly", "--config", directory.appendingPathComponent("absent.toml").path])
    #expect(missing.status != 0)
    #expect(missing.stderr.contains("the config file cannot be read (no such file or directory)"), "\(missing.stderr)")
    #expect(!missing.stderr.contains("NSCocoaErrorDomain"))
  }
}
