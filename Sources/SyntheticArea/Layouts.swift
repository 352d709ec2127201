import SurveillanceCore

/// How each file lays out a row: the canonical schema, or the words and formats of the system
/// it imitates (the profiles in `rules/inputs/` say how the tool reads them back).
enum Layout {
  // MARK: Canonical

  static func canonical(_ row: IssueRow) -> [String] {
    [row.person.nhsNumber, row.person.dateOfBirth.description, row.person.practiceCode, row.date.description,
     row.omitDMD ? "" : row.product.dmdCode ?? "", row.product.bnfCode ?? "", row.product.name, row.quantity.text,
     row.quantity.unit?.rawValue ?? "", row.issueType, row.person.prescriberCode, row.prescriptionID ?? ""]
  }

  static func canonical(_ row: DispensingRow) -> [String] {
    [row.person.nhsNumber, row.person.dateOfBirth.description, row.pharmacyCode, row.date.description,
     row.omitDMD ? "" : row.product.dmdCode ?? "", row.product.bnfCode ?? "", row.product.name, row.quantity.text,
     row.quantity.unit?.rawValue ?? "", row.prescriptionID ?? "", row.supplyType.rawValue]
  }

  static func canonical(_ row: PlanRow) -> [String] {
    [row.nhsNumber, row.type.rawValue, row.category ?? "", row.start.description, row.end?.description ?? "", row.localAuthority]
  }

  static func canonical(_ row: EventRow) -> [String] {
    [row.nhsNumber, row.date.description, row.type.rawValue, row.snomedCode ?? "", row.nextReviewDue?.description ?? ""]
  }

  // MARK: Real-world

  /// An EMIS-Web-style search export of asthma medication issues: human headers, UK dates,
  /// spaced NHS numbers, the drug by name with its dm+d code about half the time. A search, so
  /// it holds only the medicines it searched for: `nil` for anything else.
  static func emis(_ row: IssueRow, generator: inout SeededGenerator) -> [String]? {
    guard row.product.role != .other else { return nil }
    let withCode = !row.product.classifiesByNameAlone || generator.chance(1, in: 2)
    return [row.person.practiceCode, TestNHSNumbers.spaced(row.person.nhsNumber), ukDate(row.person.dateOfBirth), ukDate(row.date),
            row.product.name, withCode ? row.product.dmdCode ?? "" : "", row.quantity.text, unitWord(row.quantity.unit, product: row.product),
            row.issueType == "repeat" ? "Repeat" : "Acute", row.person.prescriberCode, row.prescriptionID ?? ""]
  }

  /// A community pharmacy PMR dispensing history: everything the branch dispensed, with the
  /// supply route in the system's words and the prescription charge (the `£` that makes the
  /// file Windows-1252).
  static func pmr(_ row: DispensingRow, asOf: CalendarDate) -> [String] {
    let route: String
    let charge: String
    let exempt = row.person.dateOfBirth.wholeYears(to: row.date) < 16 || row.person.dateOfBirth.wholeYears(to: asOf) >= 60
    switch row.supplyType {
    case .nhsPrescription:
      route = row.prescriptionID == nil ? "FP10" : "EPS"
      charge = exempt ? "Exempt" : "£9.90"
    case .emergencySupply:
      route = "Emergency Supply"
      charge = exempt ? "Exempt" : "£9.90"
    case .urgentSupplyNHS111:
      route = "CPCS"
      charge = exempt ? "Exempt" : "£9.90"
    case .privatePrescription:
      route = "Private Rx"
      charge = "£12.50"
    }
    return [row.pharmacyCode, row.person.nhsNumber, ukDate(row.person.dateOfBirth), ukDate(row.date),
            row.omitDMD ? "" : row.product.dmdCode ?? "", row.product.bnfCode ?? "", row.product.name, row.quantity.text,
            row.quantity.unit?.rawValue ?? "", row.prescriptionID ?? "", route, charge]
  }

  /// A local authority's list of plans: the plan type and category in words, UK dates.
  static func localAuthority(_ row: PlanRow) -> [String] {
    let type: String
    switch row.type {
    case .childProtection: type = "Child Protection Plan"
    case .childInNeed: type = "Child in Need"
    case .lookedAfter: type = "Looked After Child"
    case .unbornChildProtection: type = "Unborn Child Protection Plan"
    }
    return [TestNHSNumbers.spaced(row.nhsNumber), type, row.category.map(capitalised) ?? "", ukDate(row.start),
            row.end.map(ukDate) ?? "", row.localAuthority]
  }

  /// Care events as a practice system's report words them.
  static func emis(_ row: EventRow) -> [String] {
    let type: String
    switch row.type {
    case .diagnosis: type = "Diagnosis"
    case .asthmaReview: type = row.snomedCode == CareCodes.followUp ? "Asthma review" : "Asthma annual review"
    case .actionPlanIssued: type = "Asthma action plan issued"
    case .actionPlanReviewed: type = "Action plan reviewed"
    case .inhalerTechniqueCheck: type = "Inhaler technique check"
    case .edAttendance: type = "A&E attendance"
    case .hospitalAdmission: type = "Hospital admission"
    case .outOfHoursTreatment: type = "Out of hours"
    case .wasNotBrought: type = "Was not brought"
    }
    return [TestNHSNumbers.spaced(row.nhsNumber), ukDate(row.date), type, row.snomedCode ?? "", row.nextReviewDue.map(ukDate) ?? ""]
  }

  // MARK: Pieces

  /// `12/05/2017`.
  static func ukDate(_ date: CalendarDate) -> String {
    let (year, month, day) = date.components
    return Sites.digits(day, 2) + "/" + Sites.digits(month, 2) + "/" + String(year)
  }

  /// Units as a GP system prints them ("inhaler", "doses", "tablets").
  private static func unitWord(_ unit: QuantityUnit?, product: Product) -> String {
    switch unit {
    case nil: return ""
    case .device?: return product.role == .spacer ? "device" : "inhaler"
    case .dose?: return "doses"
    case .tablet?: return "tablets"
    case .ml?: return "ml"
    case .unitDose?: return "unit doses"
    case .pack?: return "packs"
    }
  }

  private static func capitalised(_ text: String) -> String {
    guard let first = text.first else { return text }
    return first.uppercased() + text.dropFirst()
  }

  // MARK: Columns the defects touch

  /// Where the NHS number, the row's date, the quantity and the product identifiers sit.
  struct Columns {
    var nhsNumber: Int
    var date: Int
    var quantity: Int?
    var product: [Int]
    var productName: Int?
    var ukDates: Bool
  }

  static func columns(of file: SyntheticFile) -> Columns {
    switch file {
    case .gp: return Columns(nhsNumber: 0, date: 3, quantity: 7, product: [4, 5], productName: 6, ukDates: false)
    case .pharmacy: return Columns(nhsNumber: 0, date: 3, quantity: 7, product: [4, 5], productName: 6, ukDates: false)
    case .safeguarding: return Columns(nhsNumber: 0, date: 3, quantity: nil, product: [], productName: nil, ukDates: false)
    case .careEvents: return Columns(nhsNumber: 0, date: 1, quantity: nil, product: [], productName: nil, ukDates: false)
    case .gpEMIS: return Columns(nhsNumber: 1, date: 3, quantity: 6, product: [5], productName: 4, ukDates: true)
    case .pharmacyPMR: return Columns(nhsNumber: 1, date: 3, quantity: 7, product: [4, 5], productName: 6, ukDates: true)
    case .safeguardingLA: return Columns(nhsNumber: 0, date: 3, quantity: nil, product: [], productName: nil, ukDates: true)
    case .careEventsEMIS: return Columns(nhsNumber: 0, date: 1, quantity: nil, product: [], productName: nil, ukDates: true)
    }
  }
}
