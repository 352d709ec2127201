/// Writes CSV text for people who will open it in a spreadsheet.
///
/// A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
/// Excel and LibreOffice, and an export field could carry one on purpose (CSV injection);
/// such cells get a leading apostrophe, which spreadsheets show as text.
public struct CSVOutput: Sendable {
  public private(set) var text = ""

  public init(header: [String]) { append(header) }

  /// Rows only, to be joined after a header rendered elsewhere.
  public init() {}

  public mutating func append(_ cells: [String]) {
    // A row of one empty cell would be a blank line, which readers skip: quote it.
    if cells.count == 1, cells[0].isEmpty {
      text += "\"\"\n"
      return
    }
    var first = true
    for cell in cells {
      if !first { text += "," }
      first = false
      text += Self.escaped(Self.neutralised(cell))
    }
    text += "\n"
  }

  /// `cell` made safe to open in a spreadsheet.
  public static func neutralised(_ cell: String) -> String {
    guard let first = cell.unicodeScalars.first else { return cell }
    switch first {
    case "=", "+", "-", "@", "\t", "\r": return "'" + cell
    default: return cell
    }
  }

  /// RFC 4180 quoting where needed.
  public static func escaped(_ cell: String) -> String {
    guard cell.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return cell }
    var quoted: [UInt8] = [0x22]
    quoted.reserveCapacity(cell.utf8.count + 8)
    // By bytes: a quote is one byte in UTF-8 and never part of another character.
    for byte in cell.utf8 {
      quoted.append(byte)
      if byte == 0x22 { quoted.append(0x22) }
    }
    quoted.append(0x22)
    return String(decoding: quoted, as: UTF8.self)
  }
}

/// A small JSON writer with a fixed key order, so that the same run gives the same bytes.
public struct JSONText: Sendable {
  public private(set) var text = ""
  private var needsComma: [Bool] = []

  public init() {}

  public static func quoted(_ string: String) -> String {
    // Most values need no escaping: copy them whole.
    if !needsEscaping(string) { return "\"" + string + "\"" }
    var result = "\""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case let s where s.value < 0x20:
        let hex = String(s.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }

  private static func needsEscaping(_ string: String) -> Bool {
    string.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C })
  }

  /// `string` quoted, appended straight to the text: most values need no escaping, and
  /// building each one as a string of its own first doubles the copying of a large output.
  private mutating func appendQuoted(_ string: String) {
    if Self.needsEscaping(string) {
      text += Self.quoted(string)
    } else {
      text += "\""
      text += string
      text += "\""
    }
  }

  /// An element of the array being written, given as JSON already.
  public mutating func rawElement(_ json: String) {
    separate()
    text += json
  }

  /// Ends a line of JSON Lines: only between top-level values.
  public mutating func endLine() {
    precondition(needsComma.isEmpty, "a line ends only between top-level values")
    text += "\n"
  }

  public static func number(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "null" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return String(value)
  }

  private mutating func separate() {
    if let last = needsComma.last {
      if last { text += "," }
      needsComma[needsComma.count - 1] = true
    }
  }

  public mutating func beginObject(_ key: String? = nil) { open("{", key) }
  public mutating func endObject() { close("}") }
  public mutating func beginArray(_ key: String? = nil) { open("[", key) }
  public mutating func endArray() { close("]") }

  private mutating func open(_ bracket: String, _ key: String?) {
    separate()
    appendKey(key)
    text += bracket
    needsComma.append(false)
  }

  private mutating func close(_ bracket: String) {
    needsComma.removeLast()
    text += bracket
  }

  /// A raw JSON value, under `key` inside an object.
  /// `"key":` inside an object; nothing for an array element.
  private mutating func appendKey(_ key: String?) {
    guard let key else { return }
    appendQuoted(key)
    text += ":"
  }

  public mutating func raw(_ key: String?, _ json: String) {
    separate()
    appendKey(key)
    text += json
  }

  public mutating func string(_ key: String?, _ value: String?) {
    separate()
    appendKey(key)
    if let value { appendQuoted(value) } else { text += "null" }
  }
  public mutating func number(_ key: String?, _ value: Double?) { raw(key, Self.number(value)) }
  public mutating func int(_ key: String?, _ value: Int) { raw(key, String(value)) }
  public mutating func bool(_ key: String?, _ value: Bool) { raw(key, value ? "true" : "false") }
}
