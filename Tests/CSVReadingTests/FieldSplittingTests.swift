import CFieldSplitting
import Testing

/// The reader's inner loop has three implementations (AVX2, SSE2, one byte at a time), and the
/// machine a test runs on uses one of them: each is held here to the same answer as a plain
/// split at commas, or field by field where quotes are, whichever this machine would choose.
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
      csv_split_line_using(implementation, bytes.baseAddress, bytes.count, &starts, &ends, &found)
    }
    if found & Int32(CSV_SPLIT_NOT_PLAIN) != 0 {
      #expect(count == 0)
      return Split(fields: nil, nonASCII: false, nul: false)
    }
    let fields = (0..<count).map { Array(line[starts[$0]..<ends[$0]]) }
    return Split(fields: fields, nonASCII: found & Int32(CSV_SPLIT_NON_ASCII) != 0, nul: found & Int32(CSV_SPLIT_NUL) != 0)
  }

  /// The answer by definition: the bytes between commas; where the line holds a quote or a
  /// carriage return, field by field, each either quoted whole (its content running to the
  /// next quote, which must end it) or holding neither, else the line is not plain.
  static func expected(_ line: [UInt8]) -> Split {
    let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), carriageReturn = UInt8(ascii: "\r")
    let notPlain = Split(fields: nil, nonASCII: false, nul: false)
    var fields: [[UInt8]] = []
    var index = 0
    while true {
      if index < line.count, line[index] == quote {
        guard let close = line[(index + 1)...].firstIndex(of: quote) else { return notPlain }
        guard close + 1 == line.count || line[close + 1] == comma else { return notPlain }
        fields.append(Array(line[(index + 1)..<close]))
        if close + 1 == line.count { break }
        index = close + 2
        continue
      }
      let end = line[index...].firstIndex(of: comma) ?? line.count
      if line[index..<end].contains(quote) || line[index..<end].contains(carriageReturn) { return notPlain }
      fields.append(Array(line[index..<end]))
      if end == line.count { break }
      index = end + 1
    }
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

  @Test func everyImplementationSplitsLinesWithQuotedFieldsAsTheFieldsAre() {
    // Fields bare, quoted (holding commas, carriage returns, high bytes, NULs) or empty, in
    // lines long and short around the 16- and 32-byte steps, some spoilt by a stray quote or
    // carriage return, an escaped quote or an unclosed one.
    let content: [UInt8] = [0x61, 0x31, 0x20, 0x2C, 0x0D, 0x00, 0xC3, 0xA9, 0x7F]
    let spoilers: [[UInt8]] = [[0x22], [0x0D], [0x22, 0x22], [0x61, 0x22, 0x61]]
    var generator = SystemRandomNumberGenerator()
    var plain = 0
    var total = 0
    for _ in 0..<6_000 {
      var fields: [[UInt8]] = []
      for _ in 0..<Int.random(in: 1...9, using: &generator) {
        let length = Int.random(in: 0...40, using: &generator)
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: fields.append((0..<length).map { _ in Bool.random(using: &generator) ? 0x62 : 0x39 })
        case 1: fields.append([0x22] + (0..<length).map { _ in content.randomElement(using: &generator)! } + [0x22])
        default: fields.append([])
        }
      }
      var line = Array(fields.joined(separator: [UInt8(ascii: ",")]))
      if Int.random(in: 0..<4, using: &generator) == 0 {
        let at = Int.random(in: 0...line.count, using: &generator)
        line.insert(contentsOf: spoilers.randomElement(using: &generator)!, at: at)
      }
      let wanted = Self.expected(line)
      if wanted.fields != nil { plain += 1 }
      total += 1
      for implementation in Self.implementations {
        #expect(Self.split(line, using: implementation) == wanted, "implementation \(implementation), line \(line)")
      }
    }
    #expect(plain > total / 2 && plain < total, "both kinds of line were tried")
  }

  @Test func aQuotedFieldIsItsContentAndAnEscapedQuoteGoesToLibcsv() {
    for implementation in Self.implementations {
      let line = Array(#"0123456789,"Salbutamol 100micrograms/dose, inhaler",ABCDEFGHIJKLMNOPQRSTUVWXYZ,"",x"#.utf8)
      #expect(Self.split(line, using: implementation).fields?.map { String(decoding: $0, as: UTF8.self) } == [
        "0123456789", "Salbutamol 100micrograms/dose, inhaler", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "", "x",
      ])
      #expect(Self.split(Array(#"a,"say ""hello""",b"#.utf8), using: implementation).fields == nil)
      #expect(Self.split(Array(#"a,"never closed,b"#.utf8), using: implementation).fields == nil)
      #expect(Self.split(Array("a,b\rc".utf8), using: implementation).fields == nil)
      #expect(Self.split(Array("a,\"b\rc\"".utf8), using: implementation).fields == [[0x61], [0x62, 0x0D, 0x63]])
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
