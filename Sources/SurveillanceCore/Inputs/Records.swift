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

/// One product's classification, held once and shared by the supplies of it.
final class ProductBox: Sendable {
  let classification: ProductClassification
  init(_ classification: ProductClassification) { self.classification = classification }
}

/// One GP issue or one pharmacy dispensing of a product, decoded and validated.
///
/// A value with its fields in one shared, copy-on-write box: a supply is copied many times on
/// its way from a row to a signal (into a child's record, a reconciled pair, sorted lists),
/// and copying the box is one reference count where copying the fields was two hundred bytes
/// and a count for every string.
public struct Supply: Sendable, Hashable {
  /// The fields. Never changed once shared: every setter below copies it first unless this
  /// value holds the only reference.
  private final class Fields: @unchecked Sendable {
    var side: SupplySide
    var nhsNumber: NHSNumber
    var dateOfBirth: CalendarDate?
    var date: CalendarDate
    var siteCode: String
    var productKey: String
    var drugName: String
    var product: ProductBox
    var quantity: Double
    var quantityUnit: QuantityUnit?
    var devices: Int
    var prescriptionID: String?
    var supplyType: SupplyType?
    var issueType: String?
    var source: SourceRef

    init(side: SupplySide, nhsNumber: NHSNumber, dateOfBirth: CalendarDate?, date: CalendarDate, siteCode: String, productKey: String, drugName: String, product: ProductBox, quantity: Double, quantityUnit: QuantityUnit?, devices: Int, prescriptionID: String?, supplyType: SupplyType?, issueType: String?, source: SourceRef) {
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

    func copy() -> Fields {
      Fields(side: side, nhsNumber: nhsNumber, dateOfBirth: dateOfBirth, date: date, siteCode: siteCode, productKey: productKey, drugName: drugName, product: product, quantity: quantity, quantityUnit: quantityUnit, devices: devices, prescriptionID: prescriptionID, supplyType: supplyType, issueType: issueType, source: source)
    }
  }

  private var fields: Fields

  /// Sets one field, first copying the box if another value shares it.
  private mutating func update<Value>(_ field: ReferenceWritableKeyPath<Fields, Value>, to value: Value) {
    if !isKnownUniquelyReferenced(&fields) { fields = fields.copy() }
    fields[keyPath: field] = value
  }

  public var side: SupplySide {
    get { fields.side }
    set { update(\.side, to: newValue) }
  }
  public var nhsNumber: NHSNumber {
    get { fields.nhsNumber }
    set { update(\.nhsNumber, to: newValue) }
  }
  public var dateOfBirth: CalendarDate? {
    get { fields.dateOfBirth }
    set { update(\.dateOfBirth, to: newValue) }
  }
  public var date: CalendarDate {
    get { fields.date }
    set { update(\.date, to: newValue) }
  }
  /// Practice code for a GP issue, pharmacy (ODS) code for a dispensing.
  public var siteCode: String {
    get { fields.siteCode }
    set { update(\.siteCode, to: newValue) }
  }
  /// The code the product was identified by (dm+d, else BNF), or its name when it had none.
  public var productKey: String {
    get { fields.productKey }
    set { update(\.productKey, to: newValue) }
  }
  public var drugName: String {
    get { fields.drugName }
    set { update(\.drugName, to: newValue) }
  }
  public var product: ProductClassification {
    get { fields.product.classification }
    set { update(\.product, to: ProductBox(newValue)) }
  }
  public var quantity: Double {
    get { fields.quantity }
    set { update(\.quantity, to: newValue) }
  }
  public var quantityUnit: QuantityUnit? {
    get { fields.quantityUnit }
    set { update(\.quantityUnit, to: newValue) }
  }
  /// Devices (inhalers, tablet packs) for inhaled and oral preventers and relievers; 1 for
  /// nebules and oral steroids, which are counted as issues and courses.
  public var devices: Int {
    get { fields.devices }
    set { update(\.devices, to: newValue) }
  }
  public var prescriptionID: String? {
    get { fields.prescriptionID }
    set { update(\.prescriptionID, to: newValue) }
  }
  /// For dispensings; `nil` on GP issues.
  public var supplyType: SupplyType? {
    get { fields.supplyType }
    set { update(\.supplyType, to: newValue) }
  }
  /// `acute` or `repeat` on GP issues, as the export wrote it.
  public var issueType: String? {
    get { fields.issueType }
    set { update(\.issueType, to: newValue) }
  }
  public var source: SourceRef {
    get { fields.source }
    set { update(\.source, to: newValue) }
  }

  public init(
    side: SupplySide, nhsNumber: NHSNumber, dateOfBirth: CalendarDate?, date: CalendarDate, siteCode: String,
    productKey: String, drugName: String, product: ProductClassification, quantity: Double,
    quantityUnit: QuantityUnit?, devices: Int, prescriptionID: String?, supplyType: SupplyType?,
    issueType: String?, source: SourceRef
  ) {
    self.init(
      side: side, nhsNumber: nhsNumber, dateOfBirth: dateOfBirth, date: date, siteCode: siteCode, productKey: productKey,
      drugName: drugName, sharing: ProductBox(product), quantity: quantity, quantityUnit: quantityUnit, devices: devices,
      prescriptionID: prescriptionID, supplyType: supplyType, issueType: issueType, source: source)
  }

  /// A supply whose product's classification is held in `product`, shared with every other
  /// supply of the product a decoder has read: the classification is a hundred bytes, and a
  /// supply's own copy of it was a third of the memory an area's supplies fill.
  init(
    side: SupplySide, nhsNumber: NHSNumber, dateOfBirth: CalendarDate?, date: CalendarDate, siteCode: String,
    productKey: String, drugName: String, sharing product: ProductBox, quantity: Double,
    quantityUnit: QuantityUnit?, devices: Int, prescriptionID: String?, supplyType: SupplyType?,
    issueType: String?, source: SourceRef
  ) {
    fields = Fields(side: side, nhsNumber: nhsNumber, dateOfBirth: dateOfBirth, date: date, siteCode: siteCode, productKey: productKey, drugName: drugName, product: product, quantity: quantity, quantityUnit: quantityUnit, devices: devices, prescriptionID: prescriptionID, supplyType: supplyType, issueType: issueType, source: source)
  }

  public static func == (lhs: Supply, rhs: Supply) -> Bool {
    if lhs.fields === rhs.fields { return true }
    return lhs.side == rhs.side
      && lhs.nhsNumber == rhs.nhsNumber
      && lhs.dateOfBirth == rhs.dateOfBirth
      && lhs.date == rhs.date
      && lhs.siteCode == rhs.siteCode
      && lhs.productKey == rhs.productKey
      && lhs.drugName == rhs.drugName
      && lhs.product == rhs.product
      && lhs.quantity == rhs.quantity
      && lhs.quantityUnit == rhs.quantityUnit
      && lhs.devices == rhs.devices
      && lhs.prescriptionID == rhs.prescriptionID
      && lhs.supplyType == rhs.supplyType
      && lhs.issueType == rhs.issueType
      && lhs.source == rhs.source
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(side)
    hasher.combine(nhsNumber)
    hasher.combine(dateOfBirth)
    hasher.combine(date)
    hasher.combine(siteCode)
    hasher.combine(productKey)
    hasher.combine(drugName)
    hasher.combine(product)
    hasher.combine(quantity)
    hasher.combine(quantityUnit)
    hasher.combine(devices)
    hasher.combine(prescriptionID)
    hasher.combine(supplyType)
    hasher.combine(issueType)
    hasher.combine(source)
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
  /// A placeholder number (all one digit), which would make different children one.
  case placeholderNHSNumber = "placeholder_nhs_number"
  /// A number from a range reserved for testing, in a run that does not read test data.
  case testRangeNHSNumber = "test_range_nhs_number"
  case invalidDate = "invalid_date"
  case invalidDateOfBirth = "invalid_date_of_birth"
  case dateBeforeBirth = "date_before_birth"
  case invalidQuantity = "invalid_quantity"
  case unknownProduct = "unknown_product"
  case invalidValue = "invalid_value"
  case endBeforeStart = "end_before_start"

  public static func < (lhs: RejectReason, rhs: RejectReason) -> Bool { lhs.rawValue < rhs.rawValue }
}
