/// What a supplied quantity counts, as the formulary's unit table reads an export's
/// `quantity_unit`: the six kinds the conversion to devices knows. Which spellings mean which
/// kind (`sachet` and `capsule` count like tablets, `nebule` and `vial` are unit doses) is
/// data, in `rules/formulary/formulary.json` under `quantity_units`.
public enum QuantityUnit: String, Sendable, Hashable, CaseIterable, Codable {
  case device, dose, tablet, ml
  case unitDose = "unit dose"
  case pack
}

/// The unit spellings of the formulary: every dm+d unit of measure that occurs on asthma
/// products, and the other words exports write, each mapped to the ``QuantityUnit`` it counts
/// as.
public struct QuantityUnitTable: Sendable {
  private var bySpelling: [String: QuantityUnit]
  private var pluralSuffixes: [String]
  /// The spellings, for messages about a unit the table does not know.
  public let spellings: [String]

  /// - Throws: ``FormularyError/duplicateUnitSpelling(_:)`` when one spelling is given two
  ///   meanings.
  init(_ definition: FormularyDefinition.QuantityUnits) throws {
    var bySpelling: [String: QuantityUnit] = [:]
    var spellings: [String] = []
    for entry in definition.units {
      for spelling in [entry.unit.rawValue] + entry.spellings {
        let key = Self.normalised(spelling)
        if let known = bySpelling[key], known != entry.unit { throw FormularyError.duplicateUnitSpelling(spelling) }
        if bySpelling[key] == nil { spellings.append(key) }
        bySpelling[key] = entry.unit
      }
    }
    self.bySpelling = bySpelling
    self.spellings = spellings
    pluralSuffixes = definition.pluralSuffixes.sorted { $0.count > $1.count }
  }

  /// Reads a unit case-insensitively, with spaces, underscores or hyphens between words, in
  /// the singular or with one of the table's plural endings. `nil` when unknown.
  public func unit(for text: String) -> QuantityUnit? {
    if let exact = bySpelling[text] { return exact }  // the usual case, before any copying
    let key = Self.normalised(text)
    if let known = bySpelling[key] { return known }
    for suffix in pluralSuffixes where key.hasSuffix(suffix) && key.count > suffix.count {
      if let known = bySpelling[String(key.dropLast(suffix.count))] { return known }
    }
    return nil
  }

  /// Lower case, words separated by one space.
  static func normalised(_ text: String) -> String {
    text.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "-" || $0 == "\t" }).joined(separator: " ")
  }
}
