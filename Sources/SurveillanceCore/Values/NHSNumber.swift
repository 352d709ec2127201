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

    public var description: String {
      switch self {
      case .empty: return "NHS number is empty"
      case .notTenDigits(let found): return "NHS number has \(found) digits, not 10"
      case .nonDigit: return "NHS number contains a character that is not a digit"
      case .failsCheckDigit: return "NHS number fails the Modulus 11 check digit"
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
    for byte in bytes {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        let digit = Int(byte - UInt8(ascii: "0"))
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
    return .success(NHSNumber(value: value))
  }

  /// A number already known to be valid (read back from the tool's own output).
  public init?(_ text: some StringProtocol) {
    guard case .success(let number) = Self.parse(text) else { return nil }
    self = number
  }

  private init(value: UInt64) { self.value = value }

  public var description: String {
    let digits = String(value)
    return String(repeating: "0", count: 10 - digits.count) + digits
  }

  public static func < (lhs: NHSNumber, rhs: NHSNumber) -> Bool { lhs.value < rhs.value }
}
