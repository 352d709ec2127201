/// Where a fact came from: which input file and which line, so that every signal can point
/// back to the rows behind it.
public struct SourceRef: Hashable, Comparable, Sendable {
  /// Index into the run's list of input files.
  public var file: Int32
  /// 1-based physical line on which the row starts.
  public var line: Int32

  public init(file: Int, line: Int) {
    self.file = Int32(file)
    self.line = Int32(line)
  }

  public static func < (lhs: SourceRef, rhs: SourceRef) -> Bool { (lhs.file, lhs.line) < (rhs.file, rhs.line) }
}

/// Which side of a supply a row describes.
public enum SupplySide: String, Sendable, Codable {
  /// A GP prescription issue.
  case gpIssue = "gp_issue"
  /// A pharmacy dispensing.
  case dispensing
}

/// How a pharmacy supply was authorised (DOMAIN.md section 2, `supply_type`).
public enum SupplyType: String, Sendable, Codable, CaseIterable {
  case nhsPrescription = "nhs_prescription"
  /// Emergency supply at the request of a patient (Human Medicines Regulations 2012 reg 225).
  case emergencySupply = "emergency_supply"
  /// Urgent supply through NHS 111 (community pharmacist consultation service).
  case urgentSupplyNHS111 = "urgent_supply_nhs111"
  /// A private prescription.
  case privatePrescription = "private"

  /// Whether the supply was made without any prescription.
  public var isWithoutPrescription: Bool { self == .emergencySupply || self == .urgentSupplyNHS111 }
}

/// One GP issue or one pharmacy dispensing of a product, decoded and validated.
public struct Supply: Sendable, Hashable {
  public var side: SupplySide
  public var nhsNumber: NHSNumber
  public var dateOfBirth: CalendarDate?
  public var date: CalendarDate
  /// Practice code for a GP issue, pharmacy (ODS) code for a dispensing.
  public var siteCode: String
  /// The code the product was identified by (dm+d, else BNF), or its name when it had none.
  public var productKey: String
  public var drugName: String
  public var product: ProductClassification
  public var quantity: Double
  public var quantityUnit: QuantityUnit?
  /// Devices (inhalers, tablet packs) for inhaled and oral preventers and relievers; 1 for
  /// nebules and oral steroids, which are counted as issues and courses.
  public var devices: Int
  public var prescriptionID: String?
  /// For dispensings; `nil` on GP issues.
  public var supplyType: SupplyType?
  /// `acute` or `repeat` on GP issues, as the export wrote it.
  public var issueType: String?
  public var source: SourceRef

  public init(
    side: SupplySide, nhsNumber: NHSNumber, dateOfBirth: CalendarDate?, date: CalendarDate, siteCode: String,
    productKey: String, drugName: String, product: ProductClassification, quantity: Double,
    quantityUnit: QuantityUnit?, devices: Int, prescriptionID: String?, supplyType: SupplyType?,
    issueType: String?, source: SourceRef
  ) {
    self.side = side
    self.nhsNumber = nhsNumber
    self.dateOfBirth = dateOfBirth
    self.date = date
    self.siteCode = siteCode
    self.productKey = productKey
    self.drugName = drugName
    self.product = product
    self.quantity = quantity
    self.quantityUnit = quantityUnit
    self.devices = devices
    self.prescriptionID = prescriptionID
    self.supplyType = supplyType
    self.issueType = issueType
    self.source = source
  }

  public var role: MedicineRole { product.role }

  /// What makes two rows the same supply, whichever file they came from.
  public struct Identity: Hashable, Sendable {
    var side: SupplySide
    var nhsNumber: NHSNumber
    var date: CalendarDate
    var siteCode: String
    var productKey: String
    var quantity: Double
    var prescriptionID: String?
    var supplyType: SupplyType?
  }

  public var identity: Identity {
    Identity(
      side: side, nhsNumber: nhsNumber, date: date, siteCode: siteCode, productKey: productKey,
      quantity: quantity, prescriptionID: prescriptionID, supplyType: supplyType)
  }
}

/// A safeguarding plan type (DOMAIN.md section 2). CP-IS, the national system, shares CPP,
/// LAC and unborn CPP only; CIN plans come from the local authority.
public enum PlanType: String, Sendable, Codable, CaseIterable, Comparable {
  case childProtection = "CPP"
  case childInNeed = "CIN"
  case lookedAfter = "LAC"
  case unbornChildProtection = "CPP_UNBORN"

  public static func < (lhs: PlanType, rhs: PlanType) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}

/// One safeguarding plan for one child.
public struct SafeguardingPlan: Sendable, Hashable {
  public var nhsNumber: NHSNumber
  public var type: PlanType
  public var category: String?
  public var start: CalendarDate
  /// `nil` while the plan is active.
  public var end: CalendarDate?
  public var localAuthority: String?
  public var source: SourceRef

  public init(nhsNumber: NHSNumber, type: PlanType, category: String?, start: CalendarDate, end: CalendarDate?, localAuthority: String?, source: SourceRef) {
    self.nhsNumber = nhsNumber
    self.type = type
    self.category = category
    self.start = start
    self.end = end
    self.localAuthority = localAuthority
    self.source = source
  }
}

/// An asthma care event type (DOMAIN.md section 2).
public enum CareEventType: String, Sendable, Codable, CaseIterable {
  case diagnosis
  case asthmaReview = "asthma_review"
  case actionPlanIssued = "paap_issued"
  case actionPlanReviewed = "paap_reviewed"
  case inhalerTechniqueCheck = "inhaler_technique_check"
  case edAttendance = "ed_attendance"
  case hospitalAdmission = "hospital_admission"
  case outOfHoursTreatment = "ooh_treatment"
  case wasNotBrought = "was_not_brought"
}

/// One asthma care event for one child.
public struct CareEvent: Sendable, Hashable {
  public var nhsNumber: NHSNumber
  public var date: CalendarDate
  public var type: CareEventType
  public var snomedCode: String?
  /// For action plans and reviews: when the next review is due.
  public var nextReviewDue: CalendarDate?
  public var source: SourceRef

  public init(nhsNumber: NHSNumber, date: CalendarDate, type: CareEventType, snomedCode: String?, nextReviewDue: CalendarDate?, source: SourceRef) {
    self.nhsNumber = nhsNumber
    self.date = date
    self.type = type
    self.snomedCode = snomedCode
    self.nextReviewDue = nextReviewDue
    self.source = source
  }
}

/// A row the tool could not use, kept whole with the reason, so that nothing is dropped
/// without a trace.
public struct RejectedRow: Sendable, Hashable {
  public var source: SourceRef
  public var reason: RejectReason
  /// The offending value or a short explanation.
  public var detail: String
  /// The row's fields exactly as read.
  public var fields: [String]

  public init(source: SourceRef, reason: RejectReason, detail: String, fields: [String]) {
    self.source = source
    self.reason = reason
    self.detail = detail
    self.fields = fields
  }
}

/// Why a row was rejected: stable codes for `rejects.csv` and the manifest.
public enum RejectReason: String, Sendable, Codable, CaseIterable, Comparable {
  case wrongFieldCount = "wrong_field_count"
  case fieldTooLong = "field_too_long"
  case containsNUL = "contains_nul_byte"
  case repeatedHeader = "repeated_header"
  case invalidNHSNumber = "invalid_nhs_number"
  case invalidDate = "invalid_date"
  case invalidDateOfBirth = "invalid_date_of_birth"
  case dateBeforeBirth = "date_before_birth"
  case invalidQuantity = "invalid_quantity"
  case unknownProduct = "unknown_product"
  case invalidValue = "invalid_value"
  case endBeforeStart = "end_before_start"

  public static func < (lhs: RejectReason, rhs: RejectReason) -> Bool { lhs.rawValue < rhs.rawValue }
}
