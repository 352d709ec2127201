/// One calendar month of a child's timeline, counted by the figures' own definitions: the
/// month-by-month chart of `patient`, the child report's timeline and its monthly table all
/// read these, so a month can never count a supply differently from `children.csv`.
///
/// Each count is the ``Metric`` of the same name over the month (to the evaluation date in
/// its last month), with one difference: a month counts what the timeline holds even when the
/// run lacked the input that makes the figure defined (no care events: zero attacks drawn,
/// where the figure is undefined).
public struct MonthlyCounts: Sendable, Equatable {
  /// The first day of the month.
  public var month: CalendarDate
  /// ``Metric/relieverDevices``.
  public var relieverDevices = 0
  /// ``Metric/preventerDevices``: steroid/formoterol (MART/AIR) included, as the ratio counts them.
  public var preventerDevices = 0
  /// ``Metric/nebuleIssues``: nebule supplies of any kind.
  public var nebuleIssues = 0
  /// ``Metric/emergencySupplies``.
  public var emergencySupplies = 0
  /// ``Metric/suppliesWithoutPrescription``: emergency, before the prescription, none found.
  public var suppliesWithoutPrescription = 0
  /// Oral steroid courses that start in the month. A course is counted where it starts (an
  /// issue within the formulary's merge days of the previous one continues it), so the months
  /// add up to ``Metric/oralSteroidCourses`` over a window that starts with a course.
  public var oralSteroidCourses = 0
  /// ``Metric/attacks``: days with care in the rules' `attack` event group.
  public var attacks = 0
  /// ``Metric/asthmaReviews``.
  public var asthmaReviews = 0
  /// Personal asthma action plans issued or reviewed (no figure counts these; the chart does).
  public var actionPlans = 0
  /// ``Metric/wasNotBrought``.
  public var wasNotBrought = 0
  /// ``Metric/preventerRatio`` over the 12 months to the month's end (or the evaluation date);
  /// `nil` with neither preventer nor reliever.
  public var preventerRatio12m: Double?

  public init(month: CalendarDate) { self.month = month }

  /// The counts of several months together (a chart's totals).
  public static func total(_ months: [MonthlyCounts]) -> MonthlyCounts {
    var sum = MonthlyCounts(month: months.first?.month ?? CalendarDate(dayNumber: 0))
    for month in months {
      sum.relieverDevices += month.relieverDevices
      sum.preventerDevices += month.preventerDevices
      sum.nebuleIssues += month.nebuleIssues
      sum.emergencySupplies += month.emergencySupplies
      sum.suppliesWithoutPrescription += month.suppliesWithoutPrescription
      sum.oralSteroidCourses += month.oralSteroidCourses
      sum.attacks += month.attacks
      sum.asthmaReviews += month.asthmaReviews
      sum.actionPlans += month.actionPlans
      sum.wasNotBrought += month.wasNotBrought
    }
    sum.preventerRatio12m = nil
    return sum
  }
}

extension ChildTimeline {
  /// Each calendar month from the month of `first` to the month of the evaluation date,
  /// oldest first; none when `first` is after the evaluation date.
  public func monthlyCounts(from first: CalendarDate, courseMergeDays: Int) -> [MonthlyCounts] {
    var months: [MonthlyCounts] = []
    let courseStarts = oralSteroidCourseStarts(courseMergeDays: courseMergeDays)
    var month = first.startOfMonth
    while month <= asOf {
      var counts = MonthlyCounts(month: month)
      let end = min(month.adding(months: 1).adding(days: -1), asOf)
      let window = DateWindow(start: month, end: end)
      counts.relieverDevices = tallied(.relieverDevices, in: window)
      counts.preventerDevices = tallied(.preventerDevices, in: window)
      counts.nebuleIssues = tallied(.nebuleIssues, in: window)
      counts.emergencySupplies = tallied(.emergencySupplies, in: window)
      counts.suppliesWithoutPrescription = tallied(.suppliesWithoutPrescription, in: window)
      counts.attacks = tallied(.attacks, in: window)
      counts.asthmaReviews = tallied(.asthmaReviews, in: window)
      counts.wasNotBrought = tallied(.wasNotBrought, in: window)
      counts.actionPlans = events.filter { window.contains($0.date) && ($0.type == .actionPlanIssued || $0.type == .actionPlanReviewed) }.count
      counts.oralSteroidCourses = courseStarts.filter(window.contains).count
      counts.preventerRatio12m = figure(.preventerRatio, in: DateWindow(Period(months: 12), endingOn: end), courseMergeDays: courseMergeDays).value
      months.append(counts)
      month = month.adding(months: 1)
    }
    return months
  }

  /// The twelve calendar months ending with the evaluation date's month.
  public func lastTwelveMonths(courseMergeDays: Int) -> [MonthlyCounts] {
    monthlyCounts(from: asOf.startOfMonth.adding(months: -11), courseMergeDays: courseMergeDays)
  }

  /// First days of oral steroid courses: an issue within `courseMergeDays` of the previous one
  /// continues its course, as ``Metric/oralSteroidCourses`` counts.
  public func oralSteroidCourseStarts(courseMergeDays: Int) -> [CalendarDate] {
    var starts: [CalendarDate] = []
    var last: CalendarDate?
    for supply in supplies where supply.role == .oralSteroid {
      if let last, last.days(to: supply.date) <= courseMergeDays {} else { starts.append(supply.date) }
      last = supply.date
    }
    return starts
  }

  /// A count's value in `window`, whether or not the run had the input that defines the figure.
  private func tallied(_ metric: Metric, in window: DateWindow) -> Int {
    Int(figure(metric, in: window, courseMergeDays: 0, requiringInputs: false).value ?? 0)
  }
}
