/// Bytes written as lowercase hexadecimal, two digits a byte: how the manifest, the store and
/// `sha256sum` write a SHA-256 digest, so that a reader can compare them by eye.
extension Sequence<UInt8> {
  public var lowercaseHex: String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(underestimatedCount * 2)
    for byte in self {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
