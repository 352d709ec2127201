import Foundation
import SurveillanceCore
import Testing

struct NHSNumberTests {
  @Test(arguments: ["9434765919", "943 476 5919", "943-476-5919", " 9434765919 "])
  func acceptsValidNumbersWithTheSpacingSystemsPrint(text: String) throws {
    #expect(try NHSNumber.parse(text).get().description == "9434765919")
  }

  @Test func rejectsAWrongCheckDigit() {
    #expect(NHSNumber.parse("9434765918") == .failure(.failsCheckDigit))
  }

  @Test func rejectsNumbersWhoseCheckDigitWouldBeTen() {
    // 1000000010: weights give a remainder of 1, so the check digit would be 10.
    #expect(NHSNumber.parse("1000000010") == .failure(.failsCheckDigit))
  }

  @Test func rejectsLettersShortNumbersAndEmptiness() {
    #expect(NHSNumber.parse("94347659A9") == .failure(.nonDigit))
    #expect(NHSNumber.parse("943476591") == .failure(.notTenDigits(found: 9)))
    #expect(NHSNumber.parse("") == .failure(.empty))
  }

  @Test func keepsLeadingZeros() throws {
    // 0000000019 passes Modulus 11 (sum 2, check 9); it must print with its zeros.
    #expect(try NHSNumber.parse("0000000019").get().description == "0000000019")
  }
}

struct CalendarDateTests {
  @Test func roundTripsThroughDayNumbers() {
    for text in ["1970-01-01", "2000-02-29", "2017-11-26", "1899-12-31", "2100-03-01"] {
      #expect(CalendarDate(iso: text)?.description == text)
    }
  }

  @Test func refusesDaysThatDoNotExist() {
    #expect(CalendarDate(iso: "2023-02-29") == nil)
    #expect(CalendarDate(iso: "2017-13-01") == nil)
    #expect(CalendarDate(iso: "2017-04-31") == nil)
  }

  @Test func addingMonthsClampsToTheEndOfShorterMonths() {
    #expect(date("2017-05-31").adding(months: -3) == date("2017-02-28"))
    #expect(date("2016-05-31").adding(months: -3) == date("2016-02-29"))
    #expect(date("2017-11-26").adding(months: -12) == date("2016-11-26"))
  }

  @Test func ageIsWholeYearsCompletedOnTheDay() {
    let birth = date("2010-03-15")
    #expect(birth.wholeYears(to: date("2017-03-14")) == 6)
    #expect(birth.wholeYears(to: date("2017-03-15")) == 7)
  }

  @Test func knowsTheDayOfTheWeek() {
    #expect(date("2017-11-26").isoWeekday == 7)  // a Sunday
    #expect(date("2026-11-23").isoWeekday == 1)  // a Monday
  }
}

struct DateFormatTests {
  @Test func readsTheLayoutsExportsUse() {
    #expect(DateFormat.iso.parse("2017-05-12") == date("2017-05-12"))
    #expect(DateFormat.iso.parse("2017-05-12T09:30:00") == date("2017-05-12"))
    #expect(DateFormat.dayMonthYearSlash.parse("12/05/2017") == date("2017-05-12"))
    #expect(DateFormat.dayMonthYearSlash.parse("1/5/2017") == date("2017-05-01"))
    #expect(DateFormat.dayMonthYearSlash.parse("12/05/2017 10:32") == date("2017-05-12"))
    #expect(DateFormat.dayMonthNameYear.parse("12-May-2017") == date("2017-05-12"))
    #expect(DateFormat.dayMonthNameYear.parse("12 May 2017") == date("2017-05-12"))
    #expect(DateFormat.compact.parse("20170512") == date("2017-05-12"))
  }

  @Test func refusesImpossibleAndForeignDates() {
    #expect(DateFormat.dayMonthYearSlash.parse("29/02/2023") == nil)
    #expect(DateFormat.dayMonthYearSlash.parse("05/13/2017") == nil)  // American order
    #expect(DateFormat.iso.parse("12/05/2017") == nil)
    #expect(DateFormat.iso.parse("2017-5-12") == nil)
    #expect(DateFormat.iso.parse("") == nil)
  }
}

struct PeriodTests {
  @Test func parsesRulePeriods() {
    #expect(Period(iso: "P12M") == Period(months: 12))
    #expect(Period(iso: "P1Y6M") == Period(months: 18))
    #expect(Period(iso: "P30D") == Period(days: 30))
    #expect(Period(iso: "12M") == nil)
    #expect(Period(iso: "P") == nil)
  }

  @Test func windowsEndOnTheEvaluationDateInclusive() {
    let window = DateWindow(Period(months: 12), endingOn: date("2017-11-26"))
    #expect(window.start == date("2016-11-27"))
    #expect(window.contains(date("2017-11-26")))
    #expect(!window.contains(date("2016-11-26")))
    #expect(window.dayCount == 365)
  }
}

@Suite struct NHSNumberShapeTests {
  @Test(arguments: ["0000000000", "1111111111", "000 000 0000"])
  func placeholderNumbersAreNotNHSNumbers(_ text: String) {
    #expect(NHSNumber.parse(text) == .failure(.placeholder))
  }

  @Test(arguments: [
    ("child 9990001774 at the counter", "child [number withheld] at the counter"), ("999 000 1774", "[number withheld]"),
    ("999-000-1774.", "[number withheld]."), ("as of 2026-11-21, 11337 rows", "as of 2026-11-21, 11337 rows"),
    ("no digits", "no digits"), ("The value '99900017740' is invalid", "The value '[number withheld]' is invalid"),
  ])
  func numbersShapedLikeNHSNumbersAreWithheldAndOtherNumbersKept(_ text: String, _ expected: String) {
    #expect(NHSNumber.redacted(text) == expected)
    #expect(NHSNumber.appearsIn(text) == (text != expected))
  }
}


@Suite struct HexDigitsTests {
  @Test func writesTwoLowercaseDigitsPerByteKeepingLeadingZeros() {
    #expect([0x00, 0x0f, 0xa0, 0xff, 0x09].lowercaseHex == "000fa0ff09")
    #expect([UInt8]().lowercaseHex == "")
  }

  @Test func agreesWithSha256sumsSpellingOfEveryByte() {
    let bytes = (0...255).map(UInt8.init)
    #expect(bytes.lowercaseHex == bytes.map { String(format: "%02x", $0) }.joined())
  }
}
