/// Turns field bytes into text, accepting the two encodings NHS exports arrive in.
///
/// GP and pharmacy systems write UTF-8 (with or without a byte-order mark), but a file saved
/// from Excel on Windows is Windows-1252. Deciding per field, rather than per file, lets a
/// streamed reader convert a `£` on line 900,000 without having read the file twice.
public enum TextDecoding {
  /// Characters for bytes 0x80...0x9F in Windows-1252; `nil` where the code page has none.
  private static let windows1252High: [Unicode.Scalar?] = [
    "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
    "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil,
    nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
    "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}", "\u{0178}",
  ]

  /// Whether `bytes` are well-formed UTF-8.
  public static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    if isASCII(bytes) { return true }
    return String(validating: bytes, as: UTF8.self) != nil
  }

  /// `bytes` as UTF-8 when valid, else as Windows-1252.
  public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    // Nearly every field is ASCII, which needs no validating: the validating initialiser
    // is generic and costs more than the rest of making the string.
    if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    return decodeWindows1252(bytes)
  }

  /// Whether every byte is below 0x80, eight at a time.
  public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let raw = UnsafeRawBufferPointer(bytes)
    var offset = 0
    while offset + 8 <= raw.count {
      if raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
      offset += 8
    }
    while offset < raw.count {
      if raw[offset] >= 0x80 { return false }
      offset += 1
    }
    return true
  }

  /// `bytes` as Windows-1252; the five undefined bytes become U+FFFD.
  public static func decodeWindows1252(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    var scalars = String.UnicodeScalarView()
    for byte in bytes {
      if byte >= 0x80 && byte <= 0x9F {
        scalars.append(windows1252High[Int(byte - 0x80)] ?? "\u{FFFD}")
      } else {
        scalars.append(Unicode.Scalar(byte))
      }
    }
    return String(scalars)
  }
}
