import SurveillanceCore

/// Small-number suppression with secondary suppression, for a set of counts and the totals
/// they add up to.
///
/// Primary suppression shows a count from 1 to `suppressBelow - 1` as "fewer than"; zero is
/// shown. That alone is not enough: with a total of 9 and parts 7, 2 and 0, the 2 is 9 - 7 - 0.
/// So the reader is modelled as knowing every shown count exactly, a "fewer than" count to be
/// from 1 to `suppressBelow - 1`, and a hidden one to be at least `suppressBelow` (only counts
/// that large are ever hidden); what that reader can work out through every total, across
/// tables, is propagated to a fixed point, and while some suppressed count is pinned to one
/// value, or the suppressed parts of a known total add up to a small count (itself a count of
/// a few children), the smallest other non-zero count of a total that gives it away is hidden
/// too (a part before a total, which other tables may repeat).
///
/// A total that is itself "fewer than" with as many parts of 1 as it can hold cannot be
/// protected by hiding more (four practices with 1 each add up to "fewer than 5", so each is
/// 1): such counts are returned as `unprotected`, for the caller to withhold a table.
public struct SmallNumberSuppression<Cell: Hashable>: Sendable where Cell: Sendable {
  /// `total` is the sum of `parts`: what a reader can check the parts against. A total that
  /// repeats one figure elsewhere (the trend's last month and the report date) is a sum of one.
  public struct Sum: Sendable {
    public var total: Cell
    public var parts: [Cell]

    public init(total: Cell, parts: [Cell]) {
      self.total = total
      self.parts = parts
    }
  }

  public enum Shown: Sendable, Equatable {
    case exact
    /// From 1 to `suppressBelow - 1`: "fewer than".
    case small
    /// At least `suppressBelow`, hidden so that a small count cannot be worked out.
    case hidden
  }

  public struct Outcome: Sendable {
    public var shown: [Cell: Shown]
    /// The counts that can still be worked out whatever else is hidden; empty when every
    /// suppressed count is protected.
    public var unprotected: Set<Cell>
  }

  public let policy: DisclosureControl

  public init(policy: DisclosureControl) { self.policy = policy }

  /// How each count is shown. A cell in `sums` but not in `counts` is not published: the reader
  /// knows only that it is not negative. An `unprinted` cell is not published either, but is
  /// what a reader gets by subtracting one printed count from another (children with no
  /// signal, from all children and those with one), so it must not come out small.
  public func apply(to counts: [Cell: Int], sums: [Sum], unprinted: Set<Cell> = []) -> Outcome {
    assert(sums.allSatisfy { sum in
      guard let total = counts[sum.total], sum.parts.allSatisfy({ counts[$0] != nil }) else { return true }
      return total == sum.parts.reduce(0) { $0 + counts[$1]! }
    }, "a sum whose counts do not add up")
    var shown = counts.filter { !unprinted.contains($0.key) }.mapValues { policy.isSmall($0) ? Shown.small : .exact }
    while true {
      let bounds = readerBounds(counts: counts, shown: shown, sums: sums)
      var pinned = Set(shown.compactMap { cell, how in how != .exact && bounds[cell]?.isExact == true ? cell : nil })
      pinned.formUnion(unprinted.filter { bounds[$0]?.isExact == true && policy.isSmall(counts[$0] ?? 0) })
      let giving = sums.indices.filter { sums[$0].cells.contains(where: pinned.contains) || smallRest(of: sums[$0], counts: counts, shown: shown, bounds: bounds) }
      guard !giving.isEmpty else { return Outcome(shown: shown, unprotected: []) }
      guard let cell = nextToHide(in: giving.map { sums[$0] }, counts: counts, shown: shown) else {
        // What the suppressed parts of a known total add up to is that total's to protect.
        let rests = giving.map { sums[$0] }.filter { smallRest(of: $0, counts: counts, shown: shown, bounds: bounds) }.map(\.total)
        return Outcome(shown: shown, unprotected: pinned.union(rests))
      }
      shown[cell] = .hidden
    }
  }

  /// Whether the suppressed parts of a known total add up to a small count: 12 less 9 shown
  /// leaves 3 children between two suppressed counts, itself a count of fewer than 5.
  private func smallRest(of sum: Sum, counts: [Cell: Int], shown: [Cell: Shown], bounds: [Cell: Bounds]) -> Bool {
    guard let total = bounds[sum.total], total.isExact, sum.parts.contains(where: { shown[$0] != .exact }) else { return false }
    let rest = sum.parts.reduce(total.low) { rest, part in shown[part] == .exact ? rest - counts[part]! : rest }
    return policy.isSmall(rest)
  }

  /// The smallest shown non-zero part of the sums that give a suppressed count away (the
  /// first, among equals); only when none has one, the smallest such total.
  private func nextToHide(in sums: [Sum], counts: [Cell: Int], shown: [Cell: Shown]) -> Cell? {
    func open(_ cell: Cell) -> Int? { shown[cell] == .exact ? counts[cell].flatMap { $0 > 0 ? $0 : nil } : nil }
    func smallest(_ cells: [Cell]) -> Cell? {
      var best: (cell: Cell, count: Int)?
      for cell in cells {
        if let count = open(cell), count < (best?.count ?? .max) { best = (cell, count) }
      }
      return best?.cell
    }
    return smallest(sums.flatMap(\.parts)) ?? smallest(sums.map(\.total))
  }

  /// What a reader knows of each cell, `low...high` (`high` nil for no upper limit).
  struct Bounds: Equatable {
    var low: Int
    var high: Int?
    var isExact: Bool { high == low }
  }

  /// The reader's bounds from what is shown, narrowed through every sum until nothing changes.
  /// Each pass only narrows, and never past the true value, so it ends.
  func readerBounds(counts: [Cell: Int], shown: [Cell: Shown], sums: [Sum]) -> [Cell: Bounds] {
    var bounds: [Cell: Bounds] = [:]
    for (cell, count) in counts {
      guard let how = shown[cell] else { continue }
      switch how {
      case .exact: bounds[cell] = Bounds(low: count, high: count)
      case .small: bounds[cell] = Bounds(low: 1, high: policy.suppressBelow - 1)
      case .hidden: bounds[cell] = Bounds(low: policy.suppressBelow, high: nil)
      }
    }
    for sum in sums {
      for cell in sum.cells where bounds[cell] == nil { bounds[cell] = Bounds(low: 0, high: nil) }
    }
    var changed = true
    while changed {
      changed = false
      for sum in sums {
        func narrow(_ cell: Cell, low: Int, high: Int?) {
          let old = bounds[cell]!
          let new = Bounds(low: max(old.low, low), high: [old.high, high].compactMap { $0 }.min())
          if new != old {
            bounds[cell] = new
            changed = true
          }
        }
        var lowSum = 0, highSum = 0, unbounded = 0
        for part in sum.parts {
          let b = bounds[part]!
          lowSum += b.low
          if let high = b.high { highSum += high } else { unbounded += 1 }
        }
        narrow(sum.total, low: lowSum, high: unbounded == 0 ? highSum : nil)
        let total = bounds[sum.total]!
        for part in sum.parts {
          let b = bounds[part]!
          let othersLow = lowSum - b.low
          let othersUnbounded = unbounded - (b.high == nil ? 1 : 0)
          let othersHigh = highSum - (b.high ?? 0)
          narrow(
            part, low: othersUnbounded == 0 ? total.low - othersHigh : 0,
            high: total.high.map { $0 - othersLow })
        }
      }
    }
    return bounds
  }
}

extension SmallNumberSuppression.Sum {
  var cells: [Cell] { [total] + parts }
}
