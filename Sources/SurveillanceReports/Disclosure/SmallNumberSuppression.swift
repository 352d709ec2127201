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
  ///
  /// Each round hides, in every total that gives something away, its smallest shown non-zero
  /// part (a total only when no such total has one), as the row and the column of a table each
  /// need their second suppressed cell; an area's thousands of counts take a few rounds.
  public func apply(to counts: [Cell: Int], sums: [Sum], unprinted: Set<Cell> = []) -> Outcome {
    assert(sums.allSatisfy { sum in
      guard let total = counts[sum.total], sum.parts.allSatisfy({ counts[$0] != nil }) else { return true }
      return total == sum.parts.reduce(0) { $0 + counts[$1]! }
    }, "a sum whose counts do not add up")
    var table = Table(counts: counts, sums: sums, unprinted: unprinted, policy: policy)
    while true {
      let bounds = table.readerBounds()
      let pinned = table.pinned(bounds)
      let giving = table.sums.indices.filter { table.sums[$0].contains(where: { pinned[$0] }) || table.smallRest(of: $0, bounds: bounds) }
      guard !giving.isEmpty else { return Outcome(shown: table.outcome, unprotected: []) }
      var hide = Set(giving.compactMap { table.smallestOpen(table.parts(of: $0)) })
      if hide.isEmpty { hide = Set(giving.compactMap { table.smallestOpen([table.total(of: $0)]) }) }
      guard !hide.isEmpty else {
        // What the suppressed parts of a known total add up to is that total's to protect.
        let rests = giving.filter { table.smallRest(of: $0, bounds: bounds) }.map { table.total(of: $0) }
        let open = Set(pinned.indices.filter { pinned[$0] } + rests).map { table.cells[$0] }
        return Outcome(shown: table.outcome, unprotected: Set(open))
      }
      for cell in hide { table.shown[cell] = .hidden }
    }
  }

  /// What a reader knows of a cell, `low...high`; `high` is `Int.max` for no upper limit.
  struct Bounds: Equatable {
    var low: Int
    var high: Int
    var isExact: Bool { high == low }
    static var unbounded: Int { .max }
  }

  /// The counts and sums by number, for speed: cell `i` is `cells[i]`, and each sum is its
  /// total followed by its parts.
  struct Table {
    let cells: [Cell]
    let counts: [Int?]
    let printed: [Bool]
    /// `nil` for a cell not printed, or not published at all.
    var shown: [Shown?]
    let sums: [[Int]]
    /// The sums each cell takes part in.
    let sumsOf: [[Int]]
    let policy: DisclosureControl

    init(counts: [Cell: Int], sums: [Sum], unprinted: Set<Cell>, policy: DisclosureControl) {
      var index: [Cell: Int] = [:]
      var cells: [Cell] = []
      func number(_ cell: Cell) -> Int {
        if let i = index[cell] { return i }
        index[cell] = cells.count
        cells.append(cell)
        return cells.count - 1
      }
      for cell in counts.keys { _ = number(cell) }
      self.sums = sums.map { [number($0.total)] + $0.parts.map(number) }
      self.cells = cells
      self.counts = cells.map { counts[$0] }
      let printed = cells.map { counts[$0] != nil && !unprinted.contains($0) }
      self.printed = printed
      shown = cells.indices.map { i in printed[i] ? (policy.isSmall(counts[cells[i]]!) ? .small : .exact) : nil }
      var sumsOf = [[Int]](repeating: [], count: cells.count)
      for (s, sum) in self.sums.enumerated() { for cell in sum { sumsOf[cell].append(s) } }
      self.sumsOf = sumsOf
      self.policy = policy
    }

    func total(of sum: Int) -> Int { sums[sum][0] }
    func parts(of sum: Int) -> ArraySlice<Int> { sums[sum].dropFirst() }

    var outcome: [Cell: Shown] {
      var outcome: [Cell: Shown] = [:]
      for (i, how) in shown.enumerated() { if let how { outcome[cells[i]] = how } }
      return outcome
    }

    /// Cells whose value the reader has: a suppressed printed count, or an unprinted one that is small.
    func pinned(_ bounds: [Bounds]) -> [Bool] {
      cells.indices.map { i in
        guard bounds[i].isExact else { return false }
        if let how = shown[i] { return how != .exact }
        return counts[i].map { !printed[i] && policy.isSmall($0) } ?? false
      }
    }

    /// Whether the suppressed parts of a known total add up to a small count: 12 less 9 shown
    /// leaves 3 children between two suppressed counts, itself a count of fewer than 5.
    func smallRest(of sum: Int, bounds: [Bounds]) -> Bool {
      let total = bounds[self.total(of: sum)]
      guard total.isExact, parts(of: sum).contains(where: { shown[$0] != .exact }) else { return false }
      let rest = parts(of: sum).reduce(total.low) { rest, part in shown[part] == .exact ? rest - counts[part]! : rest }
      return policy.isSmall(rest)
    }

    /// The smallest shown non-zero cell (the first, among equals).
    func smallestOpen<C: Collection<Int>>(_ candidates: C) -> Int? {
      var best: (cell: Int, count: Int)?
      for cell in candidates where shown[cell] == .exact {
        if let count = counts[cell], count > 0, count < (best?.count ?? .max) { best = (cell, count) }
      }
      return best?.cell
    }

    /// The reader's bounds from what is shown, narrowed through the sums until nothing changes:
    /// a sum is looked at again whenever one of its cells narrows. Bounds only narrow, and never
    /// past the true value, so it ends.
    func readerBounds() -> [Bounds] {
      let threshold = policy.suppressBelow
      var bounds = cells.indices.map { i -> Bounds in
        switch shown[i] {
        case .exact?: return Bounds(low: counts[i]!, high: counts[i]!)
        case .small?: return Bounds(low: 1, high: threshold - 1)
        case .hidden?: return Bounds(low: threshold, high: Bounds.unbounded)
        case nil: return Bounds(low: 0, high: Bounds.unbounded)
        }
      }
      var queued = [Bool](repeating: true, count: sums.count)
      var queue = Array(sums.indices)
      var next = 0
      func narrow(_ cell: Int, low: Int, high: Int) {
        let old = bounds[cell]
        let new = Bounds(low: max(old.low, low), high: min(old.high, high))
        guard new != old else { return }
        bounds[cell] = new
        for sum in sumsOf[cell] where !queued[sum] {
          queued[sum] = true
          queue.append(sum)
        }
      }
      while next < queue.count {
        let sum = queue[next]
        next += 1
        queued[sum] = false
        let total = sums[sum][0]
        var lowSum = 0, highSum = 0, unbounded = 0
        for part in sums[sum].dropFirst() {
          lowSum += bounds[part].low
          if bounds[part].high == Bounds.unbounded { unbounded += 1 } else { highSum += bounds[part].high }
        }
        narrow(total, low: lowSum, high: unbounded == 0 ? highSum : Bounds.unbounded)
        let t = bounds[total]
        for part in sums[sum].dropFirst() {
          let b = bounds[part]
          let othersUnbounded = unbounded - (b.high == Bounds.unbounded ? 1 : 0)
          let othersHigh = highSum - (b.high == Bounds.unbounded ? 0 : b.high)
          narrow(
            part, low: othersUnbounded == 0 ? t.low - othersHigh : 0,
            high: t.high == Bounds.unbounded ? Bounds.unbounded : t.high - (lowSum - b.low))
        }
        if next > 4096, next * 2 > queue.count {
          queue.removeFirst(next)
          next = 0
        }
      }
      return bounds
    }
  }
}
