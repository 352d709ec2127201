import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SurveillanceStore

/// The repository root, found from this file (tests must not copy rules/ or data-samples/).
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The bundled samples evaluated in-process as `nightly` would, ready to write to a store.
enum SampleRun {
  static let rules: Result<RuleSet, any Error> = Result { try RuleSource.directory(repositoryRoot.appendingPathComponent("rules")).load().readingTestData() }

  static var inputs: RunInputs {
    func samples(_ names: String...) -> [String] { names.map { repositoryRoot.appendingPathComponent("data-samples/\($0)").path } }
    return RunInputs(
      gp: samples("gp.csv", "gp-emis.csv"), pharmacy: samples("pharmacy.csv", "pharmacy-pmr.csv"),
      safeguarding: samples("safeguarding.csv", "safeguarding-la.csv"), careEvents: samples("care-events.csv", "care-events-emis.csv"))
  }

  /// Evaluated once per date and kept: reading the samples takes a moment.
  nonisolated(unsafe) private static var cache: [CalendarDate: GenerationContents] = [:]
  nonisolated(unsafe) private static var areas: [CalendarDate: LoadedArea] = [:]
  private static let lock = NSLock()

  /// The samples read as `nightly` reads them on `asOf`: the records the run evaluates.
  static func area(asOf: CalendarDate = CalendarDate(iso: "2026-11-21")!) throws -> LoadedArea {
    lock.lock()
    defer { lock.unlock() }
    return try loadedArea(asOf: asOf)
  }

  private static func loadedArea(asOf: CalendarDate) throws -> LoadedArea {
    if let cached = areas[asOf] { return cached }
    let area = try AreaLoader.load(inputs, rules: try rules.get(), earliest: asOf, latest: asOf)
    areas[asOf] = area
    return area
  }

  static func contents(asOf: CalendarDate = CalendarDate(iso: "2026-11-21")!) throws -> GenerationContents {
    lock.lock()
    defer { lock.unlock() }
    if let cached = cache[asOf] { return cached }
    let rules = try rules.get()
    let area = try loadedArea(asOf: asOf)
    let evaluation = AreaEvaluation(rules: rules, inputs: area.kinds)
    var children: [EvaluatedChild] = []
    var excluded: [Exclusion: Int] = [:]
    for record in area.records {
      switch evaluation.evaluated(record, asOf: asOf) {
      case .success(let child): children.append(child)
      case .failure(let why): excluded[why, default: 0] += 1
      }
    }
    let signals = children.flatMap(\.summary.signals)
    let manifest = RunManifest(
      command: "nightly", toolVersion: "test", asOf: asOf, rulesVersion: rules.version, rulesSHA256: String(repeating: "ab", count: 32),
      maxRejectRate: 0.05, inputs: area.reports, childrenCount: children.count, excluded: excluded,
      signalsByRule: RunManifest.count(signals), outputs: ["children.csv", "manifest.json"],
      timings: [("read_and_decode", 1.2345678), ("total", 2.5)], startedAt: "2026-11-22T02:00:00Z",
      extra: [("note", "a \"quoted\" value")])
    let contents = GenerationContents(manifest: manifest, children: children, rejects: area.rejects)
    cache[asOf] = contents
    return contents
  }
}

/// A fresh store directory path (not yet created) under the temporary directory.
func temporaryStorePath(_ name: String) -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent("asthma-store-\(name)-\(UUID().uuidString)").path
}

func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }
