/// The four exports the tool reads.
public enum InputKind: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
  /// GP prescribing: one row per issue.
  case gpPrescriptions = "gp_prescriptions"
  /// Pharmacy dispensing: one row per supply.
  case pharmacyDispensing = "pharmacy_dispensing"
  /// Safeguarding status: one row per plan.
  case safeguarding
  /// Asthma care events: reviews, action plans, attendances, missed appointments.
  case careEvents = "care_events"

  /// By case, not by name (a string-backed enum hashes its string by default): a run's set
  /// of input kinds is asked about many times for every child.
  public func hash(into hasher: inout Hasher) {
    switch self {
    case .gpPrescriptions: hasher.combine(0)
    case .pharmacyDispensing: hasher.combine(1)
    case .safeguarding: hasher.combine(2)
    case .careEvents: hasher.combine(3)
    }
  }

  /// The canonical fields the decoder cannot work without (DOMAIN.md section 2, in bold).
  /// A profile that cannot supply them is a broken rules file, not a broken export.
  public var neededFields: [CanonicalField] {
    switch self {
    case .gpPrescriptions: return [.nhsNumber, .issueDate, .quantity]
    case .pharmacyDispensing: return [.nhsNumber, .pharmacyCode, .dispensedDate, .quantity]
    case .safeguarding: return [.nhsNumber, .planType, .startDate]
    case .careEvents: return [.nhsNumber, .eventDate, .eventType]
    }
  }

  /// Groups of which at least one field must be present: a product needs a code or a name.
  public var neededOneOf: [[CanonicalField]] {
    switch self {
    case .gpPrescriptions, .pharmacyDispensing: return [[.dmdCode, .bnfCode, .drugName]]
    case .safeguarding, .careEvents: return []
    }
  }
}

/// A column of the canonical schemas (DOMAIN.md section 2).
public enum CanonicalField: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
  case nhsNumber = "nhs_number"
  case dateOfBirth = "date_of_birth"
  case practiceCode = "practice_code"
  case issueDate = "issue_date"
  case dmdCode = "dmd_code"
  case bnfCode = "bnf_code"
  case drugName = "drug_name"
  case quantity
  case quantityUnit = "quantity_unit"
  case issueType = "issue_type"
  case prescriberCode = "prescriber_code"
  case prescriptionID = "prescription_id"
  case pharmacyCode = "pharmacy_code"
  case dispensedDate = "dispensed_date"
  case supplyType = "supply_type"
  case planType = "plan_type"
  case category
  case startDate = "start_date"
  case endDate = "end_date"
  case localAuthority = "local_authority"
  case eventDate = "event_date"
  case eventType = "event_type"
  case snomedCode = "snomed_code"
  case nextReviewDue = "next_review_due"

  /// The position in `allCases`: column look-ups run several times per row, and hashing a
  /// string-backed enum hashes its string.
  var ordinal: Int {
    switch self {
    case .nhsNumber: 0
    case .dateOfBirth: 1
    case .practiceCode: 2
    case .issueDate: 3
    case .dmdCode: 4
    case .bnfCode: 5
    case .drugName: 6
    case .quantity: 7
    case .quantityUnit: 8
    case .issueType: 9
    case .prescriberCode: 10
    case .prescriptionID: 11
    case .pharmacyCode: 12
    case .dispensedDate: 13
    case .supplyType: 14
    case .planType: 15
    case .category: 16
    case .startDate: 17
    case .endDate: 18
    case .localAuthority: 19
    case .eventDate: 20
    case .eventType: 21
    case .snomedCode: 22
    case .nextReviewDue: 23
    }
  }
}

/// How one source system lays out one export: a file in `rules/inputs/`.
///
/// Exports differ by system (EMIS Web, SystmOne, pharmacy PMR systems) in header names, date
/// layout and the words used for values; a profile maps them onto the canonical schema so
/// that nothing downstream knows which system wrote the file.
public struct InputProfile: Decodable, Sendable {
  public var id: String
  public var kind: InputKind
  public var title: String
  /// Where the layout comes from (a specification, or "synthetic, in the style of ...").
  public var source: String
  /// Tried in order for every date column.
  public var dateFormats: [DateFormat]
  /// Canonical field to the header names that may carry it (matched ignoring case, spaces,
  /// underscores and punctuation).
  public var columns: [CanonicalField: [String]]
  /// Source words to canonical values, per field (e.g. "Emergency Supply" to `emergency_supply`).
  public var valueMaps: [CanonicalField: [String: String]]

  enum CodingKeys: String, CodingKey {
    case id, kind, title, source
    case dateFormats = "date_formats"
    case columns
    case valueMaps = "value_maps"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    id = try c.decode(String.self, forKey: .id)
    kind = try c.decode(InputKind.self, forKey: .kind)
    title = try c.decode(String.self, forKey: .title)
    source = try c.decode(String.self, forKey: .source)
    dateFormats = try c.decode([DateFormat].self, forKey: .dateFormats)
    columns = try c.decode([CanonicalField: [String]].self, forKey: .columns)
    valueMaps = try c.decodeIfPresent([CanonicalField: [String: String]].self, forKey: .valueMaps) ?? [:]
  }

  /// Problems that make the profile unusable for its kind, in words.
  public var problems: [String] {
    var found: [String] = []
    for field in kind.neededFields where columns[field] == nil {
      found.append("profile '\(id)' has no column for \(field.rawValue), which \(kind.rawValue) needs")
    }
    for group in kind.neededOneOf where !group.contains(where: { columns[$0] != nil }) {
      found.append("profile '\(id)' has none of \(group.map(\.rawValue).joined(separator: ", "))")
    }
    if dateFormats.isEmpty { found.append("profile '\(id)' names no date format") }
    return found
  }

  /// A header name reduced to what identifies it: lower case letters and digits only, so
  /// "NHS Number", "nhs_number" and "NHS No." differ only where they really differ.
  public static func normalisedHeader(_ text: String) -> String {
    var kept = String.UnicodeScalarView()
    for scalar in text.lowercased().unicodeScalars
    where scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
      kept.append(scalar)
    }
    return String(kept)
  }
}
