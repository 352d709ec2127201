import SurveillanceCore

/// Builds one patient's rows: the supply, event and plan helpers every planted pattern uses.
///
/// It plants what a pattern asks for and nothing else: it counts no devices against a
/// threshold and judges nothing. Whether a planted history fires a signal is for the rules in
/// `rules/signals/` to say.
struct PatientPlanner {
  var generator: SeededGenerator
  /// The patient; a pattern may settle the date of birth before planting its first row.
  var person: Person
  let catalogue: ProductCatalogue
  let sites: Sites
  let asOf: CalendarDate
  var rows = PatientRows()

  init(person: Person, catalogue: ProductCatalogue, sites: Sites, asOf: CalendarDate, generator: SeededGenerator) {
    self.person = person
    self.catalogue = catalogue
    self.sites = sites
    self.asOf = asOf
    self.generator = generator
  }

  /// The first day of the twelve months before the export date, where planted counts sit.
  var yearStart: CalendarDate { asOf.adding(months: -12).adding(days: 1) }
  /// The first day of the history written before that year (three months more).
  var historyStart: CalendarDate { asOf.adding(months: -15) }
  var age: Int { person.dateOfBirth.wholeYears(to: asOf) }

  /// How a GP issue reaches the family.
  enum Collection {
    /// Collected at the usual pharmacy, mostly within a few days, mostly with the
    /// prescription id written on the dispensing.
    case usual
    /// Collected at this pharmacy.
    case at(String)
    /// Never collected.
    case notCollected
    /// Supplied by the pharmacy this many days before the GP issued the prescription.
    case before(days: Int)
  }

  // MARK: Supplies

  /// A GP issue of `devices` devices (one supply for nebules and oral steroids) and, as
  /// `collection` says, its dispensing. Returns the issue's prescription id, if it has one.
  @discardableResult
  mutating func issue(
    _ product: Product, on date: CalendarDate, devices: Int = 1, type: String = "repeat", collection: Collection = .usual,
    alwaysWithID: Bool = false
  ) -> String? {
    guard date <= asOf, date >= person.dateOfBirth else { return nil }
    let id = alwaysWithID || generator.chance(92, in: 100) ? prescriptionID() : nil
    rows.issues.append(
      IssueRow(
        person: person, date: date, product: product, quantity: quantity(of: product, devices: devices),
        issueType: type, prescriptionID: id, omitDMD: product.classifiesWithoutDMD && generator.chance(8, in: 100)))
    let dispensed: (date: CalendarDate, pharmacy: String, id: String?)
    switch collection {
    case .notCollected:
      return id
    case .usual, .at:
      var pharmacy = person.pharmacyCode
      if case .at(let chosen) = collection {
        pharmacy = chosen
      } else if generator.chance(8, in: 100) {
        pharmacy = sites.otherPharmacy(than: person.pharmacyCode, using: &generator)
      }
      let delay = generator.pick([0, 0, 0, 1, 1, 2, 3, 5])
      dispensed = (date.adding(days: delay), pharmacy, generator.chance(9, in: 10) ? id : nil)
    case .before(let days):
      // The pharmacy had no prescription yet: some systems add the id once it arrives.
      dispensed = (date.adding(days: -days), person.pharmacyCode, generator.chance(1, in: 2) ? id : nil)
    }
    if dispensed.date <= asOf {
      dispense(product, on: dispensed.date, at: dispensed.pharmacy, devices: devices, prescriptionID: dispensed.id, type: .nhsPrescription)
    }
    return id
  }

  /// A dispensing with no GP issue behind it (an emergency supply, an NHS 111 urgent supply).
  mutating func dispense(
    _ product: Product, on date: CalendarDate, at pharmacy: String, devices: Int = 1, prescriptionID: String? = nil,
    type: SupplyType
  ) {
    guard date <= asOf, date >= person.dateOfBirth else { return }
    rows.dispensings.append(
      DispensingRow(
        person: person, pharmacyCode: pharmacy, date: date, product: product, quantity: quantity(of: product, devices: devices),
        prescriptionID: prescriptionID, supplyType: type, omitDMD: product.classifiesWithoutDMD && generator.chance(8, in: 100)))
  }

  /// An id in the shape of an EPS prescription id: three groups of six hexadecimal digits.
  mutating func prescriptionID() -> String {
    let value = generator.next()
    let hex = String(value, radix: 16, uppercase: true)
    let digits = String(repeating: "0", count: 16 - hex.count) + hex + Sites.digits(generator.below(100), 2)
    let characters = Array(digits)
    return String(characters[0..<6]) + "-" + String(characters[6..<12]) + "-" + String(characters[12..<18])
  }

  /// How an export writes the quantity of `devices` devices of `product`: as devices or as
  /// doses (tablets), with or without a unit, the way real exports mix them.
  mutating func quantity(of product: Product, devices: Int) -> Quantity {
    if product.countedPerSupply || product.role == .other {
      switch product.form {
      case .nebule: return Quantity(text: generator.pick(["20", "20", "40", "60"]), unit: generator.chance(1, in: 2) ? .unitDose : nil)
      case .liquid: return Quantity(text: generator.pick(["30", "50", "100"]), unit: .ml)
      case .infusion, .device, .inhaler: return Quantity(text: "1", unit: nil)
      case .capsule, .granules, .tablet:
        let count = product.role == .other ? generator.pick(["21", "28", "28", "56", "100"]) : generator.pick(["10", "15", "20", "30"])
        return Quantity(text: count, unit: product.form == .capsule || generator.chance(1, in: 3) ? nil : .tablet)
      }
    }
    guard let perDevice = product.unitsPerDevice else {
      return Quantity(text: String(devices), unit: generator.chance(1, in: 2) ? .device : nil)
    }
    // Montelukast comes in tablets or granule sachets, counted in packs; inhalers in doses.
    let isPacks = product.form == .tablet || product.form == .granules
    let doseUnit: QuantityUnit = isPacks ? (product.form == .granules ? .unitDose : .tablet) : .dose
    // Without a unit, the formulary reads small numbers as devices and large ones as doses:
    // leave the unit out only where that reading gives the planted count.
    let threshold = catalogue.doseThreshold
    switch generator.below(20) {
    case 0..<7: return Quantity(text: String(devices), unit: isPacks ? .pack : .device)
    case 7..<13 where Double(devices) <= threshold: return Quantity(text: String(devices), unit: nil)
    case 13..<16: return Quantity(text: String(devices * perDevice), unit: doseUnit)
    default: return Quantity(text: String(devices * perDevice), unit: Double(devices * perDevice) > threshold ? nil : doseUnit)
    }
  }

  // MARK: Events and plans

  mutating func event(_ type: CareEventType, on date: CalendarDate, code: String? = nil, nextReviewDue: CalendarDate? = nil) {
    guard date <= asOf else { return }
    rows.events.append(EventRow(nhsNumber: person.nhsNumber, date: date, type: type, snomedCode: code, nextReviewDue: nextReviewDue))
  }

  mutating func plan(_ type: PlanType, category: String?, from start: CalendarDate, to end: CalendarDate?) {
    guard start <= asOf else { return }
    rows.plans.append(
      PlanRow(
        nhsNumber: person.nhsNumber, type: type, category: category, start: start, end: end.flatMap { $0 <= asOf ? $0 : nil },
        localAuthority: sites.localAuthorities[0]))
  }

  // MARK: Dates

  /// `count` dates spread across `start...end`: one in the middle half of each equal slice, so
  /// that neighbours are never closer than half a slice (two planted steroid courses stay two
  /// courses).
  mutating func spread(_ count: Int, from start: CalendarDate, to end: CalendarDate) -> [CalendarDate] {
    guard count > 0, start <= end else { return [] }
    let span = start.days(to: end) + 1
    return (0..<count).map { index in
      let low = span * index / count + span / (4 * count)
      let high = max(low, span * index / count + 3 * span / (4 * count) - 1)
      return start.adding(days: generator.int(low...high))
    }
  }

  /// A day `days` before the export date, within the given range of days.
  mutating func daysAgo(_ days: ClosedRange<Int>) -> CalendarDate { asOf.adding(days: -generator.int(days)) }

  /// The next Monday-to-Friday day after `date`.
  static func nextWeekday(after date: CalendarDate) -> CalendarDate {
    var day = date.adding(days: 1)
    while day.isoWeekday > 5 { day = day.adding(days: 1) }
    return day
  }
}

/// SNOMED CT codes written on care events, from the NHS primary care domain refsets copied in
/// `shared/reference/codelists/opensafely__asthma_sro` (ast_cod, rev_cod, writpastp_cod).
/// Events those refsets do not cover (attendances, admissions, missed appointments) carry none.
enum CareCodes {
  static let asthma = "195967001"  // ast_cod: Asthma
  static let annualReview = "394700004"  // rev_cod: Asthma annual review
  static let followUp = "394701000"  // rev_cod: Asthma follow-up
  static let actionPlan = "527171000000103"  // writpastp_cod: Patient has a written asthma personal action plan
  static let actionPlanReview = "810901000000102"  // writpastp_cod: Asthma self-management plan review
}
