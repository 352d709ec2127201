import Dispatch
import Foundation
import SurveillanceCore
import SurveillanceStore

/// The nightly run: read, reconcile, evaluate, write.
public struct NightlyJob: Sendable {
  public var inputs: RunInputs
  public var asOf: CalendarDate
  public var outputPath: String
  public var maxRejectRate: Double
  public var rules: RuleSet
  public var rulesFingerprint: String
  public var toolVersion: String
  public var log: @Sendable (String) -> Void
  /// A store directory to persist the run into as a new generation (`--store`), or `nil`.
  public var storePath: String?
  /// Hold and evaluate only one shard's children (`--shard I/N`); `nil` for the whole area.
  public var shard: ShardSelection?
  /// How long to wait for another run holding the output directory or the store (`--wait`).
  public var waitSeconds: Double = 0
  /// Where to write the run's metrics in the Prometheus text format (`--metrics`), or `nil`.
  public var metricsPath: String?
  /// Progress through long phases, for a person at a terminal: each call replaces the last.
  /// `nil` (as for a scheduled run, whose log should hold only what happened) shows none.
  public var progress: (@Sendable (String) -> Void)?
  /// Children evaluated, and given to the store, at a time: a store holds one wave's
  /// timelines, not the area's. Outputs are the same bytes whatever the size.
  public var waveSize = 20_000
  /// Rows to decode that the run holds at a time (`--pass-rows`): an area with more is read in
  /// passes by NHS number, each holding about this many. `nil` reads the area in one pass
  /// whatever its size. Outputs are the same bytes either way.
  public var rowsPerPass: Int? = NightlyJob.defaultRowsPerPass
  /// About 700 MB at the most for a pass, from the benchmark's area (README, Performance).
  public static let defaultRowsPerPass = 1_500_000
  /// Segments to cut large exports into, to read them side by side (``ReadingPlan``): `nil`
  /// cuts only an export much larger than the others; tests set a size to cut every file.
  public var segmentBytes: Int?

  public init(inputs: RunInputs, asOf: CalendarDate, outputPath: String, maxRejectRate: Double, rules: RuleSet, rulesFingerprint: String, toolVersion: String, log: @escaping @Sendable (String) -> Void) {
    self.inputs = inputs
    self.asOf = asOf
    self.outputPath = outputPath
    self.maxRejectRate = maxRejectRate
    self.rules = rules
    self.rulesFingerprint = rulesFingerprint
    self.toolVersion = toolVersion
    self.log = log
  }

  /// What a finished run reports; `failure` is set when the run must exit non-zero.
  public struct Outcome: Sendable {
    public var manifest: RunManifest
    public var failure: String?
    /// Where this run's files are: the output directory, or for a failed run the directory
    /// beside it that holds its manifest and rejected rows (``failedOutputPath``).
    public var outputDirectory: URL
    /// The store generation the run made current, when it had a store and succeeded.
    public var storeRunID: Int64? = nil
  }

  /// Where a failed run puts its manifest, rejected rows and product list: beside `--out`,
  /// which keeps the last good run's outputs untouched.
  public var failedOutputPath: String { URL(fileURLWithPath: outputPath).standardizedFileURL.path + ".failed" }

  public func run() throws -> Outcome {
    var clock = Stopwatch()
    let output = try OutputDirectory(path: outputPath)
    // One run at a time writes these outputs and this store: a second waits, or stops having
    // changed nothing. The kernel lets go of both locks however this process ends.
    let outputLock = try RunLock.acquire(at: RunLock.path(besideOutput: output.url), for: "nightly --out \(outputPath)", wait: waitSeconds)
    defer { outputLock.release() }
    let store = try openStore()  // before the long part: a bad store path fails at once
    let storeLock = try store.map { try $0.lockForWriting(for: "nightly --store \($0.path)", wait: waitSeconds) }
    defer { storeLock?.release() }
    // The store remembers the run from its start: one killed half way stays `running`, and
    // the next morning's look-ups say so.
    let outcomeID = try store?.recordRunStarted(command: "nightly", startedAt: clock.startedAt, asOf: asOf)
    do {
      let outcome = try evaluateAndPublish(output: output, store: store, storeLock: storeLock, clock: &clock)
      finishRun(in: store, id: outcomeID, clock: clock, outcome: outcome, error: nil)
      return outcome
    } catch {
      finishRun(in: store, id: outcomeID, clock: clock, outcome: nil, error: error)
      throw error
    }
  }

  /// Completes the store's record of this run, and writes the metrics file. Neither may turn
  /// a finished run into a failed one: a problem writing them is logged.
  private func finishRun(in store: SurveillanceStore?, id: Int64?, clock: Stopwatch, outcome: Outcome?, error: (any Error)?) {
    let finishedAt = ISO8601DateFormatter().string(from: Date())
    let failure = outcome?.failure ?? error.map { "\($0)" }
    let manifest = outcome?.manifest
    if let store, let id {
      let record = RunOutcome(
        id: id, command: "nightly", startedAt: clock.startedAt, finishedAt: finishedAt, asOf: asOf,
        status: failure == nil ? .succeeded : .failed, failure: failure, runID: outcome?.storeRunID,
        rowsRead: manifest.map { $0.inputs.reduce(0) { $0 + $1.rowsRead } },
        rowsRejected: manifest.map { $0.inputs.reduce(0) { $0 + $1.rowsRejected } }, childrenCount: manifest?.childrenCount,
        signals: manifest.map { $0.signalsByRule.values.reduce(0) { $0 + $1.values.reduce(0, +) } }, seconds: clock.total)
      do {
        try store.finishRun(record)
      } catch {
        log("warning: could not record how this run ended in the store: \(error)")
      }
    }
    if let metricsPath {
      let metrics = RunMetrics(
        finishedAt: Date(), succeeded: failure == nil, seconds: clock.total, asOf: asOf, manifest: manifest,
        previousFile: metricsPath)
      do {
        try metrics.write(to: metricsPath)
      } catch {
        log("warning: could not write the metrics file \(metricsPath): \(FileErrorText.describe(error))")
      }
    }
  }

  /// Reads, evaluates and publishes, holding the locks `run()` took.
  ///
  /// An area too large to hold at once is read in passes (``rowsPerPass``), each holding the
  /// children of one range of NHS numbers: each pass's rows are evaluated, written to the
  /// staged outputs and to the store, and let go before the next, so memory is bounded by a
  /// pass, not by the area. The outputs are the bytes one pass would write.
  private func evaluateAndPublish(
    output: OutputDirectory, store: SurveillanceStore?, storeLock: RunLock?, clock: inout Stopwatch
  ) throws -> Outcome {
    log("reading \(inputs.files.count) export(s) as of \(asOf)")
    let selection = shard
    // A shard holds, and plans its passes from, its own children's rows.
    let keep: @Sendable (NHSNumber) -> Bool = { number in selection?.contains(number) ?? true }
    // The first read counts every row and holds what fits; it says what passes remain.
    let firstRole = AreaLoader.firstRole(for: inputs, rowsPerPass: rowsPerPass)
    var firstArea: LoadedArea? = try AreaLoader.load(inputs, rules: rules, earliest: asOf, latest: asOf, role: firstRole, segmentBytes: segmentBytes, keep: keep)
    let passes = firstArea!.passes
    if passes.count > 1 { log("reading the exports in \(passes.count) passes of about \(rowsPerPass ?? 0) rows each, by NHS number") }
    let evaluation = AreaEvaluation(rules: rules, inputs: inputs.kinds)
    let fileNames = inputs.files.map(\.name)
    let renderer = RunOutputs(fileNames: fileNames)
    let shardNote = shard.map { [("shard", $0.shard.description), ("key_fingerprint", $0.pseudonymiser.keyFingerprint)] } ?? []
    let passNote = passes.count > 1 ? [("reading_passes", String(passes.count))] : []
    let partitionNote = inputs.partition.map { [("partition_sha256", $0)] } ?? []
    var read = PassTotals()
    // With a store, each signal is compared with the last run before tonight's date and with
    // its reviews; without one there is no history, and no status is guessed.
    let stored = try store?.signalHistory(before: asOf)
    let history = stored?.history
    var worklist = WorklistTally(history: history, childAgeUnderYears: rules.timeline.childAgeUnderYears)
    let pharmacyFromNote = rules.timeline.pharmacyDataFrom.map { [(RunManifest.pharmacyDataFromKey, $0.description)] } ?? []
    // What the run doubts about its exports (``ExportCoverageCheck``, ``AsOfCheck``), by the
    // manifest key each is kept under.
    func coverageWarnings(_ counts: EvaluatedCounts) -> [(String, String)] {
      [
        ("pharmacy_coverage_warning", counts.exportCoverage.lateDispensingWarning(policy: rules.timeline)),
        ("exports_end_warning", counts.exportCoverage.staleExportsWarning(asOf: asOf, policy: rules.timeline)),
        ("as_of_warning", AsOfCheck.warning(read.reports, asOf: asOf)),
      ].compactMap { key, warning in warning.map { (key, $0) } }
    }
    // A shard sees its own children only: its first dispensing is not the area's, and
    // `merge` puts together shard manifests that must agree. Its log still says.
    func coverageNote(_ counts: EvaluatedCounts) -> [(String, String)] {
      !inputs.isPartitioned && shard == nil ? coverageWarnings(counts) : []
    }
    func manifest(status: String, failure: String?, outputs: [String], counts: EvaluatedCounts, timings: [(String, Double)]) -> RunManifest {
      var manifest = RunManifest(
        command: "nightly", toolVersion: toolVersion, asOf: asOf, rulesVersion: rules.version, rulesSHA256: rulesFingerprint,
        status: status, failure: failure, maxRejectRate: maxRejectRate, inputs: read.reports, childrenCount: counts.children,
        excluded: counts.excluded, signalsByRule: counts.signalsByRule, outputs: outputs, timings: timings,
        startedAt: clock.startedAt,
        extra: shardNote + partitionNote + passNote + Self.testDataNote(rules) + pharmacyFromNote + coverageNote(counts))
      manifest.record(read.flaggedProducts, formulary: rules.formulary.provenance)
      manifest.rulesSource = rules.source
      // A failed run writes no worklist, so its manifest counts none.
      manifest.worklist = status == "ok" ? worklist.counts : nil
      return manifest
    }
    func failure(of reports: [InputFileReport]) -> String? {
      // A shard of a partition holds a share of each file's rows (and shard 1 every row that
      // names no child): `merge`, which adds them up, checks the rate for the whole file.
      // (`partition` refuses an empty export before any shard runs.)
      if inputs.isPartitioned { return nil }
      if let empty = EmptySupplyExports.failure(reports) { return empty }
      for report in reports where report.rejectRate > maxRejectRate {
        return "\(report.path): \(percent(report.rejectRate)) of rows rejected (\(report.rowsRejected) of \(report.rowsRead)), above the maximum of \(percent(maxRejectRate)); see rejects.csv in \(failedOutputPath) for each row and reason"
      }
      return nil
    }
    // The three per-child files are written as each wave is evaluated, into a staged
    // generation that replaces the previous run's outputs only when the run succeeds. They are
    // the run's bulk (124 MB for an area-year), and nothing in the run reads them back: they go
    // to the disk without passing through the page cache.
    let generation = try output.beginGeneration()
    let children = try generation.writer(for: "children.csv", bypassingPageCache: true)
    let signalRows = try generation.writer(for: "signals.csv", bypassingPageCache: true)
    let signalLines = try generation.writer(for: "signals.jsonl", bypassingPageCache: true)
    try children.append(Array(RunOutputs.childrenCSVHeader.utf8))
    try signalRows.append(Array(RunOutputs.signalsCSVHeader.utf8))
    // A good run with a store writes each wave of children into a new generation as soon as
    // it is evaluated. Nobody sees the generation until it is finished, after the outputs are
    // staged. A run whose one pass already shows it failed never starts one.
    var session: GenerationSession?
    var counts = EvaluatedCounts()
    // A store that cannot take a wave (a full disk) fails the run, but only once every child
    // is evaluated, so the failed run's manifest counts them as a good run's would.
    var storeFailure: (any Error)?
    var readSeconds = 0.0
    var evaluateSeconds = 0.0
    let renderBuffers = RenderBuffers()
    for pass in passes {
      let area: LoadedArea
      if let first = firstArea {
        area = first
        firstArea = nil
      } else {
        area = try AreaLoader.load(inputs, rules: rules, earliest: asOf, latest: asOf, role: .later(pass), segmentBytes: segmentBytes, keep: keep)
      }
      read.add(area)
      readSeconds += clock.lap()
      let records = area.records
      if session == nil, storeFailure == nil, let store, let storeLock, passes.count > 1 || failure(of: read.reports) == nil {
        session = try store.beginGeneration(
          manifest(status: "running", failure: nil, outputs: [], counts: EvaluatedCounts(), timings: []), holding: storeLock,
          expectedChildren: records.count * passes.count, progress: storeProgress)
        session?.keepHistory(asOf: asOf, comparedWith: stored?.baselineRunID)
      }
      let keepTimelines = session != nil
      for wave in Self.waves(of: records.count, size: max(1, waveSize)) {
        // Each run of children is evaluated and its rows of the three child and signal files
        // rendered in one go, on every core; this thread writes each run's rows out, in order,
        // while the cores go on with the next runs.
        let ranges = Self.runs(of: wave.count, count: ProcessInfo.processInfo.activeProcessorCount * 8).map { $0.shifted(by: wave.lowerBound) }
        var runs: [EvaluatedRun] = []
        try Self.parallelMap(ranges, { run in
          EvaluatedRun(
            records[run], evaluation: evaluation, renderer: renderer, asOf: asOf, keepTimelines: keepTimelines, history: history,
            into: renderBuffers.take())
        }, receivingInOrder: { (run: consuming EvaluatedRun) throws(OutputError) in
          counts.add(run)
          worklist.add(run)
          let rows = run.takeRenderedRows()
          try children.append(rows.children)
          try signalRows.append(rows.signalRows)
          try signalLines.append(rows.signalLines)
          renderBuffers.give(consume rows)
          if session != nil { runs.append(run) }
        })
        if let session, storeFailure == nil {
          do {
            try session.append(runs.flatMap(\.evaluatedChildren))
            try session.appendHistory(runs.flatMap(\.historyRows))
          } catch {
            storeFailure = error
            session.abandon()
          }
        }
      }
      evaluateSeconds += clock.lap()
      Self.releaseElsewhere((consume area, consume records))
    }
    for report in read.reports {
      // Rows of empty fields are accepted but carry nothing: said, so that nobody wonders.
      let empty = report.outOfScope[.emptyRow].map { ", \($0) of them empty rows (every field empty)" } ?? ""
      log("\(report.path): \(report.rowsRead) rows read, \(report.rowsAccepted) accepted\(empty), \(report.rowsRejected) rejected (profile \(report.profile), \(report.encoding))")
    }
    Self.logFlagged(read.flaggedProducts, log: log)
    log("\(counts.children) children evaluated, \(counts.signals) signal(s)")
    for (_, warning) in coverageWarnings(counts) { log("warning: " + warning) }
    let resolved = worklist.finish(asOf: asOf)
    if let counts = worklist.counts { log(counts.summary) }
    let rejects = read.rejects
    let productsCSV = renderer.unclassifiedProductsCSV(read.flaggedProducts)
    if let failure = failure(of: read.reports) {
      // The last good run's outputs and the store's generation stay as they were; this run's
      // manifest and rejected rows go beside them.
      session?.abandon()
      let failed = manifest(
        status: "failed", failure: failure, outputs: ["rejects.csv", "unclassified-products.csv", "manifest.json"], counts: counts,
        timings: [("read_and_decode", readSeconds), ("evaluate_and_render", evaluateSeconds), ("total", clock.total)])
      let where_ = try writeFailedRun(failed, rejects: renderer.rejectsCSV(rejects), products: productsCSV)
      if let store {
        let previous = try store.currentGeneration()
        log("store \(store.path) not updated: the run failed; " + (previous.map { "the generation as of \($0.asOf) stays current" } ?? "it holds no generation yet"))
      }
      log("\(output.url.path) left as it was; this run's manifest and rejected rows are in \(where_.path)")
      return Outcome(manifest: failed, failure: failure, outputDirectory: where_)
    }
    var outputs = ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv", "unclassified-products.csv", "manifest.json"]
    if history != nil { outputs += ["worklist.csv", "worklist/", "resolved.csv"] }
    var published: RunManifest
    var storeRunID: Int64?
    do {
      // All six files replace the previous run's together, or not at all.
      try children.finish()
      try signalRows.finish()
      try signalLines.finish()
      let files: [(name: String, parts: [[UInt8]])] = [
        ("rejects.csv", [Array(renderer.rejectsCSV(rejects).utf8)]), ("unclassified-products.csv", [Array(productsCSV.utf8)]),
      ]
      for result in Self.parallelMap(files, { file in Result { try generation.write(file.parts, to: file.name) } }) {
        try result.get()
      }
      // A run without history leaves no worklist behind from an earlier one with a store.
      generation.dropFromPrevious(WorklistTally.outputNames)
      if let resolved { try worklist.write(resolved: resolved, into: generation) }
      let writeSeconds = clock.lap()
      published = manifest(
        status: "ok", failure: nil, outputs: outputs, counts: counts,
        timings: [("read_and_decode", readSeconds), ("evaluate_and_render", evaluateSeconds), ("write", writeSeconds), ("total", clock.total)])
      try generation.write(published.json, to: "manifest.json")
      // The store first, then the outputs: a store write that fails leaves both on the last
      // good run (the staged outputs are dropped), and the outputs never name a run the store
      // does not hold.
      if let session, let store {
        do {
          if let storeFailure { throw storeFailure }
          let report = try session.finish(manifest: published, rejects: rejects, writtenAt: ISO8601DateFormatter().string(from: Date()))
          storeRunID = report.runID
          log("store \(store.path): generation \(report.runID) current, \(counts.children) children, \(report.rows) rows in \(String(format: "%.1f", report.seconds)) s")
        } catch {
          var failed = published
          failed.status = "failed"
          failed.failure = "the store could not be written: \(error)"
          failed.outputs = ["rejects.csv", "unclassified-products.csv", "manifest.json"]
          let where_ = try? writeFailedRun(failed, rejects: renderer.rejectsCSV(rejects), products: productsCSV)
          log("\(output.url.path) left as it was" + (where_.map { "; this run's manifest is in \($0.path)" } ?? ""))
          throw error
        }
      }
      try generation.publish()
    } catch {
      session?.abandon()
      throw error
    }
    // A failure from an earlier night no longer describes the outputs.
    try? FileManager.default.removeItem(atPath: failedOutputPath)
    return Outcome(manifest: published, failure: nil, outputDirectory: output.url, storeRunID: storeRunID)
  }

  /// `0..<total` in consecutive ranges of `size`.
  static func waves(of total: Int, size: Int) -> [Range<Int>] {
    stride(from: 0, to: total, by: size).map { $0..<min(total, $0 + size) }
  }

  /// Writes a failed run's manifest, rejected rows and product list into ``failedOutputPath``,
  /// replacing an earlier failure's, and returns where.
  func writeFailedRun(_ manifest: RunManifest, rejects: String, products: String) throws -> URL {
    let failed = try OutputDirectory(path: failedOutputPath)
    let generation = try failed.beginGeneration()
    try generation.write(rejects, to: "rejects.csv")
    try generation.write(products, to: "unclassified-products.csv")
    try generation.write(manifest.json, to: "manifest.json")
    try generation.publish()
    return failed.url
  }

  /// Says, without naming any child, how many products the run could not classify or found
  /// contradicting their name, and where they are listed.
  static func logFlagged(_ products: [FlaggedProduct], log: (String) -> Void) {
    let unclassified = products.filter { $0.finding.kind == "unclassified_respiratory" }
    let conflicts = products.count - unclassified.count
    if !unclassified.isEmpty {
      let rows = unclassified.reduce(0) { $0 + $1.rows }
      log("\(unclassified.count) respiratory product(s) could not be classified (\(rows) row(s), kept on the children's records and counted by no rule): see unclassified-products.csv")
    }
    if conflicts > 0 {
      log("\(conflicts) product(s) had a code and a name that disagree (the role that can raise a signal was kept): see unclassified-products.csv")
    }
  }

  /// The manifest's note that the run read test data (test-range NHS numbers accepted).
  static func testDataNote(_ rules: RuleSet) -> [(String, String)] {
    rules.nhsNumbers.acceptsTestNumbers ? [("test_data", "NHS numbers from the test ranges accepted (--test-data)")] : []
  }

  /// Lets go of `value` on another thread. An area's records and signals are a million small
  /// objects, and freeing them one by one takes a tenth of a second that nobody needs to wait
  /// for: the caller moves on, or the process exits.
  static func releaseElsewhere<T>(_ value: consuming T) {
    let garbage = Garbage(value)
    DispatchQueue.global(qos: .utility).async { withExtendedLifetime(garbage) {} }
  }

  private func percent(_ rate: Double) -> String {
    let tenths = Int((rate * 1000).rounded())
    return "\(tenths / 10).\(tenths % 10)%"
  }

  /// `transform` over `items` on every core, each result handed to `receive` on the calling
  /// thread in input order as soon as it and those before it are ready: while the caller
  /// writes one result out, the cores go on with the next items.
  static func parallelMap<T: Sendable, R: Sendable, E: Error>(
    _ items: [T], _ transform: @escaping @Sendable (T) -> R, receivingInOrder receive: (consuming R) throws(E) -> Void
  ) throws(E) {
    let slots = OrderedSlots<R>(count: items.count)
    let finished = DispatchGroup()
    finished.enter()
    DispatchQueue.global().async {
      DispatchQueue.concurrentPerform(iterations: items.count) { index in slots.fill(index, with: transform(items[index])) }
      finished.leave()
    }
    // The workers read `items` and fill `slots` until they are done, whatever `receive` does.
    defer { finished.wait() }
    for index in items.indices { try receive(slots.take(index)) }
  }

  /// `transform` over `items` on every core, results in input order.
  public static func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
    let chunks = runs(of: items.count, count: ProcessInfo.processInfo.activeProcessorCount * 4)
    let results = Mutex<[[R]]>(Array(repeating: [], count: chunks.count))
    DispatchQueue.concurrentPerform(iterations: chunks.count) { chunk in
      let mapped = items[chunks[chunk]].map(transform)
      results.withLock { $0[chunk] = mapped }
    }
    return results.withLock { $0 }.flatMap { $0 }
  }
}

extension NightlyJob {
  /// `0..<total` cut into at most `count` consecutive, nearly equal ranges.
  static func runs(of total: Int, count: Int) -> [Range<Int>] {
    let size = max(1, (total + count - 1) / max(count, 1))
    return stride(from: 0, to: total, by: size).map { $0..<min(total, $0 + size) }
  }
}

/// Wall-clock timing for the manifest.
struct Stopwatch {
  private let start = Date()
  private var last = Date()
  let startedAt: String

  init() {
    let formatter = ISO8601DateFormatter()
    startedAt = formatter.string(from: start)
  }

  mutating func lap() -> Double {
    let now = Date()
    defer { last = now }
    return now.timeIntervalSince(last)
  }

  var total: Double { Date().timeIntervalSince(start) }
}

/// One run of children evaluated, with its rows of `children.csv`, `signals.csv` and
/// `signals.jsonl` already rendered, and what the manifest counts of it.
private struct EvaluatedRun: Sendable {
  var children = 0
  var signalsByRule: [String: [Severity: Int]] = [:]
  var excluded: [Exclusion: Int] = [:]
  var exportCoverage = ExportCoverageCheck()
  /// The children with their timelines, for a store; emptied once it has them.
  var evaluatedChildren: [EvaluatedChild] = []
  var rendered = RenderedRows()
  /// With history: this run's signals as history keeps them, the children who need a look,
  /// the signals a review covers, and what became of children who had signals last run.
  var historyRows: [HistoryRow] = []
  var worklistEntries: [WorklistEntry] = []
  var coveredByReview = 0
  var outcomes: [NHSNumber: ChildOutcome] = [:]

  init(
    _ records: ArraySlice<ChildRecord>, evaluation: AreaEvaluation, renderer: RunOutputs, asOf: CalendarDate, keepTimelines: Bool,
    history: SignalHistory?, into buffers: consuming RenderedRows
  ) {
    var summaries: [ChildSummary] = []
    var standings: [SignalStanding] = []
    for record in records {
      switch evaluation.evaluated(record, asOf: asOf) {
      case .success(let child):
        summaries.append(child.summary)
        exportCoverage.add(child.timeline.supplies)
        if keepTimelines { evaluatedChildren.append(child) }
        guard let history else { continue }
        let childStandings = child.summary.signals.map { signal in
          history.standing(of: signal, evidenceThrough: child.timeline.latestDate(among: signal.evidence))
        }
        standings += childStandings
        for (signal, standing) in zip(child.summary.signals, childStandings) {
          historyRows.append(
            HistoryRow(
              nhsNumber: signal.nhsNumber,
              sighting: SignalSighting(ruleID: signal.ruleID, severity: signal.severity, firstSeen: standing.firstSeen, evidenceThrough: standing.evidenceThrough),
              status: standing.status, previousSeverity: standing.previousSeverity, dateOfBirth: record.dateOfBirth))
          if standing.coveredByReview { coveredByReview += 1 }
        }
        if let entry = WorklistEntry(summary: child.summary, standings: childStandings) { worklistEntries.append(entry) }
        if history.sightings[record.nhsNumber] != nil { outcomes[record.nhsNumber] = .evaluated(Set(child.summary.signals.map(\.ruleID))) }
      case .failure(let why):
        excluded[why, default: 0] += 1
        if history?.sightings[record.nhsNumber] != nil { outcomes[record.nhsNumber] = .excluded(why) }
      }
    }
    let signals = summaries.flatMap(\.signals)
    children = summaries.count
    signalsByRule = RunManifest.count(signals)
    let signalStandings = history == nil ? nil : standings
    rendered = RenderedRows(
      children: renderer.childrenCSVRowBytes(summaries, reusing: buffers.children.handedOver()),
      signalRows: renderer.signalsCSVRowBytes(signals, standings: signalStandings, reusing: buffers.signalRows.handedOver()),
      signalLines: renderer.signalsJSONLineBytes(signals, standings: signalStandings, reusing: buffers.signalLines.handedOver()))
  }

  /// The rendered rows, moved out (the run keeps none), for writing and then rendering into
  /// again; what is left is the run as a store needs it.
  mutating func takeRenderedRows() -> RenderedRows {
    defer { rendered = RenderedRows() }
    return rendered
  }
}

extension Array where Element == UInt8 {
  /// These bytes, left empty here: the one reference to their storage passes on, so that
  /// whoever writes into it next need not copy it first.
  fileprivate mutating func handedOver() -> [UInt8] {
    let held = self
    self = []
    return held
  }
}

/// One run's rows of `children.csv`, `signals.csv` and `signals.jsonl`, as UTF-8.
private struct RenderedRows: Sendable {
  var children: [UInt8] = []
  var signalRows: [UInt8] = []
  var signalLines: [UInt8] = []
}

/// Rendered rows handed back once written, for later runs to render into: an area's rows are
/// a hundred megabytes or more, and buffers taken fresh for each run grow by copying into
/// pages the system must clear first (a tenth of the evaluating, `perf`, on a VM that charges
/// for each fresh page). At most as many are kept as runs were in flight at once.
private final class RenderBuffers: Sendable {
  private let free = Mutex<[RenderedRows]>([])

  func take() -> RenderedRows {
    free.withLock { $0.popLast() } ?? RenderedRows()
  }

  func give(_ rows: consuming RenderedRows) {
    var rows = rows
    free.withLock { free in
      free.append(RenderedRows(children: rows.children.handedOver(), signalRows: rows.signalRows.handedOver(), signalLines: rows.signalLines.handedOver()))
    }
  }
}

/// One slot per item of a ``NightlyJob/parallelMap(_:_:receivingInOrder:)``: each is filled once
/// by a worker and taken once by the receiver, which waits for it.
private final class OrderedSlots<R>: @unchecked Sendable {
  /// Allocated once and never resized: threads write their own slots through this pointer,
  /// not through an array variable they would all be changing at once.
  private let results: UnsafeMutableBufferPointer<R?>
  private let ready: [DispatchSemaphore]

  init(count: Int) {
    results = .allocate(capacity: count)
    results.initialize(repeating: nil)
    ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
  }

  deinit {
    results.deinitialize()
    results.deallocate()
  }

  /// Each index is filled by one worker only, and read only after its semaphore says so.
  func fill(_ index: Int, with result: R) {
    results[index] = result
    ready[index].signal()
  }

  func take(_ index: Int) -> R {
    ready[index].wait()
    return results[index].take()!
  }
}

/// What became of a child who had signals in the run compared against.
enum ChildOutcome: Sendable {
  /// Evaluated tonight, with these rules firing.
  case evaluated(Set<String>)
  case excluded(Exclusion)
}

/// Tonight's worklist and resolved signals, added up run by run; `nil` counts without history.
struct WorklistTally {
  let history: SignalHistory?
  /// A child who left the exports at this age turned 18 (`timeline.json`), rather than left.
  let childAgeUnderYears: Int
  private(set) var counts: WorklistCounts?
  private var entries: [WorklistEntry] = []
  private var outcomes: [NHSNumber: ChildOutcome] = [:]

  /// What a run with history writes beside the other outputs, and a run without must not leave.
  static let outputNames = ["worklist.csv", "worklist", "resolved.csv"]

  init(history: SignalHistory?, childAgeUnderYears: Int) {
    self.history = history
    self.childAgeUnderYears = childAgeUnderYears
    counts = history.map { WorklistCounts(baselineAsOf: $0.baselineAsOf) }
  }

  fileprivate mutating func add(_ run: EvaluatedRun) {
    guard counts != nil else { return }
    entries += run.worklistEntries
    for entry in run.worklistEntries { counts!.add(entry) }
    counts!.coveredByReview += run.coveredByReview
    outcomes.merge(run.outcomes) { first, _ in first }
  }

  /// The run before's signals that no longer fire, with why; `nil` without history.
  mutating func finish(asOf: CalendarDate) -> [ResolvedSignal]? {
    guard let history, let baselineAsOf = history.baselineAsOf else { return history == nil ? nil : [] }
    var resolved: [ResolvedSignal] = []
    for (nhs, sightings) in history.sightings {
      for sighting in sightings {
        // Rows of patients 18 and over are out of scope from the reading on, so a child who
        // turned 18 has no record, or one of undated events only: the date of birth history
        // kept says which.
        let grownUp = history.datesOfBirth[nhs].map { $0.wholeYears(to: asOf) >= childAgeUnderYears } ?? false
        let why: Resolution
        switch outcomes[nhs] {
        case .evaluated(let firing)?:
          if firing.contains(sighting.ruleID) { continue }
          why = .belowThreshold
        case .excluded(let exclusion)?: why = grownUp ? .excluded(.adult) : .excluded(exclusion)
        case nil: why = grownUp ? .excluded(.adult) : .leftExports
        }
        resolved.append(ResolvedSignal(nhsNumber: nhs, sighting: sighting, lastSeen: baselineAsOf, why: why))
      }
    }
    counts?.resolved = resolved.count
    return resolved
  }

  /// `worklist.csv` (ranked), one file per practice under `worklist/`, and `resolved.csv`.
  func write(resolved: [ResolvedSignal], into generation: OutputGeneration) throws {
    let ranked = WorklistEntry.ranked(entries)
    try generation.write(WorklistOutputs.worklistCSV(ranked), to: "worklist.csv")
    try generation.makeFolder("worklist")
    let byPractice = Dictionary(grouping: ranked) { WorklistOutputs.practiceFileName($0.practiceCode) }
    for (file, practiceEntries) in byPractice {
      try generation.write(WorklistOutputs.worklistCSV(practiceEntries), to: "worklist/" + file)
    }
    try generation.write(WorklistOutputs.resolvedCSV(resolved), to: "resolved.csv")
  }
}

/// What the manifest says of the children evaluated, added up run by run.
struct EvaluatedCounts {
  var children = 0
  var signalsByRule: [String: [Severity: Int]] = [:]
  var excluded: [Exclusion: Int] = [:]
  var exportCoverage = ExportCoverageCheck()

  var signals: Int { signalsByRule.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

  fileprivate mutating func add(_ run: EvaluatedRun) {
    children += run.children
    excluded.merge(run.excluded, uniquingKeysWith: +)
    exportCoverage.merge(run.exportCoverage)
    for (rule, bySeverity) in run.signalsByRule {
      signalsByRule[rule, default: [:]].merge(bySeverity, uniquingKeysWith: +)
    }
  }
}

extension Range where Bound == Int {
  func shifted(by offset: Int) -> Range<Int> { (lowerBound + offset)..<(upperBound + offset) }
}

/// Values on their way to being freed on another thread; nothing reads them.
private final class Garbage<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: consuming Value) { self.value = value }
}

/// What the passes of a run read, added up: each file's counts, its rejected rows in file and
/// line order, and the products it flagged.
struct PassTotals {
  var reports: [InputFileReport] = []
  private var rejectsByPass: [[RejectedRow]] = []
  private var flagged: [FlaggedProduct] = []

  /// A pass's area: the first gives each file's name, checksum and encoding (every pass reads
  /// the same bytes); every pass adds the counts of the rows it decoded.
  mutating func add(_ area: LoadedArea) {
    if reports.isEmpty {
      reports = area.reports
    } else {
      for index in reports.indices { reports[index].add(countsOf: area.reports[index]) }
    }
    rejectsByPass.append(area.rejects)
    flagged.append(contentsOf: area.flaggedProducts)
  }

  var rejects: [RejectedRow] {
    rejectsByPass.count == 1 ? rejectsByPass[0] : rejectsByPass.flatMap { $0 }.sorted { $0.source < $1.source }
  }

  var flaggedProducts: [FlaggedProduct] { FlaggedProduct.merged(flagged) }
}
