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

extension ReadingPass {
  /// The passes after a first read that held the children below `cutoff` (``FirstReadHolding``):
  /// the first is that read's, the rest divide the children at or above `cutoff` between them,
  /// about `rowsPerPass` rows each, in NHS number order. `[.whole]` when the first held all.
  public static func plan(afterFirstBelow cutoff: UInt64?, rowsByHolder: [UInt64: Int], rowsPerPass: Int) -> [ReadingPass] {
    guard let cutoff else { return [.whole] }
    let rest = plan(rowsByHolder: rowsByHolder.filter { $0.key >= cutoff }, rowsPerPass: rowsPerPass)
    let count = rest.count + 1
    let first = ReadingPass(index: 0, count: count, lowest: nil, above: cutoff)
    return [first] + rest.map { pass in
      ReadingPass(index: pass.index + 1, count: count, lowest: pass.lowest ?? cutoff, above: pass.above)
    }
  }
}

/// How the first read of an area that may be too large to hold at once decides which rows it
/// keeps, so that the read which plans the passes is also the first of them: it tallies every
/// child's rows to decode, and holds the rows of the children below a cutoff, which falls
/// (dropping the highest children held) whenever the rows held pass `limit`. The children
/// below the final cutoff are complete (every row of theirs was held), so the first pass is
/// evaluated from this read; the rest are planned from the tallies.
public struct FirstReadHolding: Sendable {
  /// Rows to hold at most (after the cutoff falls, about half as many).
  public let limit: Int
  /// Each child's rows to decode seen so far, by NHS number.
  public private(set) var rowsByHolder: [UInt64: Int] = [:]
  /// Rows of children at or above this NHS number are not held; `nil` holds every child's.
  public private(set) var cutoff: UInt64?
  /// Rows held now.
  public private(set) var held = 0
  /// The held rows at which to try lowering the cutoff next: the limit, or, while one child
  /// alone holds more, twice what was held at the last try (so a huge child is not re-sorted
  /// on every row).
  private var nextLowering: Int

  public init(limit: Int) {
    self.limit = max(1, limit)
    nextLowering = self.limit
  }

  /// Tallies a row of `holder`'s and says whether to hold it, and, when holding it passed
  /// the limit, the lower cutoff at or above which the caller must drop the rows it holds.
  /// `heldElsewhere`: rows other files' first reads hold now, within the same limit (each file
  /// is read on its own core); when the limit is passed each lets go in proportion.
  public mutating func admit(_ holder: UInt64, heldElsewhere: Int = 0) -> (hold: Bool, droppingFrom: UInt64?) {
    rowsByHolder[holder, default: 0] += 1
    if let cutoff, holder >= cutoff { return (false, nil) }
    held += 1
    guard held + heldElsewhere > nextLowering else { return (true, nil) }
    let keep = max(1, Int(Double(limit / 2) * Double(held) / Double(held + heldElsewhere)))
    let lowered = lowerCutoff(keeping: keep)
    nextLowering = held + heldElsewhere > limit ? (held + heldElsewhere) * 2 : limit
    return (true, lowered)
  }

  /// Takes in what another part of the same first read held and tallied (a segment of the
  /// same file read on another core): the children below both cutoffs were held by both.
  public mutating func absorb(_ other: FirstReadHolding) {
    rowsByHolder.merge(other.rowsByHolder, uniquingKeysWith: +)
    if let theirs = other.cutoff { cutoff = min(cutoff ?? theirs, theirs) }
    held += other.held
  }

  /// Keeps the lowest children whose rows come to at most `keep` (at least one child: a
  /// child's rows are never split) and returns the new cutoff; `nil` when one child holds
  /// every row held.
  private mutating func lowerCutoff(keeping keep: Int) -> UInt64? {
    let holding = rowsByHolder.filter { entry in cutoff.map { entry.key < $0 } ?? true }.sorted { $0.key < $1.key }
    var kept = 0
    for (position, entry) in holding.enumerated() {
      if position > 0, kept + entry.value > keep {
        cutoff = entry.key
        held = kept
        return entry.key
      }
      kept += entry.value
    }
    return nil
  }
}
