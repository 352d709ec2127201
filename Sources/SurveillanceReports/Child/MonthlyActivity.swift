import SurveillanceCore

/// One calendar month of a child's record, counted the way the signal rules count: devices
/// for inhalers, issues for nebules, courses for oral steroids, days for attacks.
public struct MonthlyActivity: Sendable, Equatable {
  /// The first day of the month.
  public var month: CalendarDate
  public var relieverDevices = 0
  /// Preventer inhalers, steroid/formoterol (MART/AIR) included, as the preventer ratio counts them.
  public var preventerDevices = 0
  /// preventer / (preventer + reliever) devices over the 12 months to the month's end
  /// (or the report date); `nil` with neither.
  public var preventerRatio12m: Double?
  public var nebuleIssues = 0
  public var emergencySupplies = 0
  /// Emergency supplies, supplies before the prescription and supplies with none found.
  public var suppliesWithoutPrescription = 0
  public var oralSteroidCourses = 0
  /// Days with an emergency department attendance, admission or out-of-hours treatment.
  public var attacks = 0
  public var reviews = 0
  public var actionPlans = 0
  public var notBrought = 0

  /// The months from `report`'s replay start to its date, each counted.
  public static func series(for report: ChildReport) -> [MonthlyActivity] {
    let timeline = report.timeline
    var months: [MonthlyActivity] = []
    var month = report.timelineStart
    while month <= report.asOf {
      months.append(MonthlyActivity(month: month))
      month = month.adding(months: 1)
    }
    guard let first = months.first?.month else { return [] }
    func index(_ date: CalendarDate) -> Int? {
      guard date >= first, date <= report.asOf else { return nil }
      return (date.year - first.year) * 12 + (date.month - first.month)
    }
    for supply in timeline.supplies {
      guard let i = index(supply.date) else { continue }
      switch supply.role {
      case .reliever: months[i].relieverDevices += supply.devices
      case .preventer, .icsFormoterol: months[i].preventerDevices += supply.devices
      case .sabaNebule, .otherNebule: months[i].nebuleIssues += 1
      default: break
      }
      if supply.status == .emergencySupply { months[i].emergencySupplies += 1 }
      if supply.status.isWithoutPrescription { months[i].suppliesWithoutPrescription += 1 }
    }
    for start in courseStarts(timeline, mergeDays: report.courseMergeDays) {
      if let i = index(start) { months[i].oralSteroidCourses += 1 }
    }
    var attackDays: Set<CalendarDate> = []
    for event in timeline.events {
      guard let i = index(event.date) else { continue }
      if timeline.eventGroups.attack.contains(event.type) {
        if attackDays.insert(event.date).inserted { months[i].attacks += 1 }
        continue
      }
      switch event.type {
      case .edAttendance, .hospitalAdmission, .outOfHoursTreatment: break
      case .asthmaReview: months[i].reviews += 1
      case .actionPlanIssued, .actionPlanReviewed: months[i].actionPlans += 1
      case .wasNotBrought: months[i].notBrought += 1
      case .diagnosis, .inhalerTechniqueCheck: break
      }
    }
    for i in months.indices {
      let end = min(months[i].month.adding(months: 1).adding(days: -1), report.asOf)
      let window = DateWindow(Period(months: 12), endingOn: end)
      var preventer = 0, reliever = 0
      for supply in timeline.supplies where window.contains(supply.date) {
        if supply.role == .reliever { reliever += supply.devices }
        if supply.role == .preventer || supply.role == .icsFormoterol { preventer += supply.devices }
      }
      months[i].preventerRatio12m = preventer + reliever == 0 ? nil : Double(preventer) / Double(preventer + reliever)
    }
    return months
  }

  /// First days of oral steroid courses: an issue within `mergeDays` of the previous one
  /// continues its course, as the `oral_steroid_courses` figure counts.
  static func courseStarts(_ timeline: ChildTimeline, mergeDays: Int) -> [CalendarDate] {
    var starts: [CalendarDate] = []
    var last: CalendarDate?
    for supply in timeline.supplies where supply.role == .oralSteroid {
      if let last, last.days(to: supply.date) <= mergeDays {} else { starts.append(supply.date) }
      last = supply.date
    }
    return starts
  }
}
