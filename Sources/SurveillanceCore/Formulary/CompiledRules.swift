/// A ``FormularyDefinition/NamePattern`` with its words turned into sets of term ids.
struct CompiledNamePattern: Sendable {
  var anyOf: TermSetBits?
  var allOf: [TermSetBits]
  var noneOf: TermSetBits

  func matches(_ found: TermSetBits) -> Bool {
    if let anyOf, !found.intersects(anyOf) { return false }
    for group in allOf where !found.intersects(group) { return false }
    return !found.intersects(noneOf)
  }
}

/// An OpenPrescribing-style BNF pattern: `prefix` alone, or `prefix%suffix`, which matches a full
/// presentation code that starts with the prefix and ends with the suffix.
struct BNFPattern: Sendable {
  var prefix: String
  var suffix: String?

  init?(_ text: String) {
    let upper = text.uppercased()
    let parts = upper.split(separator: "%", omittingEmptySubsequences: false)
    guard parts.count <= 2, !parts[0].isEmpty,
      upper.utf8.allSatisfy({ $0 == UInt8(ascii: "%") || BNFCodeFormat.isAlphanumeric($0) })
    else { return nil }
    prefix = String(parts[0])
    suffix = parts.count == 2 && !parts[1].isEmpty ? String(parts[1]) : nil
  }

  func matches(_ code: String, presentationLength: Int) -> Bool {
    guard code.hasPrefix(prefix) else { return false }
    guard let suffix else { return true }
    return code.utf8.count == presentationLength && code.hasSuffix(suffix)
  }
}

/// The BNF code layout from the definition, with the checks that use it.
struct BNFCodeFormat: Sendable {
  var validLengths: Set<Int>
  var numericPrefixLength: Int
  var chemicalSubstanceLength: Int
  var presentationLength: Int
  var genericProductCode: String
  var genericEquivalentLength: Int

  init(_ structure: FormularyDefinition.BNFCodeStructure) throws {
    validLengths = Set(structure.validLengths)
    numericPrefixLength = structure.numericPrefixLength
    chemicalSubstanceLength = structure.chemicalSubstanceLength
    presentationLength = structure.presentationLength
    genericProductCode = structure.genericProductCode.uppercased()
    genericEquivalentLength = structure.genericEquivalentLength
    let parts = chemicalSubstanceLength + genericProductCode.utf8.count + 2 * genericEquivalentLength
    guard validLengths.contains(presentationLength), validLengths.allSatisfy({ $0 > 0 }),
      numericPrefixLength > 0, numericPrefixLength <= validLengths.min() ?? 0,
      parts == presentationLength
    else {
      throw FormularyError.invalidBNFStructure(
        detail: "substance, generic product and two equivalent codes must add up to the presentation length, "
          + "and every valid length must hold the numeric prefix")
    }
  }

  static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
  }

  /// Whether a cleaned (upper-case, no spaces) code is a BNF code: a valid length, letters and
  /// digits only, chapter and section in digits.
  func isWellFormed(_ code: String) -> Bool {
    let bytes = code.utf8
    guard validLengths.contains(bytes.count), bytes.allSatisfy(Self.isAlphanumeric) else { return false }
    return bytes.prefix(numericPrefixLength).allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
  }

  /// The generic presentation that a branded presentation is equivalent to: the substance, the
  /// generic product code, then the equivalent strength/formulation twice. `nil` for codes that
  /// are not full presentations.
  func genericEquivalent(of code: String) -> String? {
    guard code.utf8.count == presentationLength else { return nil }
    let equivalent = code.suffix(genericEquivalentLength)
    return code.prefix(chemicalSubstanceLength) + genericProductCode + equivalent + equivalent
  }
}
