/// The unit of a supplied quantity, as exports write it (`quantity_unit`).
public enum QuantityUnit: String, Sendable, Hashable, CaseIterable {
  case device, dose, tablet, ml
  case unitDose = "unit dose"
  case pack

  /// Reads a unit case-insensitively, singular or plural, with a few spellings exports use
  /// (`inhaler` is a device; `doses`, `tablets`, `unit doses`, `packs`). `nil` when unknown.
  public static func parse(_ text: String) -> QuantityUnit? {
    if let exact = QuantityUnit(rawValue: text) { return exact }  // the usual case, before any copying
    let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "-" || $0 == "\t" })
    var key = words.joined(separator: " ")
    if let exact = QuantityUnit(rawValue: key) { return exact }
    if let synonym = synonyms[key] { return synonym }
    if key.hasSuffix("s") {
      key.removeLast()
      if let singular = QuantityUnit(rawValue: key) { return singular }
      if let synonym = synonyms[key] { return synonym }
    }
    return nil
  }

  /// Other names for the units. Spelling, not clinical data.
  private static let synonyms: [String: QuantityUnit] = [
    "inhaler": .device, "devices": .device, "doses": .dose, "actuation": .dose, "puff": .dose,
    "tab": .tablet, "millilitre": .ml, "milliliter": .ml, "unitdose": .unitDose,
  ]
}
