/// Cleaning and checking the product codes that arrive in exports.
///
/// Why checks at all: a code that is well formed but in no codelist is a real product outside
/// the asthma picture (role `other`), while a malformed one identifies nothing. Telling the two
/// apart keeps rejected rows honest.
enum ProductCodes {
  /// Trims spaces (also inside: `3214 3110 0000 1108`), and drops a trailing `.0` left by
  /// spreadsheets that stored the code as a number. `nil` when nothing is left.
  static func cleanDMD(_ raw: String?) -> String? {
    guard let raw else { return nil }
    // Fast path, the usual case: digits only.
    if !raw.isEmpty, raw.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) { return raw }
    var bytes = raw.utf8.filter { !isSpace($0) }
    if let point = bytes.firstIndex(of: UInt8(ascii: ".")),
      bytes[(point + 1)...].allSatisfy({ $0 == UInt8(ascii: "0") })
    {
      bytes.removeSubrange(point...)
    }
    return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
  }

  /// Trims spaces and upper-cases. `nil` when nothing is left.
  static func cleanBNF(_ raw: String?) -> String? {
    guard let raw else { return nil }
    // Fast path, the usual case: upper-case letters and digits only.
    if !raw.isEmpty, raw.utf8.allSatisfy(BNFCodeFormat.isAlphanumeric) { return raw }
    let bytes = raw.utf8.compactMap { byte -> UInt8? in
      if isSpace(byte) { return nil }
      return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
    }
    return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
  }

  /// Whether `code` is a SNOMED CT concept id, the form dm+d codes take: 6 to 18 digits, no
  /// leading zero, partition id `00` or `10` (a concept, short or long format) and a valid
  /// Verhoeff check digit.
  /// Source: <https://confluence.ihtsdotools.org/display/DOCRELFMT/6.1+SCTID+Data+Type>
  static func isWellFormedSNOMED(_ code: String) -> Bool {
    let digits = Array(code.utf8)
    guard (6...18).contains(digits.count), digits.first != UInt8(ascii: "0"),
      digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
    else { return false }
    let partition = digits[digits.count - 3..<digits.count - 1]
    guard partition.last == UInt8(ascii: "0"),
      partition.first == UInt8(ascii: "0") || partition.first == UInt8(ascii: "1")
    else { return false }
    return Verhoeff.isValid(digits)
  }

  static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
  }
}

/// The Verhoeff check digit that SNOMED CT identifiers carry.
/// Source: <https://en.wikipedia.org/wiki/Verhoeff_algorithm>
enum Verhoeff {
  private static let multiplication: [[UInt8]] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
  ]
  private static let permutation: [[UInt8]] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
  ]

  /// Whether the ASCII digits, check digit last, pass the Verhoeff check.
  static func isValid(_ digits: [UInt8]) -> Bool {
    var check: UInt8 = 0
    for (position, digit) in digits.reversed().enumerated() {
      let value = Int(digit - UInt8(ascii: "0"))
      check = multiplication[Int(check)][Int(permutation[position % 8][value])]
    }
    return check == 0
  }
}
