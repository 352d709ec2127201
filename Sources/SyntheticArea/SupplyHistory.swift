import SurveillanceCore

/// The building blocks of a child's history: a preventer and a reliever through the year,
/// reviews and action plans, attacks and their follow-up, other medicines.
extension PatientPlanner {
  /// A child's usual preventer: mostly an inhaled steroid, sometimes with a LABA (from age 5)
  /// or montelukast, unless `inhaledSteroid` asks for a steroid.
  mutating func choosePreventer(inhaledSteroid: Bool) -> Product {
    switch generator.below(100) {
    case 0..<72: return catalogue.pick(.inhaledSteroid, using: &generator)
    case 72..<85 where age >= 5: return catalogue.pick(.steroidWithLABA, using: &generator)
    case _ where inhaledSteroid: return catalogue.pick(.inhaledSteroid, using: &generator)
    default: return catalogue.pick(age >= 15 ? .montelukastAdult : .montelukastChild, using: &generator)
    }
  }

  /// A preventer and a reliever through the year, some history before it, and an annual
  /// review with an action plan `reviewChance` times in 100.
  mutating func usualCare(
    preventer: Product?, preventerDevices: ClosedRange<Int>, reliever: Product?, relieverDevices: ClosedRange<Int>, reviewChance: Int
  ) {
    if let preventer {
      supplies(of: preventer, devices: generator.int(preventerDevices))
      history(of: preventer, issues: generator.int(1...2))
    }
    if let reliever {
      supplies(of: reliever, devices: generator.int(relieverDevices), type: generator.chance(1, in: 2) ? "acute" : "repeat")
      history(of: reliever, issues: generator.int(0...1))
    }
    maybeAnnualReview(chance: reviewChance)
  }

  /// `devices` devices of `product` spread over the twelve months before the export date, one
  /// or (for inhalers, now and then) two to an issue.
  mutating func supplies(of product: Product, devices: Int, type: String = "repeat", from start: CalendarDate? = nil, until end: CalendarDate? = nil) {
    var perIssue: [Int] = []
    var remaining = devices
    while remaining > 0 {
      let two = remaining >= 2 && !product.countedPerSupply && generator.chance(3, in: 10)
      perIssue.append(two ? 2 : 1)
      remaining -= two ? 2 : 1
    }
    let dates = spread(perIssue.count, from: start ?? yearStart.adding(days: 3), to: end ?? asOf.adding(days: -3))
    for (date, count) in zip(dates, perIssue) { issue(product, on: date, devices: count, type: type) }
  }

  /// Issues before the twelve months, so that a history does not start on the window's edge.
  mutating func history(of product: Product, issues: Int) {
    for date in spread(issues, from: historyStart, to: yearStart.adding(days: -5)) { issue(product, on: date) }
  }

  mutating func maybeAnnualReview(chance: Int) {
    if generator.chance(chance, in: 100) { annualReview(on: daysAgo(20...330)) }
  }

  /// An annual review with a written action plan due for review a year later, and sometimes an
  /// inhaler technique check.
  mutating func annualReview(on date: CalendarDate) {
    event(.asthmaReview, on: date, code: CareCodes.annualReview)
    event(.actionPlanIssued, on: date, code: CareCodes.actionPlan, nextReviewDue: date.adding(months: 12))
    if generator.chance(1, in: 2) { event(.inhalerTechniqueCheck, on: date) }
  }

  enum FollowUp { case nextWeekday, late, none }

  /// An attack treated away from the practice, sometimes with an oral steroid course, and the
  /// GP follow-up as `review` says.
  mutating func attack(on date: CalendarDate, kind: CareEventType, course: Bool, review: FollowUp) {
    event(kind, on: date)
    if course { issue(catalogue.pick(.prednisolone, using: &generator), on: date.adding(days: generator.int(0...1)), type: "acute") }
    switch review {
    case .nextWeekday: event(.asthmaReview, on: Self.nextWeekday(after: date), code: CareCodes.followUp)
    case .late: event(.asthmaReview, on: date.adding(days: generator.int(9...20)), code: CareCodes.followUp)
    case .none: break
    }
  }

  /// Antibiotics and painkillers: a child's export is not only inhalers.
  mutating func otherMedicines(count: Int) {
    let choices = catalogue.nonRespiratory.filter { age >= 18 || CommonProducts.forChildren.contains($0.name) }
    guard !choices.isEmpty else { return }
    for _ in 0..<count {
      issue(generator.pick(choices), on: daysAgo(3...440), type: "acute", collection: generator.chance(9, in: 10) ? .usual : .notCollected)
    }
  }
}
