#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// One CSV record as read: the raw bytes of its fields and the physical line on which it starts.
///
/// The reader reuses one record for the whole file, so a record is only valid inside the
/// callback that receives it; copy what you keep (``fields`` does). Fields stay as bytes
/// until asked for, so rows that are filtered out early cost no `String` allocation.
///
/// The bytes live in one of two places. A record libcsv parsed is copied field by field into
/// the record's own storage. A record on a plain line (see `CSVReader`) is not copied at all:
/// its fields are ranges of the line in the reader's buffer, which is most rows of an export.
public final class CSVRecord {
  /// The bytes of every field, back to back, for a record libcsv parsed.
  // Exclusivity is checked statically for these; the dynamic check costs a tenth of the
  // reading time, and the record is only ever touched from the reader.
  @exclusivity(unchecked) @usableFromInline var storage: [UInt8] = []
  /// `starts[i]..<ends[i]` are the bytes of field `i`, in ``storage`` or from ``inPlace``.
  /// Plain buffers, grown by hand: an array's append checks uniqueness on every field.
  @exclusivity(unchecked) @usableFromInline var starts: UnsafeMutablePointer<Int>
  @exclusivity(unchecked) @usableFromInline var ends: UnsafeMutablePointer<Int>
  @exclusivity(unchecked) @usableFromInline var fieldCapacity = 64
  @exclusivity(unchecked) @usableFromInline var fieldCount = 0
  /// The line the fields are ranges of, while the record is read in place; `nil` otherwise.
  @exclusivity(unchecked) @usableFromInline var inPlace: UnsafeBufferPointer<UInt8>?
  /// Set by a reader that has already seen every byte of the record is ASCII.
  @exclusivity(unchecked) var knownASCII = false
  /// Set by a reader that has already seen no byte of the record is NUL.
  @inlinable public var knownFreeOfNUL: Bool { freeOfNUL }
  /// The 1-based physical line on which this record starts.
  @inlinable public var lineNumber: Int { line }
  /// The 1-based count of records delivered so far, the header included.
  @inlinable public var recordNumber: Int { number }
  // Read from other modules on every row, through the getters above: a `public internal(set)`
  // stored property was checked for exclusivity there at run time, `@exclusivity(unchecked)`
  // or not (`perf`: about 2% of reading).
  @exclusivity(unchecked) @usableFromInline var freeOfNUL = false
  @exclusivity(unchecked) @usableFromInline var line = 0
  @exclusivity(unchecked) @usableFromInline var number = 0

  init() {
    storage.reserveCapacity(4096)
    starts = .allocate(capacity: fieldCapacity)
    ends = .allocate(capacity: fieldCapacity)
  }

  deinit {
    starts.deallocate()
    ends.deallocate()
  }

  /// How many fields the record has.
  public var count: Int { fieldCount }

  /// Calls `body` with the raw bytes of field `index`, without copying them.
  @inlinable
  public func withBytes<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    precondition(index >= 0 && index < fieldCount, "field \(index) of a record of \(fieldCount)")
    let start = starts[index]
    let end = ends[index]
    if let line = inPlace {
      return try body(UnsafeBufferPointer(rebasing: line[start..<end]))
    }
    return try storage.withUnsafeBufferPointer { buffer in
      try body(UnsafeBufferPointer(rebasing: buffer[start..<end]))
    }
  }

  /// Calls `body` with every byte of the record: the fields back to back, or the whole line.
  func withAllBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    if let line = inPlace { return try body(line) }
    return try storage.withUnsafeBufferPointer(body)
  }

  /// Calls `body` with all the record's bytes and, for each field, where it starts and ends
  /// in them: every field at once, without a call per field.
  @inlinable
  public func withFieldRanges<R>(
    _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>) throws -> R
  ) rethrows -> R {
    let starts = UnsafeBufferPointer(start: starts, count: fieldCount)
    let ends = UnsafeBufferPointer(start: ends, count: fieldCount)
    if let line = inPlace { return try body(line, starts, ends) }
    return try storage.withUnsafeBufferPointer { try body($0, starts, ends) }
  }

  /// The length in bytes of field `index`.
  public func byteCount(at index: Int) -> Int {
    precondition(index >= 0 && index < fieldCount, "field \(index) of a record of \(fieldCount)")
    return ends[index] - starts[index]
  }

  /// The length in bytes of the longest field.
  public var longestFieldBytes: Int {
    var longest = 0
    for index in 0..<count { longest = max(longest, ends[index] - starts[index]) }
    return longest
  }

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
    if knownFreeOfNUL { return false }
    return withAllBytes { buffer in
      guard let base = buffer.baseAddress, !buffer.isEmpty else { return false }
      return memchr(base, 0, buffer.count) != nil
    }
  }

  /// Whether any byte has its high bit set (anything but ASCII), eight bytes at a time.
  var hasNonASCII: Bool {
    if knownASCII { return false }
    return withAllBytes { !TextDecoding.isASCII($0) }
  }


  /// Every field as text.
  public var fields: [String] { (0..<count).map(string(at:)) }

  func reset() {
    // A record read in place left nothing here, and emptying an empty array is not free.
    if !storage.isEmpty { storage.removeAll(keepingCapacity: true) }
    fieldCount = 0
    inPlace = nil
    knownASCII = false
    freeOfNUL = false
  }

  /// Appends a field libcsv parsed, copying its bytes.
  func appendField(_ bytes: UnsafeRawBufferPointer) {
    let start = storage.count
    if !bytes.isEmpty { storage.append(contentsOf: bytes.bindMemory(to: UInt8.self)) }
    appendBounds(start, storage.count)
  }

  /// Starts a record read in place from `line`; fields are then added as ranges of it.
  func beginInPlace(_ line: UnsafeBufferPointer<UInt8>) {
    inPlace = line
  }

  /// Adds the field at `start..<end` of the line given to ``beginInPlace(_:)``.
  @inline(__always)
  func appendFieldInPlace(from start: Int, to end: Int) {
    appendBounds(start, end)
  }

  /// Calls `body` with room for at least `capacity` more fields' bounds, to be written from
  /// the current count; `body` returns how many it wrote. For a splitter that finds many
  /// fields in a tight loop, without a call and a capacity check for each one.
  @inline(__always)
  func appendFieldsInPlace(upTo capacity: Int, _ body: (_ starts: UnsafeMutablePointer<Int>, _ ends: UnsafeMutablePointer<Int>) -> Int) {
    while fieldCapacity - fieldCount < capacity { growBounds() }
    fieldCount += body(starts + fieldCount, ends + fieldCount)
  }

  @inline(__always)
  private func appendBounds(_ start: Int, _ end: Int) {
    if fieldCount == fieldCapacity { growBounds() }
    starts[fieldCount] = start
    ends[fieldCount] = end
    fieldCount += 1
  }

  private func growBounds() {
    let capacity = fieldCapacity * 2
    let newStarts = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    let newEnds = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    newStarts.update(from: starts, count: fieldCount)
    newEnds.update(from: ends, count: fieldCount)
    starts.deallocate()
    ends.deallocate()
    starts = newStarts
    ends = newEnds
    fieldCapacity = capacity
  }
}
