/// The practices and pharmacies of one cohort, with invented codes.
///
/// Codes have the shape of ODS codes (a letter and five digits for a practice, `F` and four
/// characters for a pharmacy) but use the letter `Z`, so they are not mistaken for real sites.
struct Sites: Sendable {
  var practices: [String]
  var pharmacies: [String]
  var localAuthorities: [String]

  /// About one practice per 7,000 patients and one pharmacy per 2,500, at least 3 and 6.
  init(patients: Int, series: Int) {
    practices = (1...max(3, patients / 7_000)).map { "Z\(series)" + Self.digits($0, 4) }
    pharmacies = (1...max(6, patients / 2_500)).map { "FZ\(series)" + Self.digits($0, 2) }
    switch series {
    case 1: localAuthorities = ["Northmoor Borough Council", "Eastbrook City Council"]
    case 8: localAuthorities = ["Birmingham"]
    default: localAuthorities = ["Westvale County Council"]
    }
  }

  /// A pharmacy other than `usual`.
  func otherPharmacy(than usual: String, using generator: inout SeededGenerator) -> String {
    let others = pharmacies.filter { $0 != usual }
    return others.isEmpty ? usual : generator.pick(others)
  }

  static func digits(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
  }
}
