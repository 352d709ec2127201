import SurveillanceCore

/// One reconciled supply as the store keeps it: what became of it, when, what it was, and
/// the rows on both sides that describe it.
///
/// The full GP issue and dispensing rows stay in the exports; the store keeps what a look-up,
/// a chronology or an analyst's query needs, and the file and line to find the rest.
public struct StoredSupply: Sendable, Equatable {
  public var status: SupplyStatus
  /// When the family received it, or the issue date for an issue alone.
  public var date: CalendarDate
  public var role: MedicineRole
  public var devices: Int
  /// The formulary class, such as `saba_inhaler`.
  public var classID: String
  public var productKey: String
  public var drugName: String
  public var quantity: Double
  public var quantityUnit: QuantityUnit?
  public var supplyType: SupplyType?
  public var prescriptionID: String?
  /// The practice that issued it, when there was a GP issue.
  public var practiceCode: String?
  public var issueDate: CalendarDate?
  public var issueSource: SourceRef?
  /// The pharmacy that dispensed it, when it was dispensed.
  public var pharmacyCode: String?
  public var dispensingSource: SourceRef?
  /// The primary row's whole classification (``role`` and ``classID`` are two of its fields);
  /// `nil` when read from a generation written before the store kept it.
  public var product: ProductClassification?
  /// With a GP issue and a dispensing: the issue's own product and quantity when they differ
  /// from the dispensing's (the fields above); `nil` when they are the same, or one side.
  public var issueItem: SupplyItem?
  /// With a GP issue and a dispensing: the side that alone carried ``prescriptionID``; `nil`
  /// when both carried it, or neither did.
  public var prescriptionIDSide: SupplySide?

  public init(
    status: SupplyStatus, date: CalendarDate, role: MedicineRole, devices: Int, classID: String, productKey: String,
    drugName: String, quantity: Double, quantityUnit: QuantityUnit?, supplyType: SupplyType?, prescriptionID: String?,
    practiceCode: String?, issueDate: CalendarDate?, issueSource: SourceRef?, pharmacyCode: String?, dispensingSource: SourceRef?,
    product: ProductClassification? = nil, issueItem: SupplyItem? = nil, prescriptionIDSide: SupplySide? = nil
  ) {
    self.status = status
    self.date = date
    self.role = role
    self.devices = devices
    self.classID = classID
    self.productKey = productKey
    self.drugName = drugName
    self.quantity = quantity
    self.quantityUnit = quantityUnit
    self.supplyType = supplyType
    self.prescriptionID = prescriptionID
    self.practiceCode = practiceCode
    self.issueDate = issueDate
    self.issueSource = issueSource
    self.pharmacyCode = pharmacyCode
    self.dispensingSource = dispensingSource
    self.product = product
    self.issueItem = issueItem
    self.prescriptionIDSide = prescriptionIDSide
  }

  /// The stored form of a timeline's supply.
  public init(_ event: SupplyEvent) {
    let primary = event.primary
    var issueItem: SupplyItem?
    var prescriptionIDSide: SupplySide?
    if let issue = event.issue, let dispensing = event.dispensing {
      if SupplyItem(issue) != SupplyItem(dispensing) { issueItem = SupplyItem(issue) }
      // Two different ids never match (the reconciler pairs equal ids, or an id with none).
      if issue.prescriptionID != dispensing.prescriptionID {
        prescriptionIDSide = dispensing.prescriptionID == nil ? .gpIssue : issue.prescriptionID == nil ? .dispensing : nil
      }
    }
    self.init(
      status: event.status, date: event.date, role: event.role, devices: event.devices, classID: primary.product.classID,
      productKey: primary.productKey, drugName: primary.drugName, quantity: primary.quantity, quantityUnit: primary.quantityUnit,
      supplyType: event.dispensing?.supplyType, prescriptionID: event.dispensing?.prescriptionID ?? event.issue?.prescriptionID,
      practiceCode: event.issue?.siteCode, issueDate: event.issue?.date, issueSource: event.issue?.source,
      pharmacyCode: event.pharmacyCode, dispensingSource: event.dispensing?.source, product: primary.product, issueItem: issueItem,
      prescriptionIDSide: prescriptionIDSide)
  }

  /// The rows behind this supply, GP issue first (as ``SupplyEvent/sources``).
  public var sources: [SourceRef] { [issueSource, dispensingSource].compactMap { $0 } }
}

/// What one row of a supply handed over: the product as the row named it, how much, and what
/// the formulary made of it.
public struct SupplyItem: Sendable, Equatable {
  public var productKey: String
  public var drugName: String
  public var quantity: Double
  public var quantityUnit: QuantityUnit?
  public var devices: Int
  public var product: ProductClassification

  public init(productKey: String, drugName: String, quantity: Double, quantityUnit: QuantityUnit?, devices: Int, product: ProductClassification) {
    self.productKey = productKey
    self.drugName = drugName
    self.quantity = quantity
    self.quantityUnit = quantityUnit
    self.devices = devices
    self.product = product
  }

  public init(_ row: Supply) {
    self.init(
      productKey: row.productKey, drugName: row.drugName, quantity: row.quantity, quantityUnit: row.quantityUnit, devices: row.devices,
      product: row.product)
  }
}

extension StoredSupply {
  /// The primary row's item; `nil` for a generation that did not keep the classification.
  public var primaryItem: SupplyItem? {
    product.map { SupplyItem(productKey: productKey, drugName: drugName, quantity: quantity, quantityUnit: quantityUnit, devices: devices, product: $0) }
  }
}
