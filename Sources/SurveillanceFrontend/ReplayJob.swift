import Foundation
import SurveillanceCore
import SurveillanceStore

/// `replay`: read the exports once, evaluate every child on every date of the schedule.
public struct ReplayJob: Sendable {
  public var inputs: RunInputs
  public var from: CalendarDate
  public var to: CalendarDate
  public var step: ReplayStep
  public var outputPath: String
  public var rules: RuleSet
  public var rulesFingerprint: String
  public var toolVersion: String
  public var log: @Sendable (String) -> Void

  public init(inputs: RunInputs, from: CalendarDate, to: CalendarDate, step: ReplayStep, outputPath: String, rules: RuleSet, rulesFingerprint: String, toolVersion: String, log: @escaping @Sendable (String) -> Void) {
    self.inputs = inputs
    self.from = from
    self.to = to
    self.step = step
    self.outputPath = outputPath
    self.rules = rules
    self.rulesFingerprint = rulesFingerprint
    self.toolVersion = toolVersion
    self.log = log
  }

  public func run() throws -> (path: String, firings: [FirstFiring]) {
    var clock = Stopwatch()
    let output = try OutputDirectory(path: outputPath)
    let lock = try RunLock.acquire(at: RunLock.path(besideOutput: output.url), for: "replay --out \(outputPath)")
    defer { lock.release() }
    let area = try AreaLoader.load(inputs, rules: rules, earliest: from, latest: to).refusingEmptySupplyExports()
    let readSeconds = clock.lap()
    let dates = step.dates(from: from, to: to)
    NightlyJob.logFlagged(area.flaggedProducts, log: log)
    log("replaying \(area.records.count) patient record(s) on \(dates.count) date(s) from \(from) to \(to)")
    let replay = Replay(evaluation: AreaEvaluation(rules: rules, inputs: area.kinds))
    let firings = NightlyJob.parallelMap(area.records) { replay.firstFirings(for: $0, on: dates) }.flatMap { $0 }
    let evaluateSeconds = clock.lap()
    let generation = try output.beginGeneration()
    try generation.write(Replay.firstFiredCSV(firings), to: "first-fired.csv")
    var manifest = RunManifest(
      command: "replay", toolVersion: toolVersion, asOf: to, rulesVersion: rules.version, rulesSHA256: rulesFingerprint,
      maxRejectRate: 1, inputs: area.reports, childrenCount: Set(firings.map(\.first.nhsNumber)).count, excluded: [:],
      signalsByRule: RunManifest.count(firings.map(\.first)), outputs: ["first-fired.csv", "manifest.json"],
      timings: [("read_and_decode", readSeconds), ("replay", evaluateSeconds), ("total", clock.total)],
      startedAt: clock.startedAt,
      extra: [("replay_from", from.description), ("replay_to", to.description), ("replay_every", step.rawValue), ("replay_dates", String(dates.count))] + NightlyJob.testDataNote(rules))
    manifest.record(area.flaggedProducts, formulary: rules.formulary.provenance)
    manifest.rulesSource = rules.source
    try generation.write(manifest.json, to: "manifest.json")
    try generation.publish()
    return (output.url.path, firings)
  }
}
