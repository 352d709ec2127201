import Foundation
import SurveillanceCore
import SurveillanceStore

extension NightlyJob {
  /// The store named by `--store`, opened (and created owner-only) before any export is read.
  func openStore() throws -> SurveillanceStore? {
    guard let storePath else { return nil }
    return try SurveillanceStore.openOrCreate(at: storePath)
  }

  /// The store writer's batches as a progress line: children are written as they are
  /// evaluated, so the total is the patients read, some of whom are not in the population.
  var storeProgress: (@Sendable (Int, Int) -> Void)? {
    guard let progress else { return nil }
    return { done, total in progress("evaluating and writing the store: \(done) children written, of \(total) patients with asthma records") }
  }
}
