import SurveillanceCore
import Testing

/// The figures of `children.csv` for children worked by hand.
struct FigureTests {
  /// Ten relievers in a year (eight in the last six months), four preventers, two nebule
  /// issues, steroid issues three days apart and one three weeks later.
  static var poorlyControlled: ChildBuilder {
    var child = ChildBuilder()
    for (day, pharmacy) in [("2017-01-10", "FA1"), ("2017-03-10", "FA1"), ("2017-06-01", "FA1"), ("2017-06-20", "FA2"),
                            ("2017-07-15", "FA1"), ("2017-08-10", "FA1"), ("2017-09-05", "FA3"), ("2017-09-25", "FA1"),
                            ("2017-10-10", "FA1"), ("2017-10-30", "FA2")] {
      child.dispensed(.reliever, day, pharmacy: pharmacy)
    }
    for day in ["2017-06-01", "2017-07-20", "2017-09-05", "2017-10-30"] { child.dispensed(.preventer, day) }
    child.issue(.sabaNebule, "2017-05-15")
    child.issue(.sabaNebule, "2017-09-22")
    child.dispensed(.oralSteroid, "2017-09-22")
    child.dispensed(.oralSteroid, "2017-09-25")
    child.dispensed(.oralSteroid, "2017-10-15")
    return child
  }

  @Test func relieverDevicesCountEachWindowBackFromTheEvaluationDate() {
    let timeline = Self.poorlyControlled.timeline(asOf: "2017-11-26")
    #expect(timeline.value(.relieverDevices, months: 3) == 4)
    #expect(timeline.value(.relieverDevices, months: 6) == 8)
    #expect(timeline.value(.relieverDevices, months: 12) == 10)
  }

  @Test func preventerRatioIsPreventersOverAllDevices() throws {
    let timeline = Self.poorlyControlled.timeline(asOf: "2017-11-26")
    #expect(timeline.value(.preventerDevices, months: 12) == 4)
    let ratio = try #require(timeline.value(.preventerRatio, months: 12))
    #expect(abs(ratio - 4.0 / 14.0) < 1e-9)
  }

  @Test func daysCoveredCountEachPreventerForItsDaysInsideTheWindow() throws {
    // 30 + 30 + 30 days, and 28 of the last supply's 30 fall on or before 26 November.
    let covered = try #require(Self.poorlyControlled.timeline(asOf: "2017-11-26").value(.preventerDaysCovered, months: 12))
    #expect(abs(covered - 118.0 / 365.0) < 1e-9)
  }

  @Test func earlyCollectionExtendsCoverInsteadOfDoublingIt() throws {
    var child = ChildBuilder()
    child.dispensed(.preventer, "2017-01-01")
    child.dispensed(.preventer, "2017-01-10")  // collected early: cover runs to 2 March
    let covered = try #require(child.timeline(asOf: "2017-03-31").value(.preventerDaysCovered, months: 3))
    // Window 1 Jan to 31 Mar is 90 days; covered 1 Jan to 1 Mar inclusive is 60 days.
    #expect(abs(covered - 60.0 / 90.0) < 1e-9)
  }

  @Test func uncollectedPreventersAreCountedAsPrescribedButGiveNoCover() {
    var child = ChildBuilder()
    child.issue(.preventer, "2017-03-01")
    let timeline = child.timeline(asOf: "2017-06-01")
    #expect(timeline.value(.preventerDevices, months: 12) == 1)
    #expect(timeline.value(.preventerDaysCovered, months: 12) == 0)
    #expect(timeline.value(.preventerIssuedNotDispensed, months: 12) == 1)
    #expect(timeline.value(.issuedNotDispensed, months: 12) == 1)
  }

  @Test func nebulesStewardsAndPharmaciesAreCounted() {
    let timeline = Self.poorlyControlled.timeline(asOf: "2017-11-26")
    #expect(timeline.value(.nebuleIssues, months: 12) == 2)
    #expect(timeline.value(.gpNebuleIssues, months: 12) == 2)
    #expect(timeline.value(.oralSteroidCourses, months: 12) == 2)
    #expect(timeline.value(.pharmacies, months: 6) == 3)
    #expect(timeline.value(.relieverPharmacies, months: 6) == 3)
  }

  @Test func martInhalersAreNeverCountedAsRelievers() {
    var child = ChildBuilder()
    for month in 1...9 { child.dispensed(.icsFormoterol, "2017-0\(month)-05") }
    let timeline = child.timeline(asOf: "2017-10-01")
    #expect(timeline.value(.relieverDevices, months: 12) == 0)
    #expect(timeline.value(.preventerDevices, months: 12) == 9)
    #expect(timeline.value(.icsDevices, months: 12) == 9)
    #expect(timeline.value(.preventerRatio, months: 12) == 1)
  }

  @Test func careEventFiguresAreUndefinedWithoutTheCareEventsFile() {
    let timeline = Self.poorlyControlled.timeline(asOf: "2017-11-26", inputs: [.gpPrescriptions, .pharmacyDispensing])
    #expect(timeline.value(.asthmaReviews, months: 12) == nil)
    #expect(timeline.value(.attacks, months: 12) == nil)
  }

  @Test func attacksCountDistinctDaysOfAttendanceOrAdmission() {
    var child = ChildBuilder()
    child.event(.edAttendance, "2017-09-20")
    child.event(.hospitalAdmission, "2017-09-20")
    child.event(.hospitalAdmission, "2017-10-08")
    child.event(.outOfHoursTreatment, "2017-11-01")
    let timeline = child.timeline(asOf: "2017-11-26")
    #expect(timeline.value(.hospitalAttendances, months: 12) == 2)
    #expect(timeline.value(.attacks, months: 12) == 3)
  }
}
