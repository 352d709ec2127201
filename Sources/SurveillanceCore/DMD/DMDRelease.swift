/// The parts of an NHSBSA dm+d release that classifying asthma products needs, as read from
/// its XML files: every VMP, AMP, VMPP and AMPP with their links, the ingredient substances
/// and VTMs by id, and the lookup descriptions of form-routes and units of measure.
///
/// Why only these fields: the full release is hundreds of megabytes of prices, flags and
/// reimbursement details; the classification reads a product's ingredients, its ontology
/// form-route (`pressurizedinhalation.inhalation`), its name and its pack quantities.
/// Codes are SNOMED CT concept ids, at most 18 digits, held as `UInt64`.
public struct DMDRelease: Sendable {
  /// What the release says of itself, for the manifest and the product table.
  public struct Info: Sendable, Equatable {
    /// The release's name: the zip's or folder's (`nhsbsa_dmd_4.0.1_20190401000001`), else the
    /// files' suffix.
    public var name: String
    /// The release date, read from the files' names (`f_vmp2_3010419.xml` is 1 April 2019).
    public var date: CalendarDate?

    public init(name: String, date: CalendarDate?) {
      self.name = name
      self.date = date
    }
  }

  public struct VMP: Sendable, Equatable {
    public var id: UInt64
    /// The id this VMP had before it was re-coded (`VPIDPREV`).
    public var previousID: UInt64?
    public var vtmID: UInt64?
    public var name: String
    /// dm+d's abbreviated name (`ABBREVNM`), which some GP systems export.
    public var abbreviatedName: String?
    public var ingredientIDs: [UInt64] = []
    /// Ontology form-route codes (`ONT_DRUG_FORM`), as the lookup file numbers them (`0004`).
    public var formRouteCodes: [String] = []
    public var invalid = false

    public init(id: UInt64, previousID: UInt64? = nil, vtmID: UInt64? = nil, name: String, abbreviatedName: String? = nil) {
      self.id = id
      self.previousID = previousID
      self.vtmID = vtmID
      self.name = name
      self.abbreviatedName = abbreviatedName
    }
  }

  public struct AMP: Sendable, Equatable {
    public var id: UInt64
    public var vmpID: UInt64
    public var name: String
    public var invalid = false

    public init(id: UInt64, vmpID: UInt64, name: String) {
      self.id = id
      self.vmpID = vmpID
      self.name = name
    }
  }

  public struct VMPP: Sendable, Equatable {
    public var id: UInt64
    public var vmpID: UInt64
    public var name: String
    /// The pack quantity (`QTYVAL`) and its unit of measure (`QTY_UOMCD`).
    public var quantity: Double?
    public var unitID: UInt64?
    public var invalid = false

    public init(id: UInt64, vmpID: UInt64, name: String, quantity: Double? = nil, unitID: UInt64? = nil) {
      self.id = id
      self.vmpID = vmpID
      self.name = name
      self.quantity = quantity
      self.unitID = unitID
    }
  }

  public struct AMPP: Sendable, Equatable {
    public var id: UInt64
    public var vmppID: UInt64
    public var ampID: UInt64
    public var name: String
    public var invalid = false

    public init(id: UInt64, vmppID: UInt64, ampID: UInt64, name: String) {
      self.id = id
      self.vmppID = vmppID
      self.ampID = ampID
      self.name = name
    }
  }

  public var info: Info
  public var vmps: [VMP] = []
  public var amps: [AMP] = []
  public var vmpps: [VMPP] = []
  public var ampps: [AMPP] = []
  /// Ingredient substance names by ISID (`f_ingredient2`).
  public var ingredients: [UInt64: String] = [:]
  /// Virtual therapeutic moiety names by VTMID (`f_vtm2`).
  public var vtms: [UInt64: String] = [:]
  /// Ontology form-route descriptions by code (`f_lookup2`, `ONT_FORM_ROUTE`).
  public var formRoutes: [String: String] = [:]
  /// Unit of measure descriptions by code (`f_lookup2`, `UNIT_OF_MEASURE`).
  public var units: [UInt64: String] = [:]
  /// BNF codes by dm+d code, from NHSBSA's BNF SNOMED mapping when one was given.
  public var bnfCodes: [UInt64: String] = [:]

  public init(info: Info) { self.info = info }

  /// The release date from a release file's name: the last six digits of its suffix are the
  /// day, month and two-digit year (`f_vmp2_3010419.xml`, 01/04/19).
  public static func date(fromFileName name: String) -> CalendarDate? {
    let stem = name.split(separator: ".").first.map(String.init) ?? name
    guard let suffix = stem.split(separator: "_").last, suffix.count >= 6, suffix.allSatisfy(\.isNumber) else { return nil }
    let digits = Array(suffix.suffix(6)).compactMap(\.wholeNumberValue)
    let day = digits[0] * 10 + digits[1]
    let month = digits[2] * 10 + digits[3]
    let year = 2000 + digits[4] * 10 + digits[5]
    return CalendarDate(year: year, month: month, day: day)
  }
}
