import SurveillanceCore

/// One patient as the exports see them.
struct Person: Sendable {
  /// Ten digits from the NHS test range.
  var nhsNumber: String
  var dateOfBirth: CalendarDate
  var practiceCode: String
  var prescriberCode: String
  /// Where the patient usually collects prescriptions.
  var pharmacyCode: String
}

/// A supplied quantity as an export writes it: `200` with or without `dose`, `1 device`, `28`.
struct Quantity: Sendable {
  var text: String
  var unit: QuantityUnit?
}

/// A GP prescription issue, before it is laid out in any export's columns.
struct IssueRow: Sendable {
  var person: Person
  var date: CalendarDate
  var product: Product
  var quantity: Quantity
  var issueType: String
  var prescriptionID: String?
  /// Leave the dm+d code out (only for products that classify the same without it).
  var omitDMD: Bool
}

/// A pharmacy dispensing.
struct DispensingRow: Sendable {
  var person: Person
  var pharmacyCode: String
  var date: CalendarDate
  var product: Product
  var quantity: Quantity
  var prescriptionID: String?
  var supplyType: SupplyType
  var omitDMD: Bool
}

/// A safeguarding plan.
struct PlanRow: Sendable {
  var nhsNumber: String
  var type: PlanType
  var category: String?
  var start: CalendarDate
  var end: CalendarDate?
  var localAuthority: String
}

/// An asthma care event.
struct EventRow: Sendable {
  var nhsNumber: String
  var date: CalendarDate
  var type: CareEventType
  var snomedCode: String?
  var nextReviewDue: CalendarDate?
}

/// Everything planted for one patient.
struct PatientRows: Sendable {
  var issues: [IssueRow] = []
  var dispensings: [DispensingRow] = []
  var plans: [PlanRow] = []
  var events: [EventRow] = []

  /// Rows in date order, as a practice system lists a patient's history.
  mutating func sortByDate() {
    issues = Self.stable(issues) { $0.date }
    dispensings = Self.stable(dispensings) { $0.date }
    events = Self.stable(events) { $0.date }
  }

  private static func stable<T>(_ items: [T], by key: (T) -> CalendarDate) -> [T] {
    items.enumerated().sorted { (key($0.element), $0.offset) < (key($1.element), $1.offset) }.map(\.element)
  }
}
