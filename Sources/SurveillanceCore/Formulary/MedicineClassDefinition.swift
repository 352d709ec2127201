extension FormularyDefinition {
  /// One medicine class: a role, the codelists and rules that find its products, and how its
  /// supplies are counted.
  public struct MedicineClass: Decodable, Sendable {
    /// Stable snake_case id, e.g. `saba_inhaler`; what ``ProductClassification/classID`` holds.
    public var id: String
    public var role: MedicineRole
    /// Whether the product delivers an inhaled corticosteroid (for "SABA without ICS").
    public var containsIcs: Bool
    public var description: String?
    /// `devices` (inhalers, packs) or `supplies` (nebules and oral steroids count one per issue).
    public var count: CountMethod
    /// Codelist rows that belong to this class, matched by code.
    public var codelists: [CodelistSource]?
    /// Rules for BNF codes found in no codelist.
    public var bnfRules: [BNFRule]?
    /// Name patterns for products with no known code.
    public var namePatterns: [NamePattern]?
    /// How a dm+d release's VMPs of this class are recognised, by ingredients and form-route.
    public var dmdRules: [DMDRule]?
    public var dosesPerDevice: PerDevice?
    public var unitsPerDevice: PerDevice?
    public var daysPerDevice: PerDevice?
    /// The youngest age the class's products are licensed for, when every product of the
    /// class shares it (the triples and LAMA/LABA combinations: adults only).
    public var licensedFromAge: LicensedAge?
    public var sources: [String]
  }

  /// An age, in whole years, from which products are licensed, with the SmPCs that say so.
  public struct LicensedAge: Decodable, Sendable {
    public var years: Int
    public var note: String?
    public var sources: [String]
  }

  /// How supplies of a class are counted.
  public enum CountMethod: String, Decodable, Sendable {
    /// Quantities become devices (inhalers, or pack-equivalents of tablets).
    case devices
    /// Each supply counts once, whatever its quantity.
    case supplies
  }

  /// A codelist file and which of its rows belong to the class.
  public struct CodelistSource: Decodable, Sendable {
    /// File name inside `rules/codelists/`.
    public var file: String
    /// Header of the column holding the dm+d (SNOMED CT) code.
    public var dmdColumn: String
    /// Header of the column holding the BNF presentation code, if the file has one.
    public var bnfColumn: String?
    /// Header of the column holding the dm+d name, if the file has one.
    public var nameColumn: String?
    /// Only rows whose BNF code matches one of these patterns (see ``BNFRule/bnfLike``).
    public var includeBnf: [String]?
    /// Only rows whose name matches one of these patterns.
    public var includeNames: [NamePattern]?
    /// Never rows whose name matches one of these patterns.
    public var excludeNames: [NamePattern]?
  }

  /// A BNF code rule for codes that no codelist lists.
  public struct BNFRule: Decodable, Sendable {
    /// Code patterns in OpenPrescribing's `LIKE` style: `0302000K0` is a prefix,
    /// `0302000K0%AI` a prefix plus the last characters of a presentation code.
    public var bnfLike: [String]
    /// When present, the product's name must also match (e.g. a nebule form).
    public var name: NamePattern?
    /// Whether the rule applies when the supply has no name at all (only with `name`).
    public var appliesWithoutName: Bool?
    public var note: String?
  }

  /// A test on a product's name: lower-case substring matching on a whitespace-normalised name.
  /// Matches when the name contains any word of `any_of` (if given), a word from each group of
  /// `all_of`, and no word of `none_of`.
  public struct NamePattern: Decodable, Sendable {
    public var anyOf: [TermGroup]?
    public var allOf: [TermGroup]?
    public var noneOf: [TermGroup]?
    public var note: String?
  }

  /// Words in a pattern: one word (`"accuhaler"`), a list of words (`["tablet", "oral"]`), or a
  /// reference to a term set (`{ "set": "nebule_forms" }`).
  public enum TermGroup: Decodable, Sendable {
    case terms([String])
    case set(String)

    private struct Reference: Decodable { var set: String }

    public init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let word = try? container.decode(String.self) {
        self = .terms([word])
      } else if let words = try? container.decode([String].self) {
        self = .terms(words)
      } else {
        self = .set(try container.decode(Reference.self).set)
      }
    }
  }

  /// A dm+d release rule: a VMP whose ingredient substances match `ingredients` and whose
  /// ontology form-route matches `formRoute` belongs to the class. Both are tested with the
  /// name-pattern vocabulary, on the ingredient names joined (`Budesonide + Formoterol
  /// fumarate dihydrate`) and on the form-route descriptions (`powderinhalation.inhalation`).
  public struct DMDRule: Decodable, Sendable {
    public var ingredients: NamePattern
    public var formRoute: NamePattern
    /// When present, the VMP's name (or abbreviated name) must match too: a nebuliser liquid
    /// whose form-route is not spelt as one, say.
    public var name: NamePattern?
    public var note: String?
  }

  /// A per-device number (doses, tablets or days) with overrides for particular products.
  public struct PerDevice: Decodable, Sendable {
    public var `default`: Int
    public var overrides: [PerDeviceOverride]?
    public var sources: [String]
  }

  /// A different per-device number for products whose BNF code or name matches.
  public struct PerDeviceOverride: Decodable, Sendable {
    public var bnfLike: [String]?
    public var names: [NamePattern]?
    public var value: Int
    public var note: String?
    public var sources: [String]
  }
}
