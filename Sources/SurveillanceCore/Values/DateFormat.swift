/// The date layouts real exports use, named in `rules/inputs/` profiles.
///
/// Parsed by hand over UTF-8 bytes: no `DateFormatter`, whose time-zone and locale
/// behaviour differs between platforms and which is slow over millions of rows. A trailing
/// time (`2017-05-12T09:30:00`, `12/05/2017 09:30`) is allowed and ignored.
public enum DateFormat: String, Codable, Sendable, CaseIterable {
  /// `2017-05-12`
  case iso = "YYYY-MM-DD"
  /// `12/05/2017`, the day first as in the UK.
  case dayMonthYearSlash = "DD/MM/YYYY"
  /// `12-05-2017`
  case dayMonthYearDash = "DD-MM-YYYY"
  /// `12-May-2017` or `12 May 2017`
  case dayMonthNameYear = "DD-Mon-YYYY"
  /// `20170512`
  case compact = "YYYYMMDD"

  private static let monthNames: [String] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

  /// The date in `text`, or `nil` when it is not this layout or not a real calendar day.
  public func parse(_ text: some StringProtocol) -> CalendarDate? {
    var text = String(text)
    return text.withUTF8 { parse(utf8: $0) }
  }

  /// The date in UTF-8 `raw`, as ``parse(_:)``: by index over the bytes, without copying
  /// them, because the decoder parses two dates on every child's row.
  public func parse(utf8 raw: UnsafeBufferPointer<UInt8>) -> CalendarDate? {
    var start = 0
    var end = raw.count
    while end > start, raw[end - 1] == 0x20 { end -= 1 }
    while start < end, raw[start] == 0x20 { start += 1 }
    let bytes = UnsafeBufferPointer(rebasing: raw[start..<end])
    switch self {
    case .iso:
      guard bytes.count >= 10, bytes[4] == 0x2D, bytes[7] == 0x2D, Self.endsDate(bytes, at: 10),
        let y = Self.number(bytes, 0, 4), let m = Self.number(bytes, 5, 2), let d = Self.number(bytes, 8, 2)
      else { return nil }
      return CalendarDate(year: y, month: m, day: d)
    case .dayMonthYearSlash, .dayMonthYearDash:
      let separator: UInt8 = self == .dayMonthYearSlash ? 0x2F : 0x2D
      // Systems drop leading zeros (1/5/2017), so split on the separator: day, month, and
      // the rest (the year, perhaps with a time).
      guard let first = bytes.firstIndex(of: separator),
        let second = bytes[(first + 1)...].firstIndex(of: separator)
      else { return nil }
      let dayLength = first
      let monthLength = second - first - 1
      let year = UnsafeBufferPointer(rebasing: bytes[(second + 1)...])
      guard (1...2).contains(dayLength), (1...2).contains(monthLength), year.count >= 4, Self.endsDate(year, at: 4),
        let d = Self.number(bytes, 0, dayLength), let m = Self.number(bytes, first + 1, monthLength), let y = Self.number(year, 0, 4)
      else { return nil }
      return CalendarDate(year: y, month: m, day: d)
    case .dayMonthNameYear:
      // Day, month name and year, separated by runs of dashes or spaces.
      var parts: [Range<Int>] = []
      var index = 0
      while index < bytes.count, parts.count < 3 {
        if bytes[index] == 0x2D || bytes[index] == 0x20 {
          index += 1
          continue
        }
        let partStart = index
        while index < bytes.count, bytes[index] != 0x2D, bytes[index] != 0x20 { index += 1 }
        parts.append(partStart..<index)
      }
      guard parts.count == 3, (1...2).contains(parts[0].count), parts[1].count >= 3, parts[2].count == 4,
        let d = Self.number(bytes, parts[0].lowerBound, parts[0].count), let y = Self.number(bytes, parts[2].lowerBound, 4)
      else { return nil }
      let nameStart = parts[1].lowerBound
      let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<(nameStart + 3)]), as: UTF8.self).lowercased()
      guard let index = Self.monthNames.firstIndex(of: name) else { return nil }
      return CalendarDate(year: y, month: index + 1, day: d)
    case .compact:
      guard bytes.count >= 8, Self.endsDate(bytes, at: 8), let y = Self.number(bytes, 0, 4),
        let m = Self.number(bytes, 4, 2), let d = Self.number(bytes, 6, 2)
      else { return nil }
      return CalendarDate(year: y, month: m, day: d)
    }
  }

  /// Whether the date part ends at `index`: end of text, or a time part follows.
  private static func endsDate(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
    index == bytes.count || bytes[index] == 0x20 || bytes[index] == UInt8(ascii: "T")
  }

  private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> Int? {
    guard length > 0, start + length <= bytes.count else { return nil }
    var value = 0
    for byte in bytes[start..<(start + length)] {
      guard byte >= 0x30, byte <= 0x39 else { return nil }
      value = value * 10 + Int(byte - 0x30)
    }
    return value
  }
}
