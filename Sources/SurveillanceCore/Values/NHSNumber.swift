/// A validated NHS number: ten digits whose last is the Modulus 11 check digit.
///
/// Stored as an integer so that millions of them hash and compare cheaply. Its
/// `description` is the bare ten digits; it is never written to a log.
public struct NHSNumber: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The ten digits as a number (leading zeros are not possible: the first digit may be 0,
  /// so format with ``description``, never with `String(value)`).
  public let value: UInt64

  /// Why a text is not an NHS number, in words a data manager can act on.
  public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case notTenDigits(found: Int)
    case nonDigit
    case failsCheckDigit
    /// All ten digits the same (`0000000000`, `1111111111`): some pass the check digit, but
    /// they are what systems type for "unknown", and would make different children one.
    case placeholder

    public var description: String {
      switch self {
      case .empty: return "NHS number is empty"
      case .notTenDigits(let found): return "NHS number has \(found) digits, not 10"
      case .nonDigit: return "NHS number contains a character that is not a digit"
      case .failsCheckDigit: return "NHS number fails the Modulus 11 check digit"
      case .placeholder: return "NHS number is a placeholder (all ten digits the same), not a child's number"
      }
    }
  }

  /// Parses `text`, accepting the spaces and hyphens systems print (`943 476 5919`).
  public static func parse(_ text: some StringProtocol) -> Result<NHSNumber, Problem> {
    parse(utf8: text.utf8)
  }

  /// Parses UTF-8 bytes as ``parse(_:)`` does text, without making a string or an array:
  /// the decoder calls it on every child's row, straight from the reader's buffer.
  public static func parse(utf8 bytes: some Sequence<UInt8>) -> Result<NHSNumber, Problem> {
    var count = 0
    var value: UInt64 = 0
    // Modulus 11: weights 10 down to 2 on the first nine digits; 11 - (sum mod 11) is the
    // check digit, 11 becomes 0, and 10 means the number was never issued.
    var sum = 0
    var lastDigit = 0
    var firstDigit = -1
    var allSame = true
    for byte in bytes {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        let digit = Int(byte - UInt8(ascii: "0"))
        if firstDigit < 0 { firstDigit = digit } else if digit != firstDigit { allSame = false }
        if count < 9 { sum += digit * (10 - count) }
        if count < 10 { value = value &* 10 &+ UInt64(digit) }
        lastDigit = digit
        count += 1
      case UInt8(ascii: " "), UInt8(ascii: "-"), 0x09: continue
      default: return .failure(.nonDigit)
      }
    }
    if count == 0 { return .failure(.empty) }
    guard count == 10 else { return .failure(.notTenDigits(found: count)) }
    var check = 11 - sum % 11
    if check == 11 { check = 0 }
    guard check != 10, check == lastDigit else { return .failure(.failsCheckDigit) }
    if allSame { return .failure(.placeholder) }
    return .success(NHSNumber(value: value))
  }

  /// Whether `text` holds something shaped like an NHS number (ten digits in a row, or
  /// 3-3-4 with spaces or hyphens), valid or not: text that must not reach a log, a store's
  /// audit trail or an error message.
  public static func appearsIn(_ text: some StringProtocol) -> Bool { redacted(String(text)) != String(text) }

  /// `text` with every run of 9 to 12 digits (spaces and hyphens between them allowed)
  /// replaced, so that a mistyped NHS number echoed by a message is not repeated.
  public static func redacted(_ text: String) -> String {
    var out = ""
    var run = ""
    var digits = 0
    func flush() {
      if (9...12).contains(digits) { out += "[number withheld]" } else { out += run }
      run = ""
      digits = 0
    }
    for character in text {
      if character.isASCII, character.isNumber {
        run.append(character)
        digits += 1
      } else if (character == " " || character == "-"), digits > 0 {
        run.append(character)
      } else {
        // A trailing separator is not part of the number.
        let trailing = run.reversed().prefix { $0 == " " || $0 == "-" }
        let kept = String(run.dropLast(trailing.count))
        run = kept
        flush()
        out += String(trailing.reversed())
        out.append(character)
      }
    }
    let trailing = run.reversed().prefix { $0 == " " || $0 == "-" }
    run = String(run.dropLast(trailing.count))
    flush()
    out += String(trailing.reversed())
    return out
  }

  /// A number already known to be valid (read back from the tool's own output).
  public init?(_ text: some StringProtocol) {
    guard case .success(let number) = Self.parse(text) else { return nil }
    self = number
  }

  private init(value: UInt64) { self.value = value }

  /// The number whose ``value`` this is: only for a value taken from a valid number (a row's
  /// holder counted by value, say), never for digits from outside.
  public init(validatedValue value: UInt64) { self.value = value }

  public var description: String {
    let digits = String(value)
    return String(repeating: "0", count: 10 - digits.count) + digits
  }

  /// `999 000 1774`: the 3-3-4 form NHS guidance gives for showing a number to people
  /// (files for machines keep the ten digits, ``description``).
  public var spaced: String {
    let digits = Array(description)
    return String(digits[0..<3]) + " " + String(digits[3..<6]) + " " + String(digits[6...])
  }

  public static func < (lhs: NHSNumber, rhs: NHSNumber) -> Bool { lhs.value < rhs.value }
}

/// The NHS numbers a run does not take as a child's (`rules/nhs-numbers.json`): the ranges
/// reserved for testing, which a real export should never hold. A run of test data (the
/// samples, the synthetic generator's exports) says so explicitly (`--test-data`).
public struct NHSNumberRules: Decodable, Sendable {
  public struct Range: Decodable, Sendable {
    public var first: String
    public var last: String
    public var note: String?
  }

  public var testRanges: [Range]
  /// Whether this run reads test data, whose test-range numbers are then accepted. Set by
  /// the run, never by the file.
  public var acceptsTestNumbers = false

  private enum CodingKeys: String, CodingKey { case testRanges = "test_ranges" }

  public init(testRanges: [Range], acceptsTestNumbers: Bool = false) {
    self.testRanges = testRanges
    self.acceptsTestNumbers = acceptsTestNumbers
  }

  /// The ranges a run rejects: none when it reads test data.
  public var rejectedRanges: [ClosedRange<UInt64>] {
    acceptsTestNumbers ? [] : testRanges.compactMap { range in
      guard let first = UInt64(range.first), let last = UInt64(range.last), first <= last else { return nil }
      return first...last
    }
  }

  /// Problems with the file's ranges, for `check-rules`.
  public var problems: [String] {
    testRanges.compactMap { range in
      guard range.first.count == 10, range.last.count == 10, let first = UInt64(range.first), let last = UInt64(range.last), first <= last else {
        return "test range \(range.first)-\(range.last) must be two ten-digit numbers, the first not after the last"
      }
      return nil
    }
  }
}
