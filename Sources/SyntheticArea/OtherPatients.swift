import SurveillanceCore

/// Everyone who is not a child with asthma: children with other illnesses, and adults, whose
/// rows make up most of an unfiltered export.
extension PatientPlanner {
  /// A child without asthma: now and then an antibiotic or a painkiller.
  mutating func plantChildWithoutAsthma() {
    otherMedicines(count: generator.pick(weighted: [(0, 5), (1, 3), (2, 2)]))
  }

  /// An adult: repeat medicines every two or three months, a few acute ones, now and then a
  /// private prescription, and for some an adult's asthma or COPD inhalers (which a run sets
  /// aside: the patient is not a child).
  mutating func plantAdult(respiratory: Bool) {
    let repeats = catalogue.nonRespiratory.filter { !CommonProducts.acute.contains($0.name) }
    if !repeats.isEmpty {
      for _ in 0..<generator.pick(weighted: [(0, 45), (1, 40), (2, 15)]) {
        regularly(generator.pick(repeats), everyDays: generator.pick([56, 84]))
      }
    }
    otherMedicines(count: generator.pick(weighted: [(0, 5), (1, 3), (2, 2)]))
    let acute = catalogue.nonRespiratory.filter { CommonProducts.acute.contains($0.name) }
    if !acute.isEmpty, generator.chance(1, in: 12) {
      // A private prescription: dispensed and paid for, never an NHS issue.
      dispense(generator.pick(acute), on: daysAgo(3...400), at: person.pharmacyCode, type: .privatePrescription)
    }
    if respiratory {
      let use = generator.pick(weighted: [(ProductUse.steroidWithLABA, 40), (.icsFormoterol, 35), (.tripleInhaler, 25)])
      regularly(catalogue.pick(use, using: &generator), everyDays: 56)
      supplies(of: catalogue.pick(.reliever, using: &generator), devices: generator.int(2...6), type: "acute")
    }
  }

  /// An expectant mother's unborn child protection plan: CP-IS records it against her number.
  mutating func plantUnbornChildProtection() {
    plan(.unbornChildProtection, category: "neglect", from: daysAgo(10...150), to: nil)
  }

  /// Repeat issues of `product` every `days` days through the history.
  private mutating func regularly(_ product: Product, everyDays days: Int) {
    var date = historyStart.adding(days: generator.int(0...(days - 1)))
    while date <= asOf {
      issue(product, on: date, collection: generator.chance(19, in: 20) ? .usual : .notCollected)
      date = date.adding(days: days + generator.int(-3...3))
    }
  }
}
