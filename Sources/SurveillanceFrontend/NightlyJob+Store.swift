import Foundation
import SurveillanceCore
import SurveillanceStore

extension NightlyJob {
  /// The store named by `--store`, opened (and created owner-only) before any export is read.
  func openStore() throws -> SurveillanceStore? {
    guard let storePath else { return nil }
    return try SurveillanceStore.openOrCreate(at: storePath)
  }

  /// Persists the run as the store's new current generation, under the store's writer lock.
  /// A failed run (too many rejected rows) never gets here: the pharmacist keeps seeing the
  /// last good generation.
  /// The store writer's batches as a progress line.
  private var storeProgress: (@Sendable (Int, Int) -> Void)? {
    guard let progress else { return nil }
    return { done, total in progress("writing the store: \(done) of \(total) children") }
  }

  @discardableResult
  func write(to store: SurveillanceStore, holding lock: RunLock, manifest: RunManifest, children: [EvaluatedChild], rejects: [RejectedRow]) throws -> Int64 {
    let report = try store.replaceGeneration(
      with: GenerationContents(manifest: manifest, children: children, rejects: rejects),
      writtenAt: ISO8601DateFormatter().string(from: Date()), holding: lock, progress: storeProgress)
    log("store \(store.path): generation \(report.runID) current, \(children.count) children, \(report.rows) rows in \(String(format: "%.1f", report.seconds)) s")
    return report.runID
  }
}
