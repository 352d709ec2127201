import SurveillanceCore

/// The children one shard holds: those whose keyed hash falls in its bucket.
public struct ShardSelection: Sendable {
  public let shard: Shard
  public let pseudonymiser: Pseudonymiser

  public init(shard: Shard, pseudonymiser: Pseudonymiser) {
    self.shard = shard
    self.pseudonymiser = pseudonymiser
  }

  public func contains(_ nhsNumber: NHSNumber) -> Bool {
    pseudonymiser.bucket(for: nhsNumber, of: shard.count) == shard.index - 1
  }
}
