import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SurveillanceStore
import Testing

/// The nightly run hands children to the store a wave at a time, so it holds one wave's
/// timelines rather than the area's. How the area is cut into waves changes nothing anyone
/// reads: the outputs are the same bytes and the store holds the same generation.
@Suite struct StreamingStoreTests {
  static func run(waveSize: Int = 20_000, rowsPerPass: Int? = nil, name: String) throws -> (out: URL, store: SurveillanceStore) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("streaming-\(name)-\(UUID().uuidString)")
    var job = NightlyJob(
      inputs: SampleRun.inputs, asOf: CalendarDate(iso: "2026-11-21")!, outputPath: directory.appendingPathComponent("out").path,
      maxRejectRate: 0.05, rules: try SampleRun.rules.get(), rulesFingerprint: "fingerprint", toolVersion: "test", log: { _ in })
    job.storePath = directory.appendingPathComponent("store").path
    job.waveSize = waveSize
    job.rowsPerPass = rowsPerPass
    let outcome = try job.run()
    #expect(outcome.failure == nil)
    return (directory.appendingPathComponent("out"), try SurveillanceStore.openExisting(at: job.storePath!))
  }

  /// The manifest as written, without what differs from run to run (start time, timings).
  static func comparableManifest(_ out: URL) throws -> String {
    let text = try String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8)
    return text.replacing(/"started_at":"[^"]*"/, with: "").replacing(/"timings_seconds":\{[^}]*\}/, with: "")
      .replacing(/,?"reading_passes":"[0-9]+"/, with: "")
  }

  @Test func wavesOfSevenChildrenGiveTheSameOutputsAndGenerationAsOneWave() throws {
    let whole = try Self.run(waveSize: 1_000_000, name: "whole")
    let waves = try Self.run(waveSize: 7, name: "waves")
    for file in ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv", "unclassified-products.csv"] {
      #expect(
        try Data(contentsOf: whole.out.appendingPathComponent(file)) == Data(contentsOf: waves.out.appendingPathComponent(file)), "\(file)")
    }
    #expect(try Self.comparableManifest(whole.out) == Self.comparableManifest(waves.out))

    #expect(try whole.store.currentGenerationRowCounts() == waves.store.currentGenerationRowCounts())
    let one = try whole.store.loadCurrentGeneration()
    let other = try waves.store.loadCurrentGeneration()
    #expect(one.children.count > 400)
    #expect(one.children.map(\.summary.nhsNumber) == other.children.map(\.summary.nhsNumber))
    #expect(one.children.map(\.summary.signals) == other.children.map(\.summary.signals))
    #expect(one.children.map(\.supplies) == other.children.map(\.supplies))
    #expect(one.manifest.childrenCount == other.manifest.childrenCount)
    #expect(one.manifest.signalsByRule == other.manifest.signalsByRule)
    #expect(one.manifest.inputs.map(\.rowsRead) == other.manifest.inputs.map(\.rowsRead))
  }

  @Test func anAreaReadInPassesByNHSNumberGivesTheSameOutputsAndGenerationAsOnePass() throws {
    let whole = try Self.run(rowsPerPass: nil, name: "one-pass")
    // The samples hold about 20,000 rows to decode: passes of 2,500 make eight or so, with
    // rejected rows, duplicates across files and children in every export among them.
    let passes = try Self.run(rowsPerPass: 2_500, name: "passes")
    let manifest = try String(contentsOf: passes.out.appendingPathComponent("manifest.json"), encoding: .utf8)
    let count = try #require(manifest.firstMatch(of: /"reading_passes":"([0-9]+)"/).map { Int($0.1)! })
    #expect(count >= 5, "the test reads the samples in several passes")
    for file in ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv", "unclassified-products.csv"] {
      #expect(
        try Data(contentsOf: whole.out.appendingPathComponent(file)) == Data(contentsOf: passes.out.appendingPathComponent(file)), "\(file)")
    }
    #expect(try Self.comparableManifest(whole.out) == Self.comparableManifest(passes.out))
    #expect(try whole.store.currentGenerationRowCounts() == passes.store.currentGenerationRowCounts())
    let one = try whole.store.loadCurrentGeneration()
    let other = try passes.store.loadCurrentGeneration()
    #expect(one.children.map(\.record?.supplies) == other.children.map(\.record?.supplies))
    #expect(one.children.map(\.summary.signals) == other.children.map(\.summary.signals))
    #expect(one.rejects.map(\.source) == other.rejects.map(\.source))
  }

  @Test func aRunThatFailsAfterItsLastPassLeavesTheStoreAsItWas() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passes-fail-\(UUID().uuidString)")
    var job = NightlyJob(
      inputs: SampleRun.inputs, asOf: CalendarDate(iso: "2026-11-21")!, outputPath: directory.appendingPathComponent("out").path,
      maxRejectRate: 0.0001, rules: try SampleRun.rules.get(), rulesFingerprint: "fingerprint", toolVersion: "test", log: { _ in })
    job.storePath = directory.appendingPathComponent("store").path
    job.rowsPerPass = 2_500
    let outcome = try job.run()
    #expect(outcome.failure != nil, "the samples reject more than one row in ten thousand")
    let store = try SurveillanceStore.openExisting(at: job.storePath!)
    #expect(try store.currentGeneration() == nil)
    #expect(try store.currentGenerationRowCounts().isEmpty, "no generation went live")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/children.csv").path))
  }
}

/// How an area is cut into passes: consecutive ranges of NHS numbers, about equal in rows,
/// that never split a child and together hold every row once.
@Suite struct ReadingPassTests {
  @Test func passesAreConsecutiveRangesOfAboutEqualRowsThatNeverSplitAChild() {
    var rows: [UInt64: Int] = [:]
    var numbers: [UInt64: NHSNumber] = [:]
    while numbers.count < 5_000 {
      // Nine digits and the modulus 11 check digit.
      let digits = (0..<9).map { _ in Int.random(in: 0...9) }
      let check = 11 - digits.enumerated().reduce(0) { $0 + $1.element * (10 - $1.offset) } % 11
      guard check != 10, let number = NHSNumber(digits.map(String.init).joined() + String(check == 11 ? 0 : check)) else { continue }
      numbers[number.value] = number
      rows[number.value, default: 0] += Int.random(in: 1...80)
    }
    let total = rows.values.reduce(0, +)
    let passes = ReadingPass.plan(rowsByHolder: rows, rowsPerPass: total / 6)
    #expect(passes.count == 6 || passes.count == 7)
    var held = [Int](repeating: 0, count: passes.count)
    for (holder, count) in rows {
      let owners = passes.filter { $0.holds(numbers[holder]) }
      #expect(owners.count == 1, "\(holder)")
      held[owners[0].index] += count
    }
    #expect(held.reduce(0, +) == total)
    for count in held { #expect(Double(count) < Double(total) / Double(passes.count) * 1.2 + 80) }
    #expect(passes.first?.lowest == nil && passes.last?.above == nil)
    for (one, next) in zip(passes, passes.dropFirst()) { #expect(one.above == next.lowest) }
  }

  @Test func rowsNamingNoValidNHSNumberBelongToTheFirstPass() {
    let passes = ReadingPass.plan(rowsByHolder: [1_000_000_001: 10, 5_000_000_001: 10, 9_000_000_001: 10], rowsPerPass: 10)
    #expect(passes.map(\.lowest) == [nil, 5_000_000_001, 9_000_000_001])
    #expect(passes.count == 3)
    #expect(passes.map { $0.holds(nil) } == [true, false, false])
  }

  @Test func anAreaThatFitsIsOnePass() {
    #expect(ReadingPass.plan(rowsByHolder: [1_000_000_001: 10], rowsPerPass: 10) == [.whole])
    #expect(ReadingPass.plan(rowsByHolder: [:], rowsPerPass: 10) == [.whole])
  }
}
