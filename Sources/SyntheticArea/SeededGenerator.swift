/// SplitMix64: a small, fast, seedable pseudo-random generator.
///
/// Why not the standard library's generator: `SystemRandomNumberGenerator` cannot be seeded,
/// and the same spec and seed must give the same bytes on every machine and every run, so
/// that the committed samples can be checked against the generator and a benchmark can be
/// repeated. Every patient gets a generator of their own (``SeededGenerator/derived(_:)``), so
/// that one pattern's draws never shift another patient's rows.
/// Bounded draws and shuffles are written here too, not taken from the standard library,
/// whose algorithms for them are not promised to stay the same between Swift releases.
/// Source: <https://prng.di.unimi.it/splitmix64.c>
struct SeededGenerator: Sendable {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// An independent stream for `labels` (a patient index, a file, a purpose), mixed from
  /// this generator's seed without advancing it.
  func derived(_ labels: UInt64...) -> SeededGenerator {
    var mixer = SeededGenerator(seed: state)
    for label in labels { mixer = SeededGenerator(seed: mixer.next() ^ (label &* 0xD6E8_FEB8_6659_FD93)) }
    return SeededGenerator(seed: mixer.next())
  }

  /// A uniform integer in `0..<bound`, by rejection so that no value is favoured.
  mutating func below(_ bound: Int) -> Int {
    precondition(bound > 0)
    let limit = UInt64(bound)
    let threshold = (0 &- limit) % limit  // 2^64 mod bound
    while true {
      let value = next()
      if value >= threshold { return Int(value % limit) }
    }
  }

  /// A uniform integer in `range`.
  mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

  /// True with probability `numerator` in `denominator`, in integers so that no floating-point
  /// rounding can differ between machines.
  mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
    below(denominator) < numerator
  }

  /// One element, uniformly.
  mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

  /// One element, with integer weights.
  mutating func pick<T>(weighted items: [(T, Int)]) -> T {
    let total = items.reduce(0) { $0 + $1.1 }
    var draw = below(total)
    for (item, weight) in items {
      if draw < weight { return item }
      draw -= weight
    }
    return items[items.count - 1].0
  }

  /// The elements in a uniformly random order (Fisher-Yates).
  mutating func shuffled<T>(_ items: [T]) -> [T] {
    var result = items
    var index = result.count - 1
    while index > 0 {
      result.swapAt(index, below(index + 1))
      index -= 1
    }
    return result
  }
}

/// Hands out items in fixed proportions: each block of `deck.count` draws holds every item
/// exactly as often as its weight says, in an order shuffled per block.
///
/// Why not independent draws: a sample of 400 children must hold every planted pattern, in
/// the documented shares, whatever the seed.
struct ProportionalDeck<Item: Sendable>: Sendable {
  private let cards: [Item]
  private var order: [Int] = []
  private var position = 0
  private var generator: SeededGenerator

  init(_ weights: [(Item, Int)], generator: SeededGenerator) {
    cards = weights.flatMap { item, weight in Array(repeating: item, count: weight) }
    self.generator = generator
  }

  mutating func draw() -> Item {
    if position == order.count {
      order = generator.shuffled(Array(cards.indices))
      position = 0
    }
    defer { position += 1 }
    return cards[order[position]]
  }
}
