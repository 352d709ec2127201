/// What the formulary knows about one supplied product: its role, the class that claimed it,
/// and the numbers needed to turn a quantity into devices.
public struct ProductClassification: Sendable, Hashable {
  public var role: MedicineRole
  /// The formulary class id, e.g. `saba_inhaler`; `other` for a valid product outside the
  /// asthma picture.
  public var classID: String
  /// Whether the product delivers an inhaled corticosteroid.
  public var containsICS: Bool
  /// Doses in one inhaler.
  public var dosesPerDevice: Int?
  /// Tablets (or sachets) in one pack-equivalent, for leukotriene receptor antagonists.
  public var unitsPerDevice: Int?
  /// Days one device is meant to last, for preventer coverage.
  public var daysPerDevice: Int?
  /// The youngest age, in whole years, the product is licensed for, when the formulary knows.
  public var minimumAgeYears: Int?
  /// Which of the supply's identifiers decided the classification.
  public var matchedBy: MatchMethod

  public init(
    role: MedicineRole, classID: String, containsICS: Bool, dosesPerDevice: Int? = nil,
    unitsPerDevice: Int? = nil, daysPerDevice: Int? = nil, minimumAgeYears: Int? = nil, matchedBy: MatchMethod
  ) {
    self.minimumAgeYears = minimumAgeYears
    self.role = role
    self.classID = classID
    self.containsICS = containsICS
    self.dosesPerDevice = dosesPerDevice
    self.unitsPerDevice = unitsPerDevice
    self.daysPerDevice = daysPerDevice
    self.matchedBy = matchedBy
  }
}

/// Which identifier classified a product, strongest first: reports show it so that a reviewer
/// can tell a product matched by code from one guessed from its name.
public enum MatchMethod: String, Sendable, Hashable, Codable, CaseIterable {
  case dmdCode = "dmd_code"
  case bnfCode = "bnf_code"
  case name
}
