import Foundation

/// The decoded `rules/formulary/formulary.json`: which products play which role, and how a
/// supplied quantity becomes devices or courses.
///
/// Why data and not code: which inhaler is a reliever, how many doses a device holds and how
/// steroid courses are counted are clinical decisions that a medicines team reviews and changes.
/// Every value carries the ids of the sources it rests on; ``Formulary/init(definition:codelists:)``
/// refuses a definition in which a class or a number cites nothing.
public struct FormularyDefinition: Decodable, Sendable {
  /// Changes whenever a classification or a number changes; recorded with every run.
  public var version: String
  public var title: String?
  public var description: [String]?
  /// How BNF codes are built, so that the Swift code holds no code lengths.
  public var bnfCodeStructure: BNFCodeStructure
  /// How a quantity without a unit is read.
  public var quantity: QuantityRules
  /// How oral steroid issues are grouped into courses.
  public var oralSteroidCourses: CourseRules
  /// The spellings of `quantity_unit` that exports and dm+d use, each with the unit it counts as.
  public var quantityUnits: QuantityUnits
  /// Named lists of words (forms, substances) that name patterns refer to by id.
  public var termSets: [TermSet]
  /// Medicine classes in priority order: where lists overlap, the first class that claims a
  /// product wins.
  public var classes: [MedicineClass]
  /// What makes a product no class claims look respiratory, so that it is never counted with
  /// other medicines in silence.
  public var safetyNet: SafetyNet
  /// Which role is kept when a product's code and name disagree.
  public var conflicts: ConflictRules
  /// How the products of a dm+d release are classified.
  public var dmdRelease: DMDReleaseRules
  /// A product table built from a dm+d release (`formulary build`) and pinned here, by its
  /// file name in `formulary/`: its products are added to the codelists' on every run that is
  /// not given a release (`--dmd`).
  public var productTable: String?
  /// Every source cited anywhere in the file.
  public var sources: [Citation]

  /// Decodes `formulary.json`, with the snake_case keys the rules folder uses.
  /// - Parameter fileName: names the file in errors.
  public init(jsonData: Data, fileName: String = "formulary.json") throws {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    do {
      self = try decoder.decode(FormularyDefinition.self, from: jsonData)
    } catch let error as DecodingError {
      throw FormularyError.malformedDefinition(file: fileName, detail: Self.describe(error))
    }
  }

  private static func describe(_ error: DecodingError) -> String {
    // The path as the file spells it: snake_case keys, array indices in brackets.
    func path(_ context: DecodingError.Context) -> String {
      let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\(snakeCase($0.stringValue))" }.joined()
      return path.isEmpty ? "top level" : String(path.dropFirst(path.hasPrefix(".") ? 1 : 0))
    }
    func snakeCase(_ key: String) -> String {
      key.reduce(into: "") { out, character in
        if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
      }
    }
    switch error {
    case .keyNotFound(let key, let context):
      return "missing key '\(snakeCase(key.stringValue))' at \(path(context))"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
      return "\(context.debugDescription) at \(path(context))"
    @unknown default:
      return "\(error)"
    }
  }
}

extension FormularyDefinition {
  /// Every source id the definition cites, anywhere.
  public var citedSourceIDs: Set<String> {
    var cited = Set(bnfCodeStructure.sources + quantity.sources + quantityUnits.sources + oralSteroidCourses.sources)
    cited.formUnion(safetyNet.sources + conflicts.sources + dmdRelease.sources)
    for medicineClass in classes {
      cited.formUnion(medicineClass.sources)
      cited.formUnion(medicineClass.licensedFromAge?.sources ?? [])
      for perDevice in [medicineClass.dosesPerDevice, medicineClass.unitsPerDevice, medicineClass.daysPerDevice].compactMap({ $0 }) {
        cited.formUnion(perDevice.sources)
        for override in perDevice.overrides ?? [] { cited.formUnion(override.sources) }
      }
    }
    for set in termSets { cited.formUnion(set.sources ?? []) }
    return cited
  }

  /// A source: what it says, where to read it. `url` may be absent for a document that has no
  /// stable address (then `note` says where a copy is kept).
  public struct Citation: Decodable, Sendable, Hashable {
    public var id: String
    public var text: String
    public var url: String?
    public var note: String?
  }

  /// The layout of BNF codes (NHSBSA): chapter and section in the first characters, then
  /// paragraph, sub-paragraph, chemical substance, product, and strength/formulation with its
  /// generic equivalent in the last characters of a presentation code.
  public struct BNFCodeStructure: Decodable, Sendable {
    /// Lengths a well-formed BNF code can have, from chapter+section to a full presentation.
    public var validLengths: [Int]
    /// Leading characters that must be digits (chapter and section).
    public var numericPrefixLength: Int
    /// Characters that name the chemical substance.
    public var chemicalSubstanceLength: Int
    /// Length of a full presentation code.
    public var presentationLength: Int
    /// The product characters of a generic presentation.
    public var genericProductCode: String
    /// Trailing characters naming the generic equivalent's strength and formulation.
    public var genericEquivalentLength: Int
    public var sources: [String]
  }

  /// When a quantity without a unit is a count of doses rather than of devices.
  public struct QuantityRules: Decodable, Sendable {
    /// A quantity above this, with no unit, is doses (or tablets) and is divided by the
    /// product's doses (or units) per device.
    public var doseThreshold: Double
    public var sources: [String]
  }

  /// Every spelling of a quantity unit the tool accepts, by the unit it counts as.
  public struct QuantityUnits: Decodable, Sendable {
    public var units: [UnitSpellings]
    /// Endings that make a spelling plural (`doses`, `boxes`).
    public var pluralSuffixes: [String]
    public var note: String?
    public var sources: [String]
  }

  /// One unit and the words that mean it.
  public struct UnitSpellings: Decodable, Sendable {
    public var unit: QuantityUnit
    public var spellings: [String]
    public var note: String?
  }

  /// How oral steroid issues make courses.
  public struct CourseRules: Decodable, Sendable {
    /// Issues of oral steroid within this many days of the previous one are the same course.
    public var courseMergeDays: Int
    public var sources: [String]
  }

  /// What makes a product that no class claims look respiratory (see ``Formulary/identify(dmdCode:bnfCode:name:unit:)``).
  public struct SafetyNet: Decodable, Sendable {
    public var description: String?
    /// BNF code patterns of the asthma sections.
    public var bnfLike: [String]
    /// Names that look respiratory.
    public var names: [NamePattern]
    /// Ontology form-routes of a dm+d release's VMPs that look respiratory.
    public var formRoutes: NamePattern
    /// Quantity unit spellings inhalers and nebules are counted in.
    public var units: [String]
    /// Names that are not respiratory whatever their words or unit say (nasal sprays, creams).
    public var notIfName: [NamePattern]
    public var sources: [String]
  }

  /// How a dm+d release's products become a product table (the rules themselves are each
  /// class's `dmd_rules`).
  public struct DMDReleaseRules: Decodable, Sendable {
    public var description: String?
    /// Which pack a product sold in several sizes takes its doses per device from.
    public var packSize: PackSizeChoice
    public var sources: [String]
  }

  public enum PackSizeChoice: String, Decodable, Sendable {
    case smallest, largest
  }

  /// How a disagreement between a product's code and its name is settled.
  public struct ConflictRules: Decodable, Sendable {
    public var description: String?
    /// Roles, the one to keep first.
    public var precedence: [MedicineRole]
    public var sources: [String]
  }

  /// A named list of words, such as the forms that make a product a nebule.
  public struct TermSet: Decodable, Sendable {
    public var id: String
    public var terms: [String]
    public var sources: [String]?
  }
}
