import CSVReading
import Foundation
import Testing

/// The nightly run on `data-samples/`, pinned end to end: the outputs byte for byte against
/// golden files (regenerated on purpose with `REGENERATE_GOLDEN=1`, then reviewed as a diff),
/// and every pattern the generator planted (`data-samples/planted.csv`, the answer key) firing
/// its signal, with nothing at all for the children planted well controlled.
@Suite(.serialized)
struct SampleOutputTests {
  static let output: Result<URL, any Error> = Result {
    let out = CommandRunner.temporaryDirectory("samples-golden")
    let result = try CommandRunner.run(NightlyCommandTests.nightlyArguments(out: out))
    guard result.status == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
    return out
  }

  /// The manifest without what changes from run to run or with any edit of `rules/`: the
  /// start time, the timings and the rules fingerprint.
  static func stableManifest(_ text: String) -> String {
    var text = text
    for (pattern, replacement) in [
      (#""started_at":"[^"]*""#, #""started_at":"(start time)""#), (#""rules_sha256":"[0-9a-f]*""#, #""rules_sha256":"(rules fingerprint)""#),
      (#""timings_seconds":\{[^}]*\}"#, #""timings_seconds":{}"#),
    ] {
      text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
    }
    return text
  }

  @Test(arguments: ["children.csv", "signals.csv", "unclassified-products.csv", "manifest.json"])
  func theSampleRunsOutputsMatchTheirGoldenFiles(_ name: String) throws {
    let text = try String(contentsOf: try Self.output.get().appendingPathComponent(name), encoding: .utf8)
    try Golden.check(name == "manifest.json" ? Self.stableManifest(text) : text, against: "samples-\(name)")
  }

  /// The signal each planted pattern is built to raise; every child planted with the
  /// pattern must raise it. (`laba_alone` children get a steroid preventer half the time, and
  /// then rightly raise nothing for it; `hakeem_like` raises several, checked elsewhere.)
  static let expected: [String: String] = [
    "reliever_3_to_5": "reliever-overuse", "reliever_6_to_12": "reliever-overuse", "reliever_over_12": "reliever-overuse",
    "low_preventer_ratio": "low-preventer-ratio", "preventer_not_collected": "preventer-not-collected",
    "nebules_from_gp": "nebules-primary-care", "emergency_supply": "emergency-supply",
    "supplied_before_prescription": "supply-before-prescription", "many_pharmacies": "many-pharmacies",
    "oral_steroid_courses": "oral-steroid-courses", "attack_without_review": "attack-without-review",
    "was_not_brought": "was-not-brought", "no_recent_review": "no-annual-review", "reliever_without_preventer": "saba-without-ics",
    "hakeem_like": "nebules-primary-care",
  ]

  /// What a pattern must never raise: a child whose attack was followed up, a child on MART.
  static let forbidden: [String: Set<String>] = [
    "attack_with_review": ["attack-without-review"],
    "mart": ["reliever-overuse", "saba-without-ics", "low-preventer-ratio", "preventer-undersupply", "reliever-rate"],
  ]

  static func rows(_ url: URL) throws -> [[String: String]] {
    var rows: [[String]] = []
    try CSVReader.read(fileAt: url.path) { rows.append($0.fields) }
    let header = rows.removeFirst()
    return rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
  }

  @Test func everyPlantedPatternRaisesItsSignalAndWellControlledChildrenRaiseNothing() throws {
    let planted = try Self.rows(repositoryRoot.appendingPathComponent("data-samples/planted.csv"))
    var signals: [String: Set<String>] = [:]
    for row in try Self.rows(try Self.output.get().appendingPathComponent("signals.csv")) {
      signals[row["nhs_number"]!, default: []].insert(row["signal"]!)
    }
    var checked = 0
    for child in planted {
      let nhs = try #require(child["nhs_number"])
      let pattern = try #require(child["pattern"])
      let raised = signals[nhs] ?? []
      if pattern == "well_controlled" {
        #expect(raised.isEmpty, "\(nhs), planted well controlled, raised \(raised.sorted())")
        checked += 1
      }
      if let signal = Self.expected[pattern] {
        #expect(raised.contains(signal), "\(nhs), planted \(pattern), did not raise \(signal): \(raised.sorted())")
        checked += 1
      }
      if let never = Self.forbidden[pattern] {
        #expect(raised.isDisjoint(with: never), "\(nhs), planted \(pattern), raised \(raised.intersection(never).sorted())")
        checked += 1
      }
    }
    #expect(checked > 400, "the answer key was not read")
  }
}

/// Output files pinned as golden files under `Tests/CommandLineTests/Golden/`.
enum Golden {
  static let directory = repositoryRoot.appendingPathComponent("Tests/CommandLineTests/Golden")

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
      "\(name) differs from the golden file at line \(first + 1):\n  expected: \(shown(expectedLines))\n  actual:   \(shown(actualLines))\nIf the change is intended, run REGENERATE_GOLDEN=1 swift test --filter SampleOutputTests and review the diff.",
      sourceLocation: sourceLocation)
  }
}
