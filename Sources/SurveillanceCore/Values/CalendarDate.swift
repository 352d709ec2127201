/// A day in the proleptic Gregorian calendar, with no time and no time zone.
///
/// Prescribing data is dated by day. Counting days as a plain integer keeps windows, ages and
/// working-day arithmetic exact and fast, and keeps Foundation's time-zone-dependent `Date`
/// out of the core.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
  /// Days since 1970-01-01.
  public let dayNumber: Int32

  public init(dayNumber: Int32) { self.dayNumber = dayNumber }

  /// The date for a year, month and day, or `nil` when no such day exists (30 February).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...9999).contains(year), (1...12).contains(month),
      (1...Self.daysInMonth(year: year, month: month)).contains(day)
    else { return nil }
    dayNumber = Int32(Self.daysFromCivil(year: year, month: month, day: day))
  }

  /// Year, month and day.
  public var components: (year: Int, month: Int, day: Int) {
    Self.civilFromDays(Int(dayNumber))
  }

  public var year: Int { components.year }
  public var month: Int { components.month }
  public var day: Int { components.day }

  /// Day of the week, 1 = Monday ... 7 = Sunday (ISO 8601).
  public var isoWeekday: Int {
    // 1970-01-01 was a Thursday (4).
    let zeroBased = (Int(dayNumber) % 7 + 7 + 3) % 7
    return zeroBased + 1
  }

  /// `YYYY-MM-DD`.
  public var description: String {
    let (y, m, d) = components
    return Self.pad(y, 4) + "-" + Self.pad(m, 2) + "-" + Self.pad(d, 2)
  }

  public func adding(days: Int) -> CalendarDate {
    CalendarDate(dayNumber: dayNumber + Int32(days))
  }

  /// This date moved by whole months, clamped to the end of a shorter month
  /// (31 May minus 3 months is 28 or 29 February), and to the calendar's first and last days
  /// (1 January of year 1, 31 December 9999) rather than past them.
  public func adding(months: Int) -> CalendarDate {
    let (y, m, d) = components
    let total = y * 12 + (m - 1) + months
    guard total >= 12 else { return CalendarDate(year: 1, month: 1, day: 1)! }
    guard total < 10_000 * 12 else { return CalendarDate(year: 9999, month: 12, day: 31)! }
    let year = total / 12
    let month = total % 12 + 1
    let day = min(d, Self.daysInMonth(year: year, month: month))
    return CalendarDate(year: year, month: month, day: day)!
  }

  /// Days from `self` to `other` (positive when `other` is later).
  public func days(to other: CalendarDate) -> Int { Int(other.dayNumber - dayNumber) }

  /// Whole years from `self` (a date of birth) to `date`: the age on that date.
  public func wholeYears(to date: CalendarDate) -> Int {
    let (by, bm, bd) = components
    let (y, m, d) = date.components
    var years = y - by
    if (m, d) < (bm, bd) { years -= 1 }
    return years
  }

  /// The first day of this date's month.
  public var startOfMonth: CalendarDate { CalendarDate(year: year, month: month, day: 1)! }

  public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

  public static func isLeapYear(_ year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  }

  public static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let date = CalendarDate(iso: text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a YYYY-MM-DD date"))
    }
    self = date
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  /// Parses exactly `YYYY-MM-DD`.
  public init?(iso text: some StringProtocol) {
    guard let date = DateFormat.iso.parse(text) else { return nil }
    self = date
  }

  private static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }

  // Howard Hinnant's days_from_civil / civil_from_days.
  private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
    let z = days + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }
}
