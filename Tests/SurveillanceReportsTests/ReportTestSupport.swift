import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SurveillanceReports
import Testing

/// The repository root, found from this file (tests read rules/ and data-samples/ in place).
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The rules the tool ships with, loaded once.
enum ShippedRules {
  static let result: Result<RuleSet, any Error> = Result { try RuleSource.directory(repositoryRoot.appendingPathComponent("rules")).load().readingTestData() }
  static func load() throws -> RuleSet { try result.get() }
}

func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

/// Reports made from real CSV files through the frontend, as the command makes them, with
/// file paths shown relative to the repository so that golden files do not depend on where
/// the checkout is.
enum SampleReports {
  static let provenanceVersion = "test"

  /// The child built from the Hakeem serious case review (data-samples/case-hakeem/), as of
  /// the day he died, replayed weekly over the default 24 months.
  static func hakeem() throws -> ChildReport {
    let directory = "data-samples/case-hakeem/"
    let inputs = RunInputs(
      gp: [absolute(directory + "gp.csv")], pharmacy: [absolute(directory + "pharmacy.csv")],
      safeguarding: [absolute(directory + "safeguarding.csv")], careEvents: [absolute(directory + "care-events.csv")])
    return try childReport(inputs, nhs: "9999999018", asOf: "2017-11-26", from: "2015-11-26", step: .week)
  }

  /// A hand-worked well-controlled child (WellControlledChild): monthly preventer, two
  /// relievers, an annual review and a current plan; no signal should fire.
  static func wellControlled() throws -> ChildReport {
    let files = try WellControlledChild.write()
    return try childReport(files, nhs: WellControlledChild.nhsNumber, asOf: "2017-12-20", from: "2016-12-20", step: .month)
  }

  static func childReport(_ inputs: RunInputs, nhs: String, asOf: String, from: String, step: ReplayStep) throws -> ChildReport {
    let rules = try ShippedRules.load()
    let job = ReportChildJob(
      inputs: inputs, nhsNumber: NHSNumber(nhs)!, asOf: date(asOf), replayFrom: date(from), step: step, outputPath: "unused.html",
      rules: rules, rulesFingerprint: "0123456789abcdef0123456789abcdef", toolVersion: provenanceVersion, log: { _ in })
    var report = try job.makeReport()
    report.coverage.files = report.coverage.files.map { relative($0) }
    return report
  }

  /// Who asked for an identified report, for reports made without writing them (so without
  /// an audit entry: only writing a report records one).
  static let unwrittenAccess = IdentifiedReportAccess(
    user: "test", reason: "report rendering test", time: "2026-11-21T09:00:00Z", auditStorePath: "/nonexistent/never-written")

  /// The whole sample area (eight exports) as of the samples' export date.
  static func area(identified: Bool) throws -> AreaReport {
    let samples = "data-samples/"
    let inputs = RunInputs(
      gp: [absolute(samples + "gp.csv"), absolute(samples + "gp-emis.csv")],
      pharmacy: [absolute(samples + "pharmacy.csv"), absolute(samples + "pharmacy-pmr.csv")],
      safeguarding: [absolute(samples + "safeguarding.csv"), absolute(samples + "safeguarding-la.csv")],
      careEvents: [absolute(samples + "care-events.csv"), absolute(samples + "care-events-emis.csv")])
    let identity: ReportAreaJob.Identity = identified ? .identified(unwrittenAccess) : .countsOnly
    let job = ReportAreaJob(
      inputs: inputs, asOf: date("2026-11-21"), trendMonths: 24, identity: identity, outputPath: "unused", rules: try ShippedRules.load(),
      rulesFingerprint: "0123456789abcdef0123456789abcdef", toolVersion: provenanceVersion, log: { _ in })
    var report = try job.makeReport()
    report.coverage.files = report.coverage.files.map { relative($0) }
    return report
  }

  /// Both area reports, built once: reading the sample area takes a few seconds.
  static let pseudonymisedArea = Result { try area(identified: false) }
  static let identifiedArea = Result { try area(identified: true) }

  /// A fixed test key: never a real one.
  static func testPseudonymiser() throws -> Pseudonymiser {
    try Pseudonymiser(keyBytes: Array("asthma-surveillance test key, not for real use".utf8))
  }

  static func absolute(_ path: String) -> String { repositoryRoot.appendingPathComponent(path).path }

  static func relative(_ file: InputFileReport) -> InputFileReport {
    var file = file
    let root = repositoryRoot.path + "/"
    if file.path.hasPrefix(root) { file.path = String(file.path.dropFirst(root.count)) }
    if file.path.hasPrefix(FileManager.default.temporaryDirectory.path) { file.path = (file.path as NSString).lastPathComponent }
    return file
  }
}

/// Golden files: a committed expected output per report, compared byte for byte. Set
/// `REGENERATE_GOLDEN=1` to rewrite them, then review the diff like code.
enum Golden {
  static let directory = repositoryRoot.appendingPathComponent("Tests/SurveillanceReportsTests/Golden")

  static func check(_ actual: String, against name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = directory.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["REGENERATE_GOLDEN"] == "1" {
      try actual.write(to: url, atomically: true, encoding: .utf8)
      return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    guard expected != actual else { return }
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let first = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expectedLines.count, actualLines.count)
    let shown = { (lines: [Substring]) in first < lines.count ? String(lines[first].prefix(300)) : "(end of file)" }
    Issue.record(
      "\(name) differs from the golden file at line \(first + 1):\n  expected: \(shown(expectedLines))\n  actual:   \(shown(actualLines))\nIf the change is intended, run REGENERATE_GOLDEN=1 swift test --filter SurveillanceReportsTests and review the diff.",
      sourceLocation: sourceLocation)
  }
}

/// Strings shaped like an NHS number: ten digits, optionally spaced or hyphenated 3-3-4.
func nhsNumberShapedStrings(in text: String) -> [String] {
  let pattern = try! NSRegularExpression(pattern: "(?<![0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}(?![0-9])")
  let range = NSRange(text.startIndex..., in: text)
  return pattern.matches(in: text, range: range).map { String(text[Range($0.range, in: text)!]) }
}
