import SurveillanceCore

/// One product the generator can put on a supply row, with what the shipped formulary says
/// it is.
public struct Product: Sendable, Hashable {
  public var dmdCode: String?
  public var bnfCode: String?
  public var name: String
  public var role: MedicineRole
  /// The formulary class that claims it (`other` for products outside the asthma picture).
  public var classID: String
  /// Doses in one inhaler, or tablets in one pack-equivalent, when the formulary counts
  /// devices: what a quantity written in doses or tablets is divided by.
  public var unitsPerDevice: Int?
  /// Whether the formulary counts this product per supply (nebules, oral steroids) rather than
  /// in devices.
  public var countedPerSupply: Bool
  /// What the product is physically, read once from its name: how its quantity is written.
  var form: ProductForm
  /// Whether a row with the BNF code and name but no dm+d code classifies exactly as the full
  /// row does: only then may a canonical row leave the dm+d code out.
  var classifiesWithoutDMD: Bool
  /// Whether the name alone classifies exactly as the full row does: only then may an
  /// EMIS-style row name the drug without its code.
  var classifiesByNameAlone: Bool
}

/// A product named outside the codelists: a device or a common medicine outside the asthma
/// picture. Codes are real BNF presentation codes; names are dm+d-style descriptions.
struct ListedElsewhere: Sendable {
  var bnfCode: String?
  var name: String
  /// The role the shipped formulary must give it, or the product is left out.
  var expectedRole: MedicineRole
}

/// A product's physical form, which decides how a quantity of it is written.
enum ProductForm: Sendable {
  case inhaler, nebule, liquid, infusion, granules, capsule, tablet, device

  init(name: String, role: MedicineRole) {
    let name = name.lowercased()
    func has(_ words: String...) -> Bool { words.contains { name.contains($0) } }
    if role == .spacer {
      self = .device
    } else if has("nebul", "respule", "vials") {
      self = .nebule
    } else if has("oral solution", "suspension", "liquid") {
      self = .liquid
    } else if has("infusion") {
      self = .infusion
    } else if has("granules") {
      self = .granules
    } else if has("capsule") && !has("inhal") {
      self = .capsule
    } else if has("tablet") {
      self = .tablet
    } else {
      self = .inhaler
    }
  }
}
