/// One of the passes in which a run reads its exports when the area is too large to hold at
/// once: the children whose NHS numbers fall in one range. Each pass decodes and holds only
/// its own children's rows (a row that names no valid NHS number belongs to the first), and
/// the ranges are consecutive, so the passes' outputs, one after another, are in NHS number
/// order: exactly what one pass would have written.
public struct ReadingPass: Sendable, Equatable, CustomStringConvertible {
  /// 0-based.
  public var index: Int
  public var count: Int
  /// NHS numbers from `lowest` (inclusive) to `above` (exclusive); `nil` is unbounded.
  public var lowest: UInt64?
  public var above: UInt64?

  public init(index: Int, count: Int, lowest: UInt64?, above: UInt64?) {
    self.index = index
    self.count = count
    self.lowest = lowest
    self.above = above
  }

  /// The one pass of an area read at once.
  public static let whole = ReadingPass(index: 0, count: 1, lowest: nil, above: nil)

  /// Whether the row naming `holder` (as ``RowDecoder/holder(of:)`` reads it) is this pass's.
  public func holds(_ holder: NHSNumber?) -> Bool {
    guard let holder else { return index == 0 }
    if let lowest, holder.value < lowest { return false }
    if let above, holder.value >= above { return false }
    return true
  }

  public var description: String { "\(index + 1)/\(count)" }

  /// Passes that each hold about `rowsPerPass` rows, from each NHS number's count of rows to
  /// decode (in any order). A child's rows are never split; one child with more rows than
  /// that has a pass alone. At least one pass, however few rows.
  public static func plan(rowsByHolder: [UInt64: Int], rowsPerPass: Int) -> [ReadingPass] {
    let total = rowsByHolder.values.reduce(0, +)
    guard total > rowsPerPass, rowsPerPass > 0 else { return [.whole] }
    let wanted = (total + rowsPerPass - 1) / rowsPerPass
    let target = Double(total) / Double(wanted)
    var bounds: [UInt64] = []
    var held = 0
    for (holder, rows) in rowsByHolder.sorted(by: { $0.key < $1.key }) {
      // A new pass starts at the first child after the passes so far have their share.
      if Double(held) >= target * Double(bounds.count + 1), bounds.count < wanted - 1 {
        bounds.append(holder)
      }
      held += rows
    }
    let count = bounds.count + 1
    return (0..<count).map { index in
      ReadingPass(index: index, count: count, lowest: index == 0 ? nil : bounds[index - 1], above: index == count - 1 ? nil : bounds[index])
    }
  }
}
