import SurveillanceCore

/// NHS numbers from the range NHS England keeps for testing (999 000 0000 to 999 999 9999),
/// never one that could belong to a real patient.
///
/// Numbers are handed out in order from a starting block, skipping the nine-digit stems whose
/// Modulus 11 check digit would be 10 (never issued). The check itself is the core's
/// ``NHSNumber`` parser: the generator has no second copy of the algorithm.
struct TestNHSNumbers: Sendable {
  private var stem: UInt64

  /// Numbers for the canonical cohort: 999 000 001x up to 999 899 999x, room for about
  /// 818,000 patients (the range has 1,000,000 stems, a tenth of them never valid).
  static var canonical: TestNHSNumbers { TestNHSNumbers(firstStem: 999_000_001) }
  /// Numbers for the real-world cohort, which never meets the canonical one.
  static var realWorld: TestNHSNumbers { TestNHSNumbers(firstStem: 999_900_001) }
  /// Numbers for the published case files.
  static var cases: TestNHSNumbers { TestNHSNumbers(firstStem: 999_999_901) }

  private init(firstStem: UInt64) { stem = firstStem }

  /// The next valid number, as ten digits.
  mutating func next() -> String {
    while true {
      defer { stem += 1 }
      precondition(stem <= 999_999_999, "the NHS test range is exhausted")
      if let number = Self.complete(stem: stem) { return number }
    }
  }

  /// The ten-digit number whose first nine digits are `stem`, or `nil` when none is valid.
  static func complete(stem: UInt64) -> String? {
    let body = String(stem)
    for digit in 0...9 {
      let candidate = body + String(digit)
      if NHSNumber(candidate) != nil { return candidate }
    }
    return nil
  }

  /// `999 000 0018`, as clinical systems print it.
  static func spaced(_ digits: String) -> String {
    let characters = Array(digits)
    guard characters.count == 10 else { return digits }
    return String(characters[0..<3]) + " " + String(characters[3..<6]) + " " + String(characters[6..<10])
  }

  /// The same number with a check digit that fails (a deliberately broken row).
  static func withWrongCheckDigit(_ digits: String) -> String {
    guard let last = digits.last?.wholeNumberValue else { return digits }
    return String(digits.dropLast()) + String((last + 1) % 10)
  }
}
