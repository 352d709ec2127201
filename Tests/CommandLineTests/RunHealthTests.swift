import Foundation
import SurveillanceCore
import Testing

/// The morning after: whoever reads a store is told, first, when its records are old or the
/// last nightly run failed; a monitoring system reads the same from `status` and the metrics
/// file.
@Suite(.serialized)
struct RunHealthTests {
  /// Today as the executable sees it (local time).
  static var today: String {
    let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
    return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
  }

  static func nightly(_ directory: URL, asOf: String, extra: [String] = []) throws -> CommandRunner.Output {
    try CommandRunner.run(
      NightlyCommandTests.nightlyArguments(out: directory.appendingPathComponent("out"), asOf: asOf)
        + ["--store", directory.appendingPathComponent("store").path, "--metrics", directory.appendingPathComponent("nightly.prom").path]
        + extra)
  }

  static func patient(_ directory: URL) throws -> CommandRunner.Output {
    try CommandRunner.run(
      ["patient", PatientFixtures.amberChild, "--store", directory.appendingPathComponent("store").path, "--user", "u", "--reason", "r"],
      environment: TestKey.environment)
  }

  static func status(_ directory: URL, _ extra: [String] = []) throws -> CommandRunner.Output {
    try CommandRunner.run(["status", "--store", directory.appendingPathComponent("store").path] + extra)
  }

  @Test func afterAFailedRunTheNextLookUpWarnsFirst() throws {
    let directory = CommandRunner.temporaryDirectory("health-failed")
    #expect(try Self.nightly(directory, asOf: Self.today).status == 0)
    let fresh = try Self.patient(directory)
    #expect(fresh.status == 0, "\(fresh.stderr)")
    #expect(!fresh.stdout.contains("WARNING"), "\(fresh.stdout)")
    #expect(try Self.status(directory).status == 0)

    let failed = try Self.nightly(directory, asOf: Self.today, extra: ["--max-reject-rate", "0"])
    #expect(failed.status == 3)
    let warned = try Self.patient(directory)
    #expect(warned.status == 0, "\(warned.stderr)")
    let lines = warned.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count > 2 && lines[1].hasPrefix("WARNING: The last nightly run"), "the warning comes before the record: \(warned.stdout)")
    #expect(warned.stdout.replacingOccurrences(of: "\n", with: " ").contains("of rows rejected"))

    let status = try Self.status(directory)
    #expect(status.status == 2, "a store that needs attention says so in its exit status")
    #expect(status.stdout.hasPrefix("NEEDS ATTENTION\nWARNING: The last nightly run"), "\(status.stdout)")
    let json = try Self.status(directory, ["--json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(object["healthy"] as? Bool == false)
    let runs = try #require(object["runs"] as? [[String: Any]])
    #expect(runs.map { $0["status"] as? String } == ["failed", "succeeded"])
    #expect(runs[1]["generation"] as? Int == (object["current"] as? [String: Any])?["generation"] as? Int)

    let audit = try CommandRunner.run(["audit", "--store", directory.appendingPathComponent("store").path])
    #expect(audit.stdout.hasPrefix("WARNING: The last nightly run"), "\(audit.stdout)")
  }

  @Test func oldRecordsAreCalledOutOfDateByPatientAndTheReports() throws {
    let directory = CommandRunner.temporaryDirectory("health-old")
    #expect(try Self.nightly(directory, asOf: "2026-11-01").status == 0)
    let check = try Self.patient(directory)
    #expect(check.stdout.split(separator: "\n").dropFirst().first?.hasPrefix("WARNING: These records are as of 2026-11-01") == true, "\(check.stdout)")
    let report = directory.appendingPathComponent("child.html")
    let children = try String(contentsOf: directory.appendingPathComponent("out/children.csv"), encoding: .utf8)
    let someChild = try #require(children.split(separator: "\n").dropFirst().first?.split(separator: ",").first.map(String.init))
    let child = try CommandRunner.run(
      ["report", "child", someChild, "--store", directory.appendingPathComponent("store").path, "--user", "u", "--reason", "r",
       "--out", report.path], environment: TestKey.environment)
    #expect(child.status == 0, "\(child.stderr)")
    let html = try String(contentsOf: report, encoding: .utf8)
    #expect(html.contains("<div class=\"warning\" role=\"alert\"><p>Warning: These records are as of 2026-11-01"))
    #expect(child.stderr.contains("warning: These records are as of 2026-11-01"))

    let generous = try Self.status(directory, ["--stale-after", "3650"])
    #expect(generous.status == 0, "\(generous.stdout)")
  }

  @Test func theMetricsFileIsPrometheusTextAndKeepsTheLastSuccessThroughAFailure() throws {
    let directory = CommandRunner.temporaryDirectory("health-metrics")
    let metrics = directory.appendingPathComponent("nightly.prom")
    #expect(try Self.nightly(directory, asOf: "2026-11-21").status == 0)
    let first = try PrometheusText.parse(try String(contentsOf: metrics, encoding: .utf8))
    #expect(first["asthma_surveillance_last_run_success"] == 1)
    #expect(first["asthma_surveillance_last_run_children"] ?? 0 > 0)
    #expect(first["asthma_surveillance_last_run_rows_read{kind=\"gp_prescriptions\",file=\"gp.csv\"}"] ?? 0 > 0)
    #expect(first["asthma_surveillance_last_run_signals{severity=\"urgent\"}"] != nil)
    // The first run with this store: every signal new, 305 children on the worklist.
    #expect(first["asthma_surveillance_last_run_worklist_signals{status=\"new\"}"] == 1049)
    #expect(Severity.allCases.map { first["asthma_surveillance_last_run_worklist_children{severity=\"\($0.rawValue)\"}"] ?? 0 }.reduce(0, +) == 305)
    #expect(first["asthma_surveillance_last_run_resolved_signals"] == 0)
    #expect(first["asthma_surveillance_last_run_data_warnings"] == 0)
    let succeeded = try #require(first["asthma_surveillance_last_success_timestamp_seconds"])
    #expect(succeeded == first["asthma_surveillance_last_run_timestamp_seconds"])
    #expect(try FileManager.default.attributesOfItem(atPath: metrics.path)[.posixPermissions] as? Int == 0o644)

    #expect(try Self.nightly(directory, asOf: "2026-11-21", extra: ["--max-reject-rate", "0"]).status == 3)
    let second = try PrometheusText.parse(try String(contentsOf: metrics, encoding: .utf8))
    #expect(second["asthma_surveillance_last_run_success"] == 0)
    #expect(second["asthma_surveillance_last_success_timestamp_seconds"] == succeeded, "a failure keeps the time of the last success")
    #expect(second["asthma_surveillance_last_run_timestamp_seconds"] ?? 0 >= succeeded)
    let text = try String(contentsOf: metrics, encoding: .utf8)
    let children = try String(contentsOf: directory.appendingPathComponent("out/children.csv"), encoding: .utf8)
    let numbers = children.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) }
    #expect(!numbers.isEmpty && numbers.allSatisfy { !text.contains($0) }, "the metrics name no child")
    // Run as of three months after the exports end: the run succeeds and warns, and so does
    // the metrics file, for an alert that the data went quiet.
    #expect(try Self.nightly(directory, asOf: "2027-03-01").status == 0)
    let stale = try PrometheusText.parse(try String(contentsOf: metrics, encoding: .utf8))
    #expect(stale["asthma_surveillance_last_run_success"] == 1)
    #expect(stale["asthma_surveillance_last_run_data_warnings"] == 1)
  }
}

/// A strict reader of the Prometheus text exposition format (version 0.0.4): every line a
/// `# HELP`, a `# TYPE` or a sample of a declared metric with a number, label values quoted.
/// Source: <https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format>
enum PrometheusText {
  struct Malformed: Error, CustomStringConvertible {
    var line: String
    var description: String { "not Prometheus text: \(line)" }
  }

  /// Samples by `name{labels}` as written, to their values.
  static func parse(_ text: String) throws -> [String: Double] {
    let name = #/[a-zA-Z_:][a-zA-Z0-9_:]*/#
    let help = #/# HELP (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) .+/#
    let type = #/# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)/#
    let sample = #/(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*")*)?\})? (?<value>[^ ]+)( -?[0-9]+)?/#
    _ = name
    var typed: Set<String> = []
    var samples: [String: Double] = [:]
    guard text.hasSuffix("\n") else { throw Malformed(line: "(no final newline)") }
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
      if let match = line.wholeMatch(of: type) {
        typed.insert(String(match.name))
      } else if line.wholeMatch(of: help) != nil {
        continue
      } else if let match = line.wholeMatch(of: sample), typed.contains(String(match.name)), let value = Double(match.value) {
        samples[String(match.name) + String(match.labels ?? "")] = value
      } else {
        throw Malformed(line: String(line))
      }
    }
    return samples
  }
}
