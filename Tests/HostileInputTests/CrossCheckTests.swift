import Foundation
import SurveillanceCore
import SurveillanceFrontend
import Testing

/// The fuzz target's cross-checks (``ReadingCrossCheck``), bounded, in every `swift test`: the
/// committed seed corpus, then seeded mutations of it (bytes flipped, quotes, commas, line
/// breaks, NUL and byte-order marks put in, lines cut and repeated). The same seed gives the
/// same inputs, so a failure here reproduces.
struct CrossCheckTests {
  static let corpus = repositoryRoot.appendingPathComponent("Sources/asthma-surveillance-fuzz/corpus")
  static let rules: RuleSet? = try? RuleSource.directory(repositoryRoot.appendingPathComponent("rules")).load().readingTestData()

  static var context: DecodeContext? {
    rules.map { rules in
      DecodeContext(
        fileIndex: 0, latestEvaluationDate: CalendarDate(year: 2026, month: 11, day: 21)!,
        earliestEvaluationDate: CalendarDate(year: 2026, month: 11, day: 21)!, policy: rules.timeline)
    }
  }

  static func seeds() throws -> [(String, [UInt8])] {
    try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted().map { name in
      (name, Array(try Data(contentsOf: corpus.appendingPathComponent(name))))
    }
  }

  /// A small deterministic generator (SplitMix64).
  struct Seeded {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }
  }

  static func mutated(_ bytes: [UInt8], _ random: inout Seeded) -> [UInt8] {
    var bytes = bytes
    let specials: [[UInt8]] = [[0x22], [0x2C], [0x0D], [0x0A], [0x0D, 0x0A], [0x00], [0xEF, 0xBB, 0xBF], [0x22, 0x22], [0xFF], [0x20]]
    for _ in 0..<(1 + random.below(6)) {
      let at = random.below(bytes.count + 1)
      switch random.below(5) {
      case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next())
      case 1: bytes.insert(contentsOf: specials[random.below(specials.count)], at: at)
      case 2 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(8)))
      case 3 where !bytes.isEmpty:
        let start = random.below(bytes.count)
        let piece = bytes[start..<min(bytes.count, start + 1 + random.below(80))]
        bytes.insert(contentsOf: piece, at: at)
      default: bytes = Array(bytes.prefix(at))
      }
    }
    return bytes
  }

  @Test func everySeedReadsAlikeOnEveryPath() throws {
    let rules = try #require(Self.rules)
    let context = try #require(Self.context)
    for (name, bytes) in try Self.seeds() {
      #expect(ReadingCrossCheck.disagreements(in: bytes, rules: rules, context: context) == [], "\(name)")
    }
  }

  @Test func seededMutationsOfTheCorpusReadAlikeOnEveryPath() throws {
    let rules = try #require(Self.rules)
    let context = try #require(Self.context)
    let seeds = try Self.seeds().map(\.1).filter { !$0.isEmpty }
    var random = Seeded(state: 20261201)
    for round in 0..<600 {
      let input = Self.mutated(seeds[random.below(seeds.count)], &random)
      let found = ReadingCrossCheck.disagreements(in: input, rules: rules, context: context)
      #expect(found == [], "mutation \(round): \(found)")
      if !found.isEmpty { return }
    }
  }
}
