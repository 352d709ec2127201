/// A look-back window in the subset of ISO 8601 durations that rules use: `P3M`, `P12M`,
/// `P1Y`, `P30D`.
public struct Period: Hashable, Sendable, Codable, CustomStringConvertible {
  public var months: Int
  public var days: Int

  public init(months: Int = 0, days: Int = 0) {
    self.months = months
    self.days = days
  }

  /// Parses `PnY`, `PnM`, `PnD` and combinations such as `P1Y6M`.
  public init?(iso text: String) {
    var rest = Substring(text.uppercased())
    guard rest.first == "P", rest.count > 1 else { return nil }
    rest.removeFirst()
    var months = 0, days = 0, number = ""
    for character in rest {
      if character.isNumber, character.isASCII {
        number.append(character)
        continue
      }
      guard let value = Int(number) else { return nil }
      number = ""
      switch character {
      case "Y": months += value * 12
      case "M": months += value
      case "W": days += value * 7
      case "D": days += value
      default: return nil
      }
    }
    guard number.isEmpty, months > 0 || days > 0 else { return nil }
    self.init(months: months, days: days)
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let period = Period(iso: text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a period such as P3M or P12M"))
    }
    self = period
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  public var description: String {
    var text = "P"
    if months > 0 { text += "\(months)M" }
    if days > 0 { text += "\(days)D" }
    return text
  }

  /// A short suffix for figure names: `3m`, `12m`, `30d`.
  public var suffix: String {
    if days == 0 { return "\(months)m" }
    if months == 0 { return "\(days)d" }
    return "\(months)m\(days)d"
  }

  /// Length in months, for rates per month (days count as 1/30 of a month).
  public var monthsApproximately: Double { Double(months) + Double(days) / 30 }

  /// The first day inside a window of this length that ends on `end` (inclusive): the window
  /// for 12 months to 2017-11-26 starts on 2016-11-27.
  public func windowStart(endingOn end: CalendarDate) -> CalendarDate {
    end.adding(months: -months).adding(days: -days + 1)
  }
}

/// An inclusive range of days.
public struct DateWindow: Hashable, Sendable {
  public var start: CalendarDate
  public var end: CalendarDate

  public init(start: CalendarDate, end: CalendarDate) {
    self.start = start
    self.end = end
  }

  public init(_ period: Period, endingOn end: CalendarDate) {
    self.init(start: period.windowStart(endingOn: end), end: end)
  }

  public func contains(_ date: CalendarDate) -> Bool { date >= start && date <= end }

  public var dayCount: Int { start.days(to: end) + 1 }
}
