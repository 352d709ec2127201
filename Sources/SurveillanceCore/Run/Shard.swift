/// One part of an area split by child for running on several machines: `--shard 2/8`.
///
/// Every shard reads all the exports (each row must be counted somewhere) but keeps and
/// evaluates only its own children, so memory and evaluation split N ways; `merge` puts the
/// parts back together into exactly what one run would have written.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
  /// 1-based.
  public var index: Int
  public var count: Int

  public init?(index: Int, count: Int) {
    guard count >= 1, (1...count).contains(index) else { return nil }
    self.index = index
    self.count = count
  }

  /// Parses `I/N`, such as `2/8`.
  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
    self.init(index: index, count: count)
  }

  public var description: String { "\(index)/\(count)" }
}
