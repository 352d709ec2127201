import Foundation
import SurveillanceCore
import SurveillanceStore

extension NightlyJob {
  /// The store named by `--store`, opened (and created owner-only) before any export is read.
  func openStore() throws -> SurveillanceStore? {
    guard let storePath else { return nil }
    return try SurveillanceStore.openOrCreate(at: storePath)
  }

  /// Persists the run as the store's new current generation.
  ///
  /// A failed run (too many rejected rows) is not written: the pharmacist keeps seeing the
  /// last good generation, and the run's own outputs say what went wrong.
  func write(to store: SurveillanceStore, manifest: RunManifest, children: [EvaluatedChild], rejects: [RejectedRow]) throws {
    guard manifest.status == "ok" else {
      let previous = try store.currentGeneration()
      log("store \(store.path) not updated: the run failed; " + (previous.map { "the generation as of \($0.asOf) stays current" } ?? "it holds no generation yet"))
      return
    }
    let report = try store.replaceGeneration(
      with: GenerationContents(manifest: manifest, children: children, rejects: rejects),
      writtenAt: ISO8601DateFormatter().string(from: Date()))
    log("store \(store.path): generation \(report.runID) current, \(children.count) children, \(report.rows) rows in \(String(format: "%.1f", report.seconds)) s")
  }
}
