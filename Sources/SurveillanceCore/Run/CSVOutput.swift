/// Writes CSV text for people who will open it in a spreadsheet.
///
/// A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
/// Excel and LibreOffice, and an export field could carry one on purpose (CSV injection);
/// such cells get a leading apostrophe, which spreadsheets show as text.
public struct CSVOutput: Sendable {
  /// The UTF-8 text so far. Built as bytes: an area's outputs run to hundreds of megabytes,
  /// and appending to a `String` piece by piece costs several times a byte copy.
  public private(set) var bytes: [UInt8] = []
  private var cellsInRow = 0
  private var rowStart = 0

  public var text: String { String(decoding: bytes, as: UTF8.self) }

  public init(header: [String]) { append(header) }

  /// Rows only, to be joined after a header rendered elsewhere.
  public init() {}

  /// Rows only, written into `buffer`'s storage, emptied first: rows rendered run after run
  /// into the same few buffers do not take fresh pages from the system and copy as they grow.
  public init(reusing buffer: consuming [UInt8]) {
    buffer.removeAll(keepingCapacity: true)
    bytes = consume buffer
  }

  public mutating func append(_ cells: [String]) {
    for cell in cells { self.cell(cell) }
    endRow()
  }

  /// One cell of the row being written.
  public mutating func cell(_ text: String) {
    cell { $0.appendText(text) }
  }

  /// One cell whose text `write` appends, in pieces, with no string made for the whole: it is
  /// neutralised and quoted afterwards, in the rare case it needs to be.
  public mutating func cell(_ write: (inout [UInt8]) -> Void) {
    if cellsInRow > 0 { bytes.append(UInt8(ascii: ",")) }
    cellsInRow += 1
    let start = bytes.count
    write(&bytes)
    makeSafe(from: start)
  }

  public mutating func endRow() {
    // A row of one empty cell would be a blank line, which readers skip: quote it.
    if cellsInRow == 1, bytes.count == rowStart { bytes.append(contentsOf: [0x22, 0x22]) }
    bytes.append(0x0A)
    cellsInRow = 0
    rowStart = bytes.count
  }

  /// Neutralises and quotes the cell written from `start`, as `neutralised` then `escaped`
  /// would.
  private mutating func makeSafe(from start: Int) {
    guard start < bytes.count else { return }
    let isFormula = Self.startsFormula(bytes[start])
    let needsQuotes = bytes.withUnsafeBufferPointer { Self.needsQuoting(UnsafeBufferPointer(rebasing: $0[start...])) }
    guard isFormula || needsQuotes else { return }
    let cell = (isFormula ? [UInt8(ascii: "'")] : []) + bytes[start...]
    bytes.removeSubrange(start...)
    if needsQuotes { Self.appendQuoted(cell, to: &bytes) } else { bytes += cell }
  }

  /// `cell` in double quotes, each quote in it doubled (RFC 4180). By bytes: a quote is one
  /// byte in UTF-8 and never part of another character.
  private static func appendQuoted(_ cell: some Collection<UInt8>, to output: inout [UInt8]) {
    output.reserveCapacity(output.count + cell.count + 8)
    output.append(0x22)
    for byte in cell {
      output.append(byte)
      if byte == 0x22 { output.append(0x22) }
    }
    output.append(0x22)
  }

  /// Whether a cell beginning with `byte` is a formula to a spreadsheet. A character outside
  /// ASCII begins with a byte of 0x80 or more, so the first byte decides.
  private static func startsFormula(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: true
    default: false
    }
  }

  private static func needsQuoting(_ byte: UInt8) -> Bool { byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D }

  /// Whether a cell holding `bytes` must be quoted: a comma, quote or line break in it.
  private static func needsQuoting(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    bytes.containsByte(below: 0, or: 0x2C, 0x22, 0x0A, 0x0D)
  }

  /// `cell` made safe to open in a spreadsheet.
  public static func neutralised(_ cell: String) -> String {
    guard let first = cell.utf8.first, startsFormula(first) else { return cell }
    return "'" + cell
  }

  /// RFC 4180 quoting where needed.
  public static func escaped(_ cell: String) -> String {
    guard cell.utf8.withContiguousStorageIfAvailable(needsQuoting) ?? cell.utf8.contains(where: needsQuoting) else { return cell }
    var quoted: [UInt8] = []
    appendQuoted(cell.utf8, to: &quoted)
    return String(decoding: quoted, as: UTF8.self)
  }
}

extension UnsafeBufferPointer<UInt8> {
  /// Whether any byte is below `limit` (at most 0x80; 0 for none) or equal to `a`, `b`, `c` or
  /// `d`, eight bytes at a time: the scan every output cell and string gets before it is
  /// copied, hundreds of megabytes of it in an area's run. The classic tests for a zero or a
  /// smaller byte in a word are exact as yes-or-no answers.
  func containsByte(below limit: UInt8, or a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> Bool {
    precondition(limit <= 0x80, "the word test for a smaller byte holds up to 0x80")
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func zeroIn(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & high }
    let raw = UnsafeRawBufferPointer(self)
    var offset = 0
    while offset + 8 <= raw.count {
      let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
      let below = (word &- ones &* UInt64(limit)) & ~word & high
      let equal = zeroIn(word ^ (ones &* UInt64(a))) | zeroIn(word ^ (ones &* UInt64(b)))
        | zeroIn(word ^ (ones &* UInt64(c))) | zeroIn(word ^ (ones &* UInt64(d)))
      if below | equal != 0 { return true }
      offset += 8
    }
    while offset < raw.count {
      let byte = raw[offset]
      if byte < limit || byte == a || byte == b || byte == c || byte == d { return true }
      offset += 1
    }
    return false
  }
}

extension [UInt8] {
  /// Appends `text`'s UTF-8.
  mutating func appendText(_ text: String) {
    append(contentsOf: text.utf8)
  }

  /// Appends `value` in decimal, as `String(value)` writes it, without making the string.
  mutating func appendDecimal(_ value: Int) {
    guard value >= 0 else {
      appendText(String(value))
      return
    }
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 24 digits, written from the end
    Swift.withUnsafeMutableBytes(of: &digits) { buffer in
      var index = buffer.count
      var rest = value
      repeat {
        index -= 1
        buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
      } while rest > 0
      append(contentsOf: buffer[index...])
    }
  }

  /// Appends `date` as `YYYY-MM-DD`, as its `description` writes it.
  mutating func appendDate(_ date: CalendarDate) {
    let (year, month, day) = date.components
    guard (0...9999).contains(year) else {
      appendText(date.description)
      return
    }
    append(UInt8(ascii: "0") + UInt8(year / 1000))
    append(UInt8(ascii: "0") + UInt8(year / 100 % 10))
    append(UInt8(ascii: "0") + UInt8(year / 10 % 10))
    append(UInt8(ascii: "0") + UInt8(year % 10))
    append(UInt8(ascii: "-"))
    append(UInt8(ascii: "0") + UInt8(month / 10))
    append(UInt8(ascii: "0") + UInt8(month % 10))
    append(UInt8(ascii: "-"))
    append(UInt8(ascii: "0") + UInt8(day / 10))
    append(UInt8(ascii: "0") + UInt8(day % 10))
  }
}

/// A small JSON writer with a fixed key order, so that the same run gives the same bytes.
public struct JSONText: Sendable {
  /// The UTF-8 text so far (bytes for the reason `CSVOutput` gives).
  public private(set) var bytes: [UInt8] = []
  private var needsComma: [Bool] = []

  public var text: String { String(decoding: bytes, as: UTF8.self) }

  public init() {}

  /// Text written into `buffer`'s storage, emptied first (as `CSVOutput(reusing:)`).
  public init(reusing buffer: consuming [UInt8]) {
    buffer.removeAll(keepingCapacity: true)
    bytes = consume buffer
  }

  public static func quoted(_ string: String) -> String {
    var bytes: [UInt8] = []
    appendQuoted(string, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  private static func needsEscaping(_ string: String) -> Bool {
    string.utf8.withContiguousStorageIfAvailable { $0.containsByte(below: 0x20, or: 0x22, 0x5C, 0x5C, 0x5C) }
      ?? string.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C })
  }

  /// `string` quoted and escaped, appended to `bytes`: most values need no escaping and are
  /// copied whole.
  private static func appendQuoted(_ string: String, to bytes: inout [UInt8]) {
    bytes.append(0x22)
    defer { bytes.append(0x22) }
    guard needsEscaping(string) else { return bytes.appendText(string) }
    // By bytes: every byte that needs escaping is ASCII, never part of another character.
    for byte in string.utf8 {
      switch byte {
      case 0x22: bytes.appendText("\\\"")
      case 0x5C: bytes.appendText("\\\\")
      case 0x0A: bytes.appendText("\\n")
      case 0x0D: bytes.appendText("\\r")
      case 0x09: bytes.appendText("\\t")
      case ..<0x20:
        let hex = String(byte, radix: 16)
        bytes.appendText("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
      default: bytes.append(byte)
      }
    }
  }

  /// An element of the array being written, given as JSON already.
  public mutating func rawElement(_ json: String) {
    separate()
    bytes.appendText(json)
  }

  /// An element of the array being written, appended as JSON by `write`.
  public mutating func rawElement(_ write: (inout [UInt8]) -> Void) {
    separate()
    write(&bytes)
  }

  /// Ends a line of JSON Lines: only between top-level values.
  public mutating func endLine() {
    precondition(needsComma.isEmpty, "a line ends only between top-level values")
    bytes.append(0x0A)
  }

  public static func number(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "null" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return String(value)
  }

  private mutating func separate() {
    if let last = needsComma.last {
      if last { bytes.append(UInt8(ascii: ",")) }
      needsComma[needsComma.count - 1] = true
    }
  }

  public mutating func beginObject(_ key: String? = nil) { open(UInt8(ascii: "{"), key) }
  public mutating func endObject() { close(UInt8(ascii: "}")) }
  public mutating func beginArray(_ key: String? = nil) { open(UInt8(ascii: "["), key) }
  public mutating func endArray() { close(UInt8(ascii: "]")) }

  private mutating func open(_ bracket: UInt8, _ key: String?) {
    separate()
    appendKey(key)
    bytes.append(bracket)
    needsComma.append(false)
  }

  private mutating func close(_ bracket: UInt8) {
    needsComma.removeLast()
    bytes.append(bracket)
  }

  /// `"key":` inside an object; nothing for an array element.
  private mutating func appendKey(_ key: String?) {
    guard let key else { return }
    Self.appendQuoted(key, to: &bytes)
    bytes.append(UInt8(ascii: ":"))
  }

  /// A raw JSON value, under `key` inside an object.
  public mutating func raw(_ key: String?, _ json: String) {
    separate()
    appendKey(key)
    bytes.appendText(json)
  }

  public mutating func string(_ key: String?, _ value: String?) {
    separate()
    appendKey(key)
    if let value { Self.appendQuoted(value, to: &bytes) } else { bytes.appendText("null") }
  }

  /// A date as a `YYYY-MM-DD` string, or `null`.
  public mutating func date(_ key: String?, _ value: CalendarDate?) {
    separate()
    appendKey(key)
    guard let value else { return bytes.appendText("null") }
    bytes.append(0x22)
    bytes.appendDate(value)
    bytes.append(0x22)
  }

  public mutating func number(_ key: String?, _ value: Double?) {
    guard let value, value.isFinite, value == value.rounded(), abs(value) < 1e15 else { return raw(key, Self.number(value)) }
    int(key, Int(value))
  }

  public mutating func int(_ key: String?, _ value: Int) {
    separate()
    appendKey(key)
    bytes.appendDecimal(value)
  }

  public mutating func bool(_ key: String?, _ value: Bool) { raw(key, value ? "true" : "false") }
}
