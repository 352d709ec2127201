/// The figures a child's timeline yields over a window: the closed vocabulary that rule
/// files count in and that `children.csv` reports.
///
/// Supplies are counted once whether they appear as a GP issue, a dispensing or both, and
/// include GP issues never dispensed: national indicators (NICE IND315, NRAD) count what was
/// prescribed, and uncollected preventers are flagged by their own rule. Coverage
/// (``preventerDaysCovered``) is the exception: it counts only what reached the family.
public enum Metric: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
  /// SABA inhalers, in devices.
  case relieverDevices = "reliever_devices"
  /// Supplies (not devices) of SABA inhalers.
  case relieverSupplies = "reliever_supplies"
  /// Preventer devices: ICS, ICS/LABA, LTRA pack-equivalents and ICS/formoterol.
  case preventerDevices = "preventer_devices"
  /// Devices of inhalers containing an inhaled corticosteroid (not LTRA).
  case icsDevices = "ics_devices"
  /// ICS/formoterol (MART/AIR-capable) devices.
  case icsFormoterolDevices = "ics_formoterol_devices"
  /// preventer / (preventer + reliever) devices; undefined with neither.
  case preventerRatio = "preventer_ratio"
  /// Proportion of the window's days covered by preventer that reached the family (0 to 1).
  case preventerDaysCovered = "preventer_days_covered"
  /// Months from the first preventer supply on record to the evaluation date.
  case preventerHistoryMonths = "preventer_history_months"
  /// Nebule supplies of any kind.
  case nebuleIssues = "nebule_issues"
  /// Nebule supplies that a GP issued (not a hospital prescription dispensed in the community).
  case gpNebuleIssues = "gp_nebule_issues"
  /// Emergency and NHS 111 urgent supplies of any asthma medicine.
  case emergencySupplies = "emergency_supplies"
  /// Emergency and NHS 111 urgent supplies of relievers.
  case relieverEmergencySupplies = "reliever_emergency_supplies"
  /// Supplies with no prescription in place: emergency, before prescription, none found.
  case suppliesWithoutPrescription = "supplies_without_prescription"
  /// Dispensings later matched to a GP issue dated after them.
  case suppliesBeforePrescription = "supplies_before_prescription"
  /// GP issues never dispensed within the collection grace period.
  case issuedNotDispensed = "issued_not_dispensed"
  /// Preventer GP issues never dispensed within the collection grace period.
  case preventerIssuedNotDispensed = "preventer_issued_not_dispensed"
  /// Oral steroid courses (issues close together are one course).
  case oralSteroidCourses = "oral_steroid_courses"
  /// LABA-alone supplies.
  case labaAloneSupplies = "laba_alone_supplies"
  /// Distinct pharmacies supplying any asthma medicine.
  case pharmacies
  /// Distinct pharmacies supplying relievers.
  case relieverPharmacies = "reliever_pharmacies"
  /// Days with an ED attendance or hospital admission for asthma.
  case hospitalAttendances = "hospital_attendances"
  /// Days with an ED attendance, admission or out-of-hours treatment for asthma.
  case attacks
  /// Asthma reviews.
  case asthmaReviews = "asthma_reviews"
  /// Appointments the child was not brought to.
  case wasNotBrought = "was_not_brought"
  /// Supplies of respiratory products that no formulary class claims: counted by no other
  /// figure, reported so that a missing classification is seen, not mistaken for good control.
  case unclassifiedSupplies = "unclassified_supplies"
  /// ICS/formoterol inhalations a day on average over the window: devices times the doses
  /// each holds (from the formulary or the dm+d release's packs), divided by the window's
  /// days. For a child on MART or AIR, the reliever and the preventer in one figure.
  case icsFormoterolDosesPerDay = "ics_formoterol_doses_per_day"
  /// Supplies of a product licensed only from an age the child had not reached on the day
  /// (a triple inhaler, licensed for adults), when the formulary knows the product's age.
  case suppliesBelowLicensedAge = "supplies_below_licensed_age"

  /// The position in `allCases`, for hashing without hashing the name.
  var ordinal: Int {
    switch self {
    case .relieverDevices: 0
    case .relieverSupplies: 1
    case .preventerDevices: 2
    case .icsDevices: 3
    case .icsFormoterolDevices: 4
    case .preventerRatio: 5
    case .preventerDaysCovered: 6
    case .preventerHistoryMonths: 7
    case .nebuleIssues: 8
    case .gpNebuleIssues: 9
    case .emergencySupplies: 10
    case .relieverEmergencySupplies: 11
    case .suppliesWithoutPrescription: 12
    case .suppliesBeforePrescription: 13
    case .issuedNotDispensed: 14
    case .preventerIssuedNotDispensed: 15
    case .oralSteroidCourses: 16
    case .labaAloneSupplies: 17
    case .pharmacies: 18
    case .relieverPharmacies: 19
    case .hospitalAttendances: 20
    case .attacks: 21
    case .asthmaReviews: 22
    case .wasNotBrought: 23
    case .unclassifiedSupplies: 24
    case .icsFormoterolDosesPerDay: 25
    case .suppliesBelowLicensedAge: 26
    }
  }

  /// Whether the figure counts within a window; a history length does not.
  public var isWindowed: Bool { self != .preventerHistoryMonths }

  /// The name a figure is reported under: `reliever_devices_12m`, or the bare metric name
  /// for a figure that has no window.
  public func figureName(over window: Period) -> String {
    isWindowed ? "\(rawValue)_\(window.suffix)" : rawValue
  }

  /// The metric and window a figure name stands for (`reliever_devices_12m`), for reason
  /// templates that mention figures their own conditions do not compute.
  public static func parseFigureName(_ name: String) -> (Metric, Period)? {
    if let metric = Metric(rawValue: name), !metric.isWindowed { return (metric, Period(months: 1)) }
    guard let underscore = name.lastIndex(of: "_") else { return nil }
    let suffix = name[name.index(after: underscore)...]
    guard let metric = Metric(rawValue: String(name[..<underscore])), metric.isWindowed, suffix.count >= 2 else { return nil }
    let number = Int(suffix.dropLast())
    switch (suffix.last, number) {
    case ("m", let months?) where months > 0: return (metric, Period(months: months))
    case ("d", let days?) where days > 0: return (metric, Period(days: days))
    default: return nil
    }
  }

  /// The input a figure cannot be known without; with it missing the figure is undefined,
  /// not zero.
  public var requiredInput: InputKind? {
    switch self {
    case .hospitalAttendances, .attacks, .asthmaReviews, .wasNotBrought: return .careEvents
    case .issuedNotDispensed, .preventerIssuedNotDispensed: return .pharmacyDispensing
    default: return nil
    }
  }
}

/// One figure and the rows behind it.
public struct Figure: Sendable, Equatable {
  /// `nil` when undefined: a ratio with nothing to divide, or an input the run lacks.
  public var value: Double?
  public var evidence: [SourceRef]

  public init(value: Double?, evidence: [SourceRef] = []) {
    self.value = value
    self.evidence = evidence
  }
}

extension ChildTimeline {
  /// What a metric counts, as one pass over the timeline can count it.
  private enum Tally {
    /// Supplies in the window that pass the test. Each test reads the supply where it lies:
    /// handed one by value, it was retained and released around every call (`objdump`).
    case supplies((UnsafePointer<SupplyEvent>) -> Bool)
    /// Devices of those supplies.
    case devices((UnsafePointer<SupplyEvent>) -> Bool)
    /// Distinct pharmacies that made those supplies.
    case pharmacies((UnsafePointer<SupplyEvent>) -> Bool)
    /// Care events of these types in the window (or the days they fell on).
    case careEvents(Set<CareEventType>, distinctDays: Bool)
    /// Figures with their own arithmetic.
    case special
  }

  private static func isPreventer(_ supply: SupplyEvent) -> Bool { supply.role == .preventer || supply.role == .icsFormoterol }
  private static func isNebule(_ supply: SupplyEvent) -> Bool { supply.role == .sabaNebule || supply.role == .otherNebule }

  private func tally(_ metric: Metric) -> Tally {
    switch metric {
    case .relieverDevices: return .devices { $0.pointee.role == .reliever }
    case .relieverSupplies: return .supplies { $0.pointee.role == .reliever }
    case .preventerDevices: return .devices { Self.isPreventer($0.pointee) }
    case .icsDevices: return .devices { Self.isPreventer($0.pointee) && $0.pointee.product.containsICS }
    case .icsFormoterolDevices: return .devices { $0.pointee.role == .icsFormoterol }
    case .nebuleIssues: return .supplies { Self.isNebule($0.pointee) }
    case .gpNebuleIssues: return .supplies { Self.isNebule($0.pointee) && $0.pointee.issue != nil }
    case .emergencySupplies: return .supplies { $0.pointee.status == .emergencySupply }
    case .relieverEmergencySupplies: return .supplies { $0.pointee.role == .reliever && $0.pointee.status == .emergencySupply }
    case .suppliesWithoutPrescription: return .supplies { $0.pointee.status.isWithoutPrescription }
    case .suppliesBeforePrescription: return .supplies { $0.pointee.status == .suppliedBeforePrescription }
    case .issuedNotDispensed: return .supplies { $0.pointee.status == .issuedNotDispensed }
    case .preventerIssuedNotDispensed: return .supplies { Self.isPreventer($0.pointee) && $0.pointee.status == .issuedNotDispensed }
    case .labaAloneSupplies: return .supplies { $0.pointee.role == .labaAlone }
    case .unclassifiedSupplies: return .supplies { $0.pointee.role == .unclassified }
    case .suppliesBelowLicensedAge:
      let birth = dateOfBirth
      return .supplies { supply in
        guard let birth, let minimum = supply.pointee.product.minimumAgeYears else { return false }
        return birth.wholeYears(to: supply.pointee.date) < minimum
      }
    case .pharmacies: return .pharmacies { _ in true }
    case .relieverPharmacies: return .pharmacies { $0.pointee.role == .reliever }
    case .hospitalAttendances: return .careEvents(eventGroups.hospitalAttendance, distinctDays: true)
    case .attacks: return .careEvents(eventGroups.attack, distinctDays: true)
    case .asthmaReviews: return .careEvents([.asthmaReview], distinctDays: false)
    case .wasNotBrought: return .careEvents([.wasNotBrought], distinctDays: false)
    case .preventerRatio, .preventerDaysCovered, .preventerHistoryMonths, .oralSteroidCourses, .icsFormoterolDosesPerDay: return .special
    }
  }

  /// The value of `metric` over the window of length `period` ending on the evaluation date,
  /// counted in one pass without gathering the rows behind it (what rules decide on).
  public func value(_ metric: Metric, over period: Period, courseMergeDays: Int) -> Double? {
    count(metric, in: DateWindow(period, endingOn: asOf), courseMergeDays: courseMergeDays, gatheringEvidence: false).value
  }

  /// `metric` over the window of length `period` ending on the evaluation date, with the rows
  /// behind it.
  public func figure(_ metric: Metric, over period: Period, courseMergeDays: Int) -> Figure {
    count(metric, in: DateWindow(period, endingOn: asOf), courseMergeDays: courseMergeDays, gatheringEvidence: true)
  }

  /// `metric` over any window up to the evaluation date, with the rows behind it: a month of
  /// ``monthlyCounts(from:courseMergeDays:)``, say. `requiringInputs: false` counts what the
  /// timeline holds even when the run lacked the input that defines the figure.
  public func figure(_ metric: Metric, in window: DateWindow, courseMergeDays: Int, requiringInputs: Bool = true) -> Figure {
    count(metric, in: window, courseMergeDays: courseMergeDays, gatheringEvidence: true, requiringInputs: requiringInputs)
  }

  /// One pass over the supplies, by index: a supply is a large value, and copying each one
  /// out (as filtering into a new array does) costs more than the counting. The evidence
  /// lists are built only when asked for; they are the same rows, in the same order, either way.
  private func count(_ metric: Metric, in window: DateWindow, courseMergeDays: Int, gatheringEvidence: Bool, requiringInputs: Bool = true) -> Figure {
    if requiringInputs, let needed = metric.requiredInput, !inputs.contains(needed) { return Figure(value: nil) }
    // Read in place: an array's elements handed to the tests below were copied, and every
    // string and array in each supply retained, a third of the evaluation's retains (`perf`).
    return supplies.withUnsafeBufferPointer { supplies in
      count(metric, in: window, courseMergeDays: courseMergeDays, gatheringEvidence: gatheringEvidence, supplies: supplies)
    }
  }

  private func count(_ metric: Metric, in window: DateWindow, courseMergeDays: Int, gatheringEvidence: Bool, supplies: UnsafeBufferPointer<SupplyEvent>) -> Figure {
    var evidence: [SourceRef] = []
    func note(_ supply: SupplyEvent) {
      if gatheringEvidence { evidence.append(contentsOf: supply.sources) }
    }
    switch tally(metric) {
    case .supplies(let keep):
      var count = 0
      for index in supplies.indices where window.contains(supplies[index].date) && keep(supplies.baseAddress! + index) {
        count += 1
        note(supplies[index])
      }
      return Figure(value: Double(count), evidence: evidence)
    case .devices(let keep):
      var count = 0
      for index in supplies.indices where window.contains(supplies[index].date) && keep(supplies.baseAddress! + index) {
        count += supplies[index].devices
        note(supplies[index])
      }
      return Figure(value: Double(count), evidence: evidence)
    case .pharmacies(let keep):
      var codes = Set<String>()
      for index in supplies.indices where window.contains(supplies[index].date) && keep(supplies.baseAddress! + index) {
        guard let code = supplies[index].pharmacyCode, !code.isEmpty else { continue }
        codes.insert(code)
        note(supplies[index])
      }
      return Figure(value: Double(codes.count), evidence: evidence)
    case .careEvents(let types, let distinctDays):
      let matching = events.filter { types.contains($0.type) && window.contains($0.date) }
      let value = distinctDays ? Set(matching.map(\.date)).count : matching.count
      return Figure(value: Double(value), evidence: gatheringEvidence ? matching.map(\.source) : [])
    case .special:
      switch metric {
      case .preventerRatio:
        var preventer = 0
        var reliever = 0
        for index in supplies.indices where window.contains(supplies[index].date) {
          if Self.isPreventer(supplies[index]) {
            preventer += supplies[index].devices
          } else if supplies[index].role == .reliever {
            reliever += supplies[index].devices
          } else {
            continue
          }
          note(supplies[index])
        }
        guard preventer + reliever > 0 else { return Figure(value: nil) }
        return Figure(value: Double(preventer) / Double(preventer + reliever), evidence: evidence.sorted())
      case .preventerDaysCovered:
        return preventerCoverage(in: window, gatheringEvidence: gatheringEvidence, supplies: supplies)
      case .icsFormoterolDosesPerDay:
        var doses = 0
        for index in supplies.indices where window.contains(supplies[index].date) && supplies[index].role == .icsFormoterol {
          doses += supplies[index].devices * (supplies[index].product.dosesPerDevice ?? 0)
          note(supplies[index])
        }
        return Figure(value: Double(doses) / Double(window.dayCount), evidence: evidence)
      case .preventerHistoryMonths:
        guard let first = supplies.firstIndex(where: Self.isPreventer).map({ supplies[$0] }) else { return Figure(value: nil) }
        let months = (asOf.year - first.date.year) * 12 + (asOf.month - first.date.month) - (asOf.day < first.date.day ? 1 : 0)
        return Figure(value: Double(months), evidence: gatheringEvidence ? first.sources : [])
      default:
        var courses = 0
        var last: CalendarDate?
        for index in supplies.indices where window.contains(supplies[index].date) && supplies[index].role == .oralSteroid {
          let date = supplies[index].date
          if let last, last.days(to: date) <= courseMergeDays {} else { courses += 1 }
          last = date
          note(supplies[index])
        }
        return Figure(value: Double(courses), evidence: evidence)
      }
    }
  }

  /// Proportion of days in `window` covered by preventer the family received, each device
  /// lasting its class's days; a supply collected early extends cover rather than doubling it.
  private func preventerCoverage(in window: DateWindow, gatheringEvidence: Bool, supplies: UnsafeBufferPointer<SupplyEvent>) -> Figure {
    var coveredUntil: CalendarDate?  // exclusive
    var covered = 0
    var evidence: [SourceRef] = []
    for index in supplies.indices {
      let status = supplies[index].status
      guard Self.isPreventer(supplies[index]), status != .issuedNotDispensed, status != .awaitingCollection else { continue }
      let days = (supplies[index].product.daysPerDevice ?? 0) * supplies[index].devices
      guard days > 0 else { continue }
      let date = supplies[index].date
      let start = max(date, coveredUntil ?? date)
      let end = start.adding(days: days)
      coveredUntil = end
      let overlapStart = max(start, window.start)
      let overlapEnd = min(end, window.end.adding(days: 1))
      if overlapStart < overlapEnd {
        covered += overlapStart.days(to: overlapEnd)
        if gatheringEvidence { evidence.append(contentsOf: supplies[index].sources) }
      }
    }
    return Figure(value: Double(covered) / Double(window.dayCount), evidence: evidence)
  }
}
