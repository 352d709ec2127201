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

  /// The slip this pins: the reading plan counted every row of a product it had not yet
  /// classified, which in a read that classifies nothing was every row, so an area-year with
  /// 27,000 children read its 2.6 GB fourteen times (45 s instead of 4).
  @Test func anAreaWhoseChildrenFitIsReadOnceHoweverManyOtherMedicinesItHolds() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("padded-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    // The samples' GP export with 60,000 more rows of an antibiotic, as an unfiltered export has.
    let samples = SampleRun.inputs
    var gp = try String(contentsOfFile: samples.gp[0], encoding: .utf8)
    let antibiotic = try #require(gp.split(separator: "\n").first { $0.contains("Amoxicillin") })
    gp += String(repeating: antibiotic + "\n", count: 60_000)
    let padded = directory.appendingPathComponent("gp.csv")
    try gp.write(to: padded, atomically: true, encoding: .utf8)
    var inputs = samples
    inputs.gp[0] = padded.path
    func run(rowsPerPass: Int?, name: String) throws -> (out: URL, log: [String]) {
      let out = directory.appendingPathComponent(name)
      let lines = Mutex<[String]>([])
      var job = NightlyJob(
        inputs: inputs, asOf: CalendarDate(iso: "2026-11-21")!, outputPath: out.path, maxRejectRate: 0.05, rules: try SampleRun.rules.get(),
        rulesFingerprint: "fingerprint", toolVersion: "test", log: { line in lines.withLock { $0.append(line) } })
      job.rowsPerPass = rowsPerPass
      #expect(try job.run().failure == nil)
      return (out, lines.withLock { $0 })
    }
    // About 20,000 of the rows are children's to decode: 30,000 hold them all, though the
    // files hold far more rows than that.
    let once = try run(rowsPerPass: 30_000, name: "limited")
    let whole = try run(rowsPerPass: nil, name: "whole")
    let manifest = try String(contentsOf: once.out.appendingPathComponent("manifest.json"), encoding: .utf8)
    #expect(!manifest.contains("reading_passes"), "one pass")
    #expect(!once.log.contains { $0.contains("passes") })
    #expect(manifest.contains("\"not_asthma_related\":"))
    for file in ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv", "unclassified-products.csv"] {
      #expect(try Data(contentsOf: whole.out.appendingPathComponent(file)) == Data(contentsOf: once.out.appendingPathComponent(file)), "\(file)")
    }
    #expect(try Self.comparableManifest(whole.out) == Self.comparableManifest(once.out))
    // And with room for only a third of the children's rows, three passes or so, the same bytes.
    let thirds = try run(rowsPerPass: 7_000, name: "thirds")
    let passes = try String(contentsOf: thirds.out.appendingPathComponent("manifest.json"), encoding: .utf8)
      .firstMatch(of: /"reading_passes":"([0-9]+)"/).map { Int($0.1)! }
    #expect((3...6).contains(passes ?? 0), "\(passes ?? 0) passes")
    for file in ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv"] {
      #expect(try Data(contentsOf: whole.out.appendingPathComponent(file)) == Data(contentsOf: thirds.out.appendingPathComponent(file)), "\(file)")
    }
    #expect(try Self.comparableManifest(whole.out) == Self.comparableManifest(thirds.out))
  }

  /// One export much larger than the others is read in segments on several cores. Wherever
  /// the cuts fall, inside a quoted field's line break too, and with or without passes, the
  /// run gives the bytes of one read of each file: the same rows, lines, counts and checksums.
  @Test func exportsReadInSegmentsGiveTheSameOutputsAsEachReadWhole() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("segments-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    // The samples' GP export with 4,000 rows of an antibiotic whose name breaks across two
    // lines inside its quotes, spread among the children's rows, and two blank lines before
    // its header (each segment finds the header wherever it lies).
    let samples = SampleRun.inputs
    let lines = try String(contentsOfFile: samples.gp[0], encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    let antibiotic = try #require(lines.first { $0.contains("Amoxicillin 250mg capsules") })
      .replacing("Amoxicillin 250mg capsules", with: "\"Amoxicillin\n250mg capsules\"")
    var padded: [Substring] = []
    for (index, line) in lines.enumerated() {
      padded.append(line)
      if index > 0, index % 3 == 0, index < 12_001 { padded.append(Substring(antibiotic)) }
    }
    let gp = directory.appendingPathComponent("gp.csv")
    try ("\n\n" + padded.joined(separator: "\n")).write(to: gp, atomically: true, encoding: .utf8)
    var inputs = samples
    inputs.gp[0] = gp.path
    func run(segmentBytes: Int?, rowsPerPass: Int?, name: String) throws -> URL {
      let out = directory.appendingPathComponent(name)
      var job = NightlyJob(
        inputs: inputs, asOf: CalendarDate(iso: "2026-11-21")!, outputPath: out.path, maxRejectRate: 0.05, rules: try SampleRun.rules.get(),
        rulesFingerprint: "fingerprint", toolVersion: "test", log: { _ in })
      job.segmentBytes = segmentBytes
      job.rowsPerPass = rowsPerPass
      #expect(try job.run().failure == nil)
      return out
    }
    let whole = try run(segmentBytes: nil, rowsPerPass: nil, name: "whole")
    let manifest = try String(contentsOf: whole.appendingPathComponent("manifest.json"), encoding: .utf8)
    let otherMedicines = try #require(manifest.firstMatch(of: /"not_asthma_related":([0-9]+)/).map { Int($0.1)! })
    #expect(otherMedicines > 4_000, "the antibiotic's rows are read as rows, each one record")
    // 7,000 rows a pass is still one pass (a first read that holds them all); 1,000 is several,
    // each later pass counting its segments' lines without hashing.
    let cases: [(segmentBytes: Int, rowsPerPass: Int?, severalPasses: Bool)] = [
      (7_919, nil, false), (25_013, nil, false), (100_003, 7_000, false), (100_003, 1_000, true),
    ]
    for (segmentBytes, rowsPerPass, severalPasses) in cases {
      let segmented = try run(segmentBytes: segmentBytes, rowsPerPass: rowsPerPass, name: "segments-\(segmentBytes)")
      for file in ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv", "unclassified-products.csv"] {
        #expect(
          try Data(contentsOf: whole.appendingPathComponent(file)) == Data(contentsOf: segmented.appendingPathComponent(file)),
          "\(file) in segments of \(segmentBytes) bytes")
      }
      #expect(try Self.comparableManifest(whole) == Self.comparableManifest(segmented), "segments of \(segmentBytes) bytes")
      let passes = try String(contentsOf: segmented.appendingPathComponent("manifest.json"), encoding: .utf8)
        .firstMatch(of: /"reading_passes":"([0-9]+)"/).map { Int($0.1)! } ?? 1
      #expect((passes > 1) == severalPasses, "\(passes) pass(es) of \(rowsPerPass.map(String.init) ?? "all") rows")
    }
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

/// The first read of an area plans the passes while it reads: it holds children's rows up to
/// a limit, letting go of the highest children when it must, and what it kept is complete.
@Suite struct FirstReadHoldingTests {
  @Test func anAreaThatFitsIsHeldWholeAndIsOnePass() {
    var holding = FirstReadHolding(limit: 100)
    for holder in [5, 3, 9, 3, 5, 5] as [UInt64] { #expect(holding.admit(holder) == (true, nil)) }
    #expect(holding.cutoff == nil)
    #expect(holding.held == 6)
    #expect(ReadingPass.plan(afterFirstBelow: holding.cutoff, rowsByHolder: holding.rowsByHolder, rowsPerPass: 100) == [.whole])
  }

  @Test func passingTheLimitLetsGoOfTheHighestChildrenAndKeepsTheLowestComplete() {
    // Rows arrive in no order of NHS number, each child's spread through the file.
    var order: [UInt64] = []
    for round in 0..<10 { for child in [70, 10, 40, 20, 90, 30, 60, 50, 80, 100] as [UInt64] where round < Int(child / 10) { order.append(child) } }
    var holding = FirstReadHolding(limit: 20)
    var held: [UInt64: Int] = [:]
    for holder in order {
      let verdict = holding.admit(holder)
      if verdict.hold { held[holder, default: 0] += 1 }
      if let cutoff = verdict.droppingFrom { held = held.filter { $0.key < cutoff } }
      #expect(held.values.reduce(0, +) <= 20)
      #expect(holding.held == held.values.reduce(0, +))
    }
    let cutoff = try! #require(holding.cutoff)
    // Every child below the cutoff was held with every one of its rows (child 10k has k rows).
    #expect(!held.isEmpty)
    for (child, rows) in held { #expect(child < cutoff && rows == Int(child / 10), "\(child)") }
    #expect(Set(held.keys) == Set(order.filter { $0 < cutoff }))
    // The tallies count every child's rows, held or not: what the later passes are planned from.
    #expect(holding.rowsByHolder == Dictionary(order.map { ($0, 1) }, uniquingKeysWith: +))
  }

  @Test func filesReadSideBySideLetGoInProportionToWhatEachHolds() {
    var holding = FirstReadHolding(limit: 100)
    for child in 1...30 as ClosedRange<UInt64> { _ = holding.admit(child, heldElsewhere: 60) }
    // 30 here and 60 elsewhere fit; the next row passes 100 and this file keeps about a third
    // of half the limit.
    for child in 31...40 as ClosedRange<UInt64> { _ = holding.admit(child, heldElsewhere: 70) }
    #expect(holding.cutoff != nil)
    #expect((10...20).contains(holding.held), "\(holding.held)")
  }

  @Test func oneChildWithMoreRowsThanTheLimitIsNeverSplit() {
    var holding = FirstReadHolding(limit: 10)
    for _ in 0..<25 { #expect(holding.admit(42).hold) }
    #expect(holding.cutoff == nil, "one child's rows stay together, however many")
    // The next child's rows pass the limit too, and the cutoff falls to just above the big child.
    var dropped: UInt64?
    for _ in 0..<30 { dropped = holding.admit(43).droppingFrom ?? dropped }
    #expect(dropped == 43)
    #expect(holding.cutoff == 43)
    #expect(holding.held == 25)
  }

  @Test func thePassesAfterAFirstReadContinueFromItsCutoffInOrder() {
    let rows: [UInt64: Int] = [1_000_000_001: 5, 2_000_000_001: 5, 3_000_000_001: 5, 4_000_000_001: 5, 5_000_000_001: 5]
    let passes = ReadingPass.plan(afterFirstBelow: 3_000_000_001, rowsByHolder: rows, rowsPerPass: 5)
    #expect(passes.map(\.index) == [0, 1, 2, 3])
    #expect(passes.allSatisfy { $0.count == 4 })
    #expect(passes.map(\.lowest) == [nil, 3_000_000_001, 4_000_000_001, 5_000_000_001])
    #expect(passes.map(\.above) == [3_000_000_001, 4_000_000_001, 5_000_000_001, nil])
    #expect(passes.map { $0.holds(nil) } == [true, false, false, false], "rows naming no NHS number are the first read's")
  }
}
