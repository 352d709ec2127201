import CFieldSplitting
import Testing

/// The reader's inner loop has three implementations (AVX2, SSE2, one byte at a time), and the
/// machine a test runs on uses one of them: each is held here to the same answer as a plain
/// split at commas, whichever this machine would choose.
struct FieldSplittingTests {
  /// What splitting a line gives: fields, or `nil` for a line that is not bare, and the bits.
  struct Split: Equatable {
    var fields: [[UInt8]]?
    var nonASCII: Bool
    var nul: Bool
  }

  static func split(_ line: [UInt8], using implementation: Int32) -> Split {
    var starts = [Int](repeating: -1, count: line.count + 1)
    var ends = [Int](repeating: -1, count: line.count + 1)
    var found: Int32 = 0
    let count = line.withUnsafeBufferPointer { bytes in
      csv_split_bare_line_using(implementation, bytes.baseAddress, bytes.count, &starts, &ends, &found)
    }
    if found & Int32(CSV_SPLIT_NOT_BARE) != 0 {
      #expect(count == 0)
      return Split(fields: nil, nonASCII: false, nul: false)
    }
    let fields = (0..<count).map { Array(line[starts[$0]..<ends[$0]]) }
    return Split(fields: fields, nonASCII: found & Int32(CSV_SPLIT_NON_ASCII) != 0, nul: found & Int32(CSV_SPLIT_NUL) != 0)
  }

  /// The answer by definition: not bare if it holds a quote or carriage return, else the
  /// bytes between commas.
  static func expected(_ line: [UInt8]) -> Split {
    if line.contains(UInt8(ascii: "\"")) || line.contains(UInt8(ascii: "\r")) { return Split(fields: nil, nonASCII: false, nul: false) }
    let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(Array.init)
    return Split(fields: fields, nonASCII: line.contains { $0 >= 0x80 }, nul: line.contains(0))
  }

  static let implementations = [Int32(CSV_SPLIT_USING_SCALAR), Int32(CSV_SPLIT_USING_SSE2), Int32(CSV_SPLIT_USING_AVX2)]

  @Test func everyImplementationSplitsRandomLinesAsCommasDo() {
    // Bytes that matter (separators, stops, high bytes, NUL) and plain ones, in lines of every
    // length around the 16- and 32-byte steps, with the odd byte at every position.
    let alphabet: [UInt8] = [0x61, 0x31, 0x20, 0x2C, 0x2C, 0x22, 0x0D, 0x00, 0xC3, 0xA9, 0x80, 0x7F]
    var generator = SystemRandomNumberGenerator()
    for length in 0...130 {
      for trial in 0..<60 {
        // Mostly plain lines with commas, as exports are; some with one odd byte.
        var line = (0..<length).map { _ in Bool.random(using: &generator) ? UInt8(ascii: "b") : (Int.random(in: 0..<5, using: &generator) == 0 ? 0x2C : 0x39) }
        if trial % 2 == 1, length > 0 { line[Int.random(in: 0..<length, using: &generator)] = alphabet.randomElement(using: &generator)! }
        let wanted = Self.expected(line)
        for implementation in Self.implementations {
          #expect(Self.split(line, using: implementation) == wanted, "implementation \(implementation), line \(line)")
        }
      }
    }
  }

  @Test func aLineOfOnlyCommasIsEmptyFields() {
    for implementation in Self.implementations {
      #expect(Self.split(Array(repeating: UInt8(ascii: ","), count: 40), using: implementation).fields == Array(repeating: [], count: 41))
      #expect(Self.split([], using: implementation).fields == [[]])
    }
  }

  @Test func theMachineSaysWhichImplementationItUses() {
    let name = String(cString: csv_split_implementation())
    #expect(["avx2", "sse2", "scalar"].contains(name))
  }
}
