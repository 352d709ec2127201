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

  public init(
    status: SupplyStatus, date: CalendarDate, role: MedicineRole, devices: Int, classID: String, productKey: String,
    drugName: String, quantity: Double, quantityUnit: QuantityUnit?, supplyType: SupplyType?, prescriptionID: String?,
    practiceCode: String?, issueDate: CalendarDate?, issueSource: SourceRef?, pharmacyCode: String?, dispensingSource: SourceRef?
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
  }

  /// The stored form of a timeline's supply.
  public init(_ event: SupplyEvent) {
    let primary = event.primary
    self.init(
      status: event.status, date: event.date, role: event.role, devices: event.devices, classID: primary.product.classID,
      productKey: primary.productKey, drugName: primary.drugName, quantity: primary.quantity, quantityUnit: primary.quantityUnit,
      supplyType: event.dispensing?.supplyType, prescriptionID: event.dispensing?.prescriptionID ?? event.issue?.prescriptionID,
      practiceCode: event.issue?.siteCode, issueDate: event.issue?.date, issueSource: event.issue?.source,
      pharmacyCode: event.pharmacyCode, dispensingSource: event.dispensing?.source)
  }

  /// The rows behind this supply, GP issue first (as ``SupplyEvent/sources``).
  public var sources: [SourceRef] { [issueSource, dispensingSource].compactMap { $0 } }
}
