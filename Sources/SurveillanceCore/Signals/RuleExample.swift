/// A worked child inside a rule file: a few supplies, events and plans, and whether the
/// rule should fire on the evaluation date. The tests run every one; a clinician reviewing
/// the rule reads its logic and its cases side by side.
public struct RuleExample: Decodable, Sendable {
  public var note: String
  public var asOf: CalendarDate
  public var ageYears: Int
  public var supplies: [ExampleSupply]
  public var events: [ExampleEvent]
  public var plans: [ExamplePlan]
  /// Exports the example's run had; all four unless stated.
  public var inputs: [InputKind]
  /// For triggering examples: the severity expected, safeguarding included.
  public var expectSeverity: Severity?

  enum CodingKeys: String, CodingKey {
    case note
    case asOf = "as_of"
    case ageYears = "age_years"
    case supplies, events, plans, inputs
    case expectSeverity = "expect_severity"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    note = try c.decode(String.self, forKey: .note)
    asOf = try c.decode(CalendarDate.self, forKey: .asOf)
    ageYears = try c.decodeIfPresent(Int.self, forKey: .ageYears) ?? 8
    supplies = try c.decodeIfPresent([ExampleSupply].self, forKey: .supplies) ?? []
    events = try c.decodeIfPresent([ExampleEvent].self, forKey: .events) ?? []
    plans = try c.decodeIfPresent([ExamplePlan].self, forKey: .plans) ?? []
    inputs = try c.decodeIfPresent([InputKind].self, forKey: .inputs) ?? InputKind.allCases
    expectSeverity = try c.decodeIfPresent(Severity.self, forKey: .expectSeverity)
  }

  /// How an example supply reached the family.
  public enum Route: String, Decodable, Sendable {
    /// Issued by the GP and dispensed the same day against that prescription.
    case dispensed
    /// Issued by the GP, never dispensed.
    case issuedOnly = "issued_only"
    /// Supplied by a pharmacy with no GP issue (see `supply_type`).
    case pharmacyOnly = "pharmacy_only"
    /// Supplied by a pharmacy, then issued by the GP `issued_days_later` days after.
    case beforePrescription = "before_prescription"
  }

  public struct ExampleSupply: Decodable, Sendable {
    public var date: CalendarDate
    public var role: MedicineRole
    public var devices: Int
    public var route: Route
    public var supplyType: SupplyType
    public var pharmacy: String
    public var issuedDaysLater: Int
    /// For a preventer that is not an inhaled steroid (montelukast).
    public var containsICS: Bool?
    /// A formulary class to take the product from, instead of the first class of `role`.
    public var classID: String?

    enum CodingKeys: String, CodingKey {
      case date, role, devices, route, pharmacy
      case classID = "class"
      case supplyType = "supply_type"
      case issuedDaysLater = "issued_days_later"
      case containsICS = "contains_ics"
    }

    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      date = try c.decode(CalendarDate.self, forKey: .date)
      role = try c.decode(MedicineRole.self, forKey: .role)
      devices = try c.decodeIfPresent(Int.self, forKey: .devices) ?? 1
      route = try c.decodeIfPresent(Route.self, forKey: .route) ?? .dispensed
      supplyType = try c.decodeIfPresent(SupplyType.self, forKey: .supplyType) ?? .nhsPrescription
      pharmacy = try c.decodeIfPresent(String.self, forKey: .pharmacy) ?? "FA001"
      issuedDaysLater = try c.decodeIfPresent(Int.self, forKey: .issuedDaysLater) ?? 7
      containsICS = try c.decodeIfPresent(Bool.self, forKey: .containsICS)
      classID = try c.decodeIfPresent(String.self, forKey: .classID)
    }
  }

  public struct ExampleEvent: Decodable, Sendable {
    public var date: CalendarDate
    public var type: CareEventType
    public var nextReviewDue: CalendarDate?

    enum CodingKeys: String, CodingKey {
      case date, type
      case nextReviewDue = "next_review_due"
    }
  }

  public struct ExamplePlan: Decodable, Sendable {
    public var type: PlanType
    public var start: CalendarDate
    public var end: CalendarDate?
  }

  /// An NHS number for worked examples (valid check digit, from the range NHS England
  /// reserves for testing: 999 000 0000 upwards).
  public static let exampleNHSNumber = NHSNumber("9990000018")!

  /// The example as a child's record. `product` gives the formulary's product for a role,
  /// so examples count devices and coverage exactly as real supplies do.
  public func record(product: (MedicineRole, String?) -> ProductClassification) -> ChildRecord {
    let nhs = Self.exampleNHSNumber
    let birth = asOf.adding(months: -(ageYears * 12 + 6))
    var supplies: [Supply] = []
    var line = 2
    func make(_ side: SupplySide, _ item: ExampleSupply, date: CalendarDate, id: String?, type: SupplyType?) -> Supply {
      var classification = product(item.role, item.classID)
      if let containsICS = item.containsICS { classification.containsICS = containsICS }
      defer { line += 1 }
      return Supply(
        side: side, nhsNumber: nhs, dateOfBirth: birth, date: date,
        siteCode: side == .gpIssue ? "P00001" : item.pharmacy, productKey: classification.classID,
        drugName: item.role.rawValue, product: classification, quantity: Double(item.devices), quantityUnit: .device,
        devices: item.devices, prescriptionID: id, supplyType: type, issueType: side == .gpIssue ? "acute" : nil,
        source: SourceRef(file: side == .gpIssue ? 0 : 1, line: line))
    }
    for (index, item) in self.supplies.enumerated() {
      let id = "EX\(index)"
      switch item.route {
      case .dispensed:
        supplies.append(make(.gpIssue, item, date: item.date, id: id, type: nil))
        supplies.append(make(.dispensing, item, date: item.date, id: id, type: .nhsPrescription))
      case .issuedOnly:
        supplies.append(make(.gpIssue, item, date: item.date, id: id, type: nil))
      case .pharmacyOnly:
        supplies.append(make(.dispensing, item, date: item.date, id: nil, type: item.supplyType))
      case .beforePrescription:
        supplies.append(make(.dispensing, item, date: item.date, id: nil, type: .nhsPrescription))
        supplies.append(make(.gpIssue, item, date: item.date.adding(days: item.issuedDaysLater), id: nil, type: nil))
      }
    }
    let events = self.events.enumerated().map { index, event in
      CareEvent(nhsNumber: nhs, date: event.date, type: event.type, snomedCode: nil, nextReviewDue: event.nextReviewDue, source: SourceRef(file: 2, line: index + 2))
    }
    let plans = self.plans.enumerated().map { index, plan in
      SafeguardingPlan(nhsNumber: nhs, type: plan.type, category: nil, start: plan.start, end: plan.end, localAuthority: nil, source: SourceRef(file: 3, line: index + 2))
    }
    return ChildRecord(nhsNumber: nhs, dateOfBirth: birth, supplies: supplies, plans: plans, events: events)
  }
}
