#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// One CSV record as libcsv delivered it: the raw bytes of its fields and the physical line
/// on which it starts.
///
/// The reader reuses one record for the whole file, so a record is only valid inside the
/// callback that receives it; copy what you keep (``fields`` does). Fields stay as bytes
/// until asked for, so rows that are filtered out early cost no `String` allocation.
public final class CSVRecord {
  /// The bytes of every field, back to back.
  // Exclusivity is checked statically for these two; the dynamic check costs a tenth of the
  // reading time, and the record is only ever touched from the parser's callbacks.
  @exclusivity(unchecked) @usableFromInline var storage: [UInt8] = []
  /// `ends[i]` is the end offset of field `i` in ``storage``.
  @exclusivity(unchecked) @usableFromInline var ends: [Int] = []

  /// The 1-based physical line on which this record starts.
  public internal(set) var lineNumber = 0
  /// The 1-based count of records delivered so far, the header included.
  public internal(set) var recordNumber = 0

  init() {
    storage.reserveCapacity(4096)
    ends.reserveCapacity(64)
  }

  /// How many fields the record has.
  public var count: Int { ends.count }

  @inlinable func range(_ index: Int) -> Range<Int> {
    (index == 0 ? 0 : ends[index - 1])..<ends[index]
  }

  /// Calls `body` with the raw bytes of field `index`, without copying them.
  @inlinable
  public func withBytes<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    let r = range(index)
    return try storage.withUnsafeBufferPointer { buffer in
      try body(UnsafeBufferPointer(rebasing: buffer[r]))
    }
  }

  /// The length in bytes of field `index`.
  public func byteCount(at index: Int) -> Int { range(index).count }

  /// Field `index` as text: UTF-8 when the bytes are valid UTF-8, otherwise Windows-1252, the
  /// encoding Excel on Windows writes, in which `£` is the single byte `0xA3`.
  public func string(at index: Int) -> String {
    withBytes(at: index) { TextDecoding.decode($0) }
  }

  /// Whether field `index` is valid UTF-8 (plain ASCII is).
  public func isUTF8(at index: Int) -> Bool {
    withBytes(at: index) { TextDecoding.isValidUTF8($0) }
  }

  /// Whether any field holds a NUL byte, which no text export should contain.
  public var containsNUL: Bool {
    storage.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress, !buffer.isEmpty else { return false }
      return memchr(base, 0, buffer.count) != nil
    }
  }

  /// Whether any byte has its high bit set (anything but ASCII), eight bytes at a time.
  var hasNonASCII: Bool {
    storage.withUnsafeBytes { raw in
      var index = 0
      let count = raw.count
      while index + 8 <= count {
        if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return true }
        index += 8
      }
      while index < count {
        if raw[index] >= 0x80 { return true }
        index += 1
      }
      return false
    }
  }

  /// Every field as text.
  public var fields: [String] { (0..<count).map(string(at:)) }

  func reset() {
    storage.removeAll(keepingCapacity: true)
    ends.removeAll(keepingCapacity: true)
  }

  func appendField(_ bytes: UnsafeRawBufferPointer) {
    if !bytes.isEmpty { storage.append(contentsOf: bytes.bindMemory(to: UInt8.self)) }
    ends.append(storage.count)
  }
}
