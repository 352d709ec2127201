import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SurveillanceStore
import Testing

/// The nightly run hands children to the store a wave at a time, so it holds one wave's
/// timelines rather than the area's. How the area is cut into waves changes nothing anyone
/// reads: the outputs are the same bytes and the store holds the same generation.
@Suite struct StreamingStoreTests {
  static func run(waveSize: Int, name: String) throws -> (out: URL, store: SurveillanceStore) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("streaming-\(name)-\(UUID().uuidString)")
    var job = NightlyJob(
      inputs: SampleRun.inputs, asOf: CalendarDate(iso: "2026-11-21")!, outputPath: directory.appendingPathComponent("out").path,
      maxRejectRate: 0.05, rules: try SampleRun.rules.get(), rulesFingerprint: "fingerprint", toolVersion: "test", log: { _ in })
    job.storePath = directory.appendingPathComponent("store").path
    job.waveSize = waveSize
    let outcome = try job.run()
    #expect(outcome.failure == nil)
    return (directory.appendingPathComponent("out"), try SurveillanceStore.openExisting(at: job.storePath!))
  }

  /// The manifest as written, without what differs from run to run (start time, timings).
  static func comparableManifest(_ out: URL) throws -> String {
    let text = try String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8)
    return text.replacing(/"started_at":"[^"]*"/, with: "").replacing(/"timings_seconds":\{[^}]*\}/, with: "")
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
}
