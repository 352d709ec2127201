import SurveillanceCore

/// The histories of children with asthma: a diagnosis, the usual supplies, and the planted
/// pattern on top.
extension PatientPlanner {
  /// The ages a child with this pattern may have (MART and LABA products are for older children;
  /// the Hakeem-like children are of his age).
  static func ages(for pattern: PlantedPattern) -> ClosedRange<Int> {
    switch pattern {
    case .mart: return 7...17
    case .labaAlone: return 8...17
    case .hakeemLike: return 6...7
    default: return 2...17
    }
  }

  mutating func plantChildWithAsthma(_ pattern: PlantedPattern) {
    if pattern == .hakeemLike {
      let end = asOf.adding(days: -generator.int(3...20))
      let shift = HakeemTimeline.endDate.days(to: end)
      person.dateOfBirth = HakeemTimeline.dateOfBirth.adding(days: shift + generator.int(-120...120))
      plantHakeemTimeline(endingNear: end)
      return
    }
    let diagnosedAge = generator.int(1...max(1, min(age, 6)))
    event(.diagnosis, on: person.dateOfBirth.adding(days: diagnosedAge * 365 + generator.int(0...300)), code: CareCodes.asthma)
    let reliever = catalogue.pick(.reliever, using: &generator)
    // Well-controlled children are on an inhaled steroid: montelukast alone is a different story.
    let preventer = choosePreventer(inhaledSteroid: pattern == .wellControlled)

    switch pattern {
    case .wellControlled:
      supplies(of: preventer, devices: generator.int(10...13))
      supplies(of: reliever, devices: generator.int(0...2), type: "acute")
      history(of: preventer, issues: generator.int(2...3))
      if generator.chance(2, in: 5) { issue(catalogue.pick(.spacer, using: &generator), on: daysAgo(30...330), type: "acute") }
      annualReview(on: daysAgo(20...330))
    case .relieverThreeToFive:
      usualCare(preventer: preventer, preventerDevices: 6...10, reliever: reliever, relieverDevices: 3...5, reviewChance: 70)
    case .relieverSixToTwelve:
      usualCare(preventer: preventer, preventerDevices: 4...9, reliever: reliever, relieverDevices: 6...12, reviewChance: 60)
    case .relieverOverTwelve:
      usualCare(preventer: preventer, preventerDevices: 2...8, reliever: reliever, relieverDevices: 13...20, reviewChance: 50)
    case .lowPreventerRatio:
      if generator.chance(1, in: 2) {
        usualCare(preventer: preventer, preventerDevices: 1...1, reliever: reliever, relieverDevices: 2...2, reviewChance: 60)
      } else {
        usualCare(preventer: preventer, preventerDevices: 2...3, reliever: reliever, relieverDevices: 4...5, reviewChance: 60)
      }
    case .preventerNotCollected:
      let dates = spread(generator.int(11...12), from: yearStart.adding(days: 3), to: asOf.adding(days: -3))
      let collected = Set(generator.shuffled(Array(dates.indices)).prefix(generator.int(3...5)))
      for (index, date) in dates.enumerated() {
        issue(preventer, on: date, collection: collected.contains(index) ? .usual : .notCollected)
      }
      supplies(of: reliever, devices: generator.int(1...3), type: "acute")
      maybeAnnualReview(chance: 60)
    case .nebulesFromGP:
      usualCare(preventer: preventer, preventerDevices: 6...10, reliever: reliever, relieverDevices: 2...4, reviewChance: 60)
      for date in spread(generator.int(1...3), from: yearStart.adding(days: 10), to: asOf.adding(days: -5)) {
        issue(catalogue.pick(.salbutamolNebule, using: &generator), on: date, type: "acute")
      }
      if generator.chance(3, in: 10) { issue(catalogue.pick(.steroidNebule, using: &generator), on: daysAgo(10...300), type: "acute") }
    case .emergencySupply:
      usualCare(preventer: preventer, preventerDevices: 7...11, reliever: reliever, relieverDevices: 1...2, reviewChance: 60)
      for date in spread(generator.int(1...3), from: asOf.adding(days: -180), to: asOf.adding(days: -3)) {
        let pharmacy = generator.chance(3, in: 5) ? person.pharmacyCode : sites.otherPharmacy(than: person.pharmacyCode, using: &generator)
        dispense(reliever, on: date, at: pharmacy, type: generator.chance(7, in: 10) ? .emergencySupply : .urgentSupplyNHS111)
      }
    case .suppliedBeforePrescription:
      usualCare(preventer: preventer, preventerDevices: 7...11, reliever: reliever, relieverDevices: 1...2, reviewChance: 60)
      for date in spread(generator.int(1...2), from: asOf.adding(days: -170), to: asOf.adding(days: -10)) {
        issue(reliever, on: date, type: "acute", collection: .before(days: generator.int(2...7)))
      }
    case .manyPharmacies:
      usualCare(preventer: preventer, preventerDevices: 6...10, reliever: nil, relieverDevices: 0...0, reviewChance: 60)
      let others = generator.shuffled(sites.pharmacies.filter { $0 != person.pharmacyCode })
      let chain = [person.pharmacyCode] + others.prefix(generator.int(2...3))
      for (index, date) in spread(generator.int(4...5), from: asOf.adding(days: -175), to: asOf.adding(days: -3)).enumerated() {
        issue(reliever, on: date, type: "acute", collection: .at(chain[index % chain.count]))
      }
    case .oralSteroidCourses:
      usualCare(preventer: preventer, preventerDevices: 7...11, reliever: reliever, relieverDevices: 2...4, reviewChance: 50)
      for date in spread(generator.int(2...4), from: yearStart.adding(days: 5), to: asOf.adding(days: -10)) {
        attack(on: date, kind: generator.chance(1, in: 2) ? .outOfHoursTreatment : .edAttendance, course: true, review: .nextWeekday)
      }
    case .attackWithReview:
      usualCare(preventer: preventer, preventerDevices: 8...11, reliever: reliever, relieverDevices: 1...3, reviewChance: 70)
      for date in spread(generator.int(1...2), from: yearStart.adding(days: 5), to: asOf.adding(days: -10)) {
        attack(on: date, kind: generator.pick([.edAttendance, .hospitalAdmission, .outOfHoursTreatment]), course: generator.chance(1, in: 2), review: .nextWeekday)
      }
    case .attackWithoutReview:
      usualCare(preventer: preventer, preventerDevices: 5...10, reliever: reliever, relieverDevices: 2...4, reviewChance: 0)
      for date in spread(generator.int(1...2), from: yearStart.adding(days: 5), to: asOf.adding(days: -25)) {
        attack(on: date, kind: generator.pick([.edAttendance, .hospitalAdmission, .outOfHoursTreatment]), course: generator.chance(2, in: 5),
               review: generator.chance(1, in: 2) ? .late : .none)
      }
    case .wasNotBrought:
      usualCare(preventer: preventer, preventerDevices: 5...9, reliever: reliever, relieverDevices: 2...4, reviewChance: 0)
      let missed = spread(generator.int(2...3), from: yearStart.adding(days: 10), to: asOf.adding(days: -20))
      for date in missed { event(.wasNotBrought, on: Self.nextWeekday(after: date)) }
      if generator.chance(2, in: 5), let last = missed.last { annualReview(on: last.adding(days: generator.int(14...40))) }
    case .mart:
      var products = [catalogue.pick(.icsFormoterol, using: &generator)]
      if generator.chance(2, in: 5) { products.append(catalogue.pick(.icsFormoterol, using: &generator)) }
      let devices = generator.int(12...20)
      supplies(of: products[0], devices: products.count == 1 ? devices : devices / 2, until: products.count == 1 ? asOf : asOf.adding(months: -6))
      if products.count == 2 { supplies(of: products[1], devices: devices - devices / 2, from: asOf.adding(months: -6).adding(days: 1)) }
      history(of: products[0], issues: generator.int(2...3))
      if generator.chance(4, in: 5) { annualReview(on: daysAgo(20...330)) }
    case .noRecentReview:
      usualCare(preventer: preventer, preventerDevices: 6...10, reliever: reliever, relieverDevices: 1...3, reviewChance: 0)
      if generator.chance(1, in: 2) { annualReview(on: daysAgo(400...560)) }
    case .relieverWithoutPreventer:
      supplies(of: reliever, devices: generator.int(2...4), type: "acute")
      history(of: reliever, issues: generator.int(0...1))
      maybeAnnualReview(chance: 30)
    case .labaAlone:
      let withSteroid = generator.chance(1, in: 2)
      usualCare(preventer: withSteroid ? preventer : nil, preventerDevices: 4...8, reliever: reliever, relieverDevices: 2...3, reviewChance: 50)
      supplies(of: catalogue.pick(.labaAlone, using: &generator), devices: generator.int(1...3))
    case .hakeemLike:
      break
    }
    otherMedicines(count: generator.int(0...2))
  }
}
