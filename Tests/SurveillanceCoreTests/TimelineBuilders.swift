import SurveillanceCore

/// Builds supplies for hand-worked children: `issue` is a GP issue (file 0), `dispense`
/// a pharmacy dispensing (file 1).
struct ChildBuilder {
  var nhs = TestNHS.number(1)
  var birth = date("2010-06-01")
  var supplies: [Supply] = []
  var events: [CareEvent] = []
  var plans: [SafeguardingPlan] = []
  private var line = 2

  static let policy = TimelinePolicy(
    version: "test", childAgeUnderYears: 18, earliestPlausibleYear: 1900, maxDevicesPerSupply: 50,
    dispensingAfterIssueDays: 28, issueAfterDispensingDays: 14, collectionGraceDays: 30, activeWithin: Period(months: 12),
    eventGroups: CareEventGroups(attack: [.edAttendance, .hospitalAdmission, .outOfHoursTreatment], hospitalAttendance: [.edAttendance, .hospitalAdmission]))

  static func product(_ role: MedicineRole, ics: Bool? = nil, days: Int? = 30) -> ProductClassification {
    ProductClassification(
      role: role, classID: role.rawValue, containsICS: ics ?? (role == .preventer || role == .icsFormoterol),
      // ICS/formoterol inhalers hold 120 doses (Symbicort 200/6, Fostair 100/6); the others 200.
      dosesPerDevice: role == .icsFormoterol ? 120 : 200, daysPerDevice: (role == .preventer || role == .icsFormoterol) ? days : nil, matchedBy: .dmdCode)
  }

  private mutating func make(
    _ side: SupplySide, _ role: MedicineRole, _ day: String, devices: Int, id: String?, type: SupplyType?, site: String, key: String?
  ) -> Supply {
    defer { line += 1 }
    return Supply(
      side: side, nhsNumber: nhs, dateOfBirth: birth, date: date(day), siteCode: site,
      productKey: key ?? role.rawValue, drugName: role.rawValue, product: Self.product(role), quantity: Double(devices),
      quantityUnit: .device, devices: devices, prescriptionID: id, supplyType: type, issueType: side == .gpIssue ? "acute" : nil,
      source: SourceRef(file: side == .gpIssue ? 0 : 1, line: line))
  }

  mutating func issue(_ role: MedicineRole, _ day: String, devices: Int = 1, id: String? = nil, key: String? = nil) {
    supplies.append(make(.gpIssue, role, day, devices: devices, id: id, type: nil, site: "P1", key: key))
  }

  mutating func dispense(_ role: MedicineRole, _ day: String, devices: Int = 1, id: String? = nil, type: SupplyType = .nhsPrescription, pharmacy: String = "FA1", key: String? = nil) {
    supplies.append(make(.dispensing, role, day, devices: devices, id: id, type: type, site: pharmacy, key: key))
  }

  /// A GP issue and its dispensing on the same day, linked by prescription id.
  mutating func dispensed(_ role: MedicineRole, _ day: String, devices: Int = 1, pharmacy: String = "FA1") {
    let id = "RX\(line)"
    issue(role, day, devices: devices, id: id)
    dispense(role, day, devices: devices, id: id, pharmacy: pharmacy)
  }

  mutating func event(_ type: CareEventType, _ day: String, due: String? = nil) {
    events.append(CareEvent(nhsNumber: nhs, date: date(day), type: type, snomedCode: nil, nextReviewDue: due.map(date), source: SourceRef(file: 3, line: line)))
    line += 1
  }

  mutating func plan(_ type: PlanType, _ start: String, end: String? = nil) {
    plans.append(SafeguardingPlan(nhsNumber: nhs, type: type, category: nil, start: date(start), end: end.map(date), localAuthority: nil, source: SourceRef(file: 2, line: line)))
    line += 1
  }

  var record: ChildRecord { ChildRecord(nhsNumber: nhs, dateOfBirth: birth, supplies: supplies, plans: plans, events: events) }

  func timeline(asOf: String, inputs: Set<InputKind> = Set(InputKind.allCases)) -> ChildTimeline {
    ChildTimeline(record: record, asOf: date(asOf), inputs: inputs, policy: Self.policy)
  }
}

extension ChildTimeline {
  func value(_ metric: Metric, months: Int) -> Double? {
    figure(metric, over: Period(months: months), courseMergeDays: 7).value
  }
}
