import SurveillanceCore

/// One file a generation writes, with its name, header, line ending and character encoding.
///
/// Real exports differ in all of these (DOMAIN.md section 2): the canonical files are plain
/// UTF-8 with LF endings; the EMIS-style files start with a UTF-8 byte-order mark; the
/// pharmacy PMR history is Windows-1252 (its charges carry a `£`) with CRLF endings; the local
/// authority list has CRLF endings.
public enum SyntheticFile: String, Sendable, CaseIterable, Comparable {
  case gp
  case pharmacy
  case safeguarding
  case careEvents
  case gpEMIS
  case pharmacyPMR
  case safeguardingLA
  case careEventsEMIS

  /// The file name to write.
  public var fileName: String {
    switch self {
    case .gp: return "gp.csv"
    case .pharmacy: return "pharmacy.csv"
    case .safeguarding: return "safeguarding.csv"
    case .careEvents: return "care-events.csv"
    case .gpEMIS: return "gp-emis.csv"
    case .pharmacyPMR: return "pharmacy-pmr.csv"
    case .safeguardingLA: return "safeguarding-la.csv"
    case .careEventsEMIS: return "care-events-emis.csv"
    }
  }

  /// Whether the file is one of the four in the tool's own schema.
  public var isCanonical: Bool { [.gp, .pharmacy, .safeguarding, .careEvents].contains(self) }

  /// The column headers, as the matching profile in `rules/inputs/` names them.
  public var header: [String] {
    switch self {
    case .gp:
      return ["nhs_number", "date_of_birth", "practice_code", "issue_date", "dmd_code", "bnf_code", "drug_name",
              "quantity", "quantity_unit", "issue_type", "prescriber_code", "prescription_id"]
    case .pharmacy:
      return ["nhs_number", "date_of_birth", "pharmacy_code", "dispensed_date", "dmd_code", "bnf_code", "drug_name",
              "quantity", "quantity_unit", "prescription_id", "supply_type"]
    case .safeguarding:
      return ["nhs_number", "plan_type", "category", "start_date", "end_date", "local_authority"]
    case .careEvents:
      return ["nhs_number", "event_date", "event_type", "snomed_code", "next_review_due"]
    case .gpEMIS:
      return ["Organisation Code", "NHS Number", "Date of Birth", "Issue Date", "Drug", "Drug Code", "Quantity",
              "Units", "Issue Method", "Authorising Clinician", "Issue Number"]
    case .pharmacyPMR:
      // "Prescription Charge" is in no profile: real PMR reports carry columns the tool does not use.
      return ["Branch ODS", "Patient NHS No", "Patient DOB", "Date Dispensed", "dm+d", "BNF", "Product Description",
              "Qty Supplied", "UOM", "EPS Prescription ID", "Supply Route", "Prescription Charge"]
    case .safeguardingLA:
      return ["NHS Number", "Plan Type", "Category of Abuse", "Plan Start Date", "Plan End Date", "Local Authority"]
    case .careEventsEMIS:
      return ["NHS Number", "Date", "Event Type", "Code", "Review Due"]
    }
  }

  /// How lines end.
  public var lineEnding: String {
    switch self {
    case .pharmacyPMR, .safeguardingLA: return "\r\n"
    default: return "\n"
    }
  }

  /// Whether the file starts with a UTF-8 byte-order mark.
  var hasByteOrderMark: Bool { self == .gpEMIS || self == .careEventsEMIS }

  /// Whether the bytes are Windows-1252 rather than UTF-8.
  public var isWindows1252: Bool { self == .pharmacyPMR }

  /// The bytes to write for a chunk of this file's text.
  public func encode(_ text: String) -> [UInt8] {
    isWindows1252 ? Windows1252.encode(text) : Array(text.utf8)
  }

  /// Position in ``allCases``, without building the array (this is on the per-row path).
  var ordinal: Int {
    switch self {
    case .gp: return 0
    case .pharmacy: return 1
    case .safeguarding: return 2
    case .careEvents: return 3
    case .gpEMIS: return 4
    case .pharmacyPMR: return 5
    case .safeguardingLA: return 6
    case .careEventsEMIS: return 7
    }
  }

  public static func < (lhs: SyntheticFile, rhs: SyntheticFile) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// Windows-1252, the code page older Windows systems export in.
enum Windows1252 {
  /// The bytes for `text`; characters the code page lacks become `?`, as Windows does. The
  /// generator writes only ASCII and `£` into such files.
  static func encode(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0..<0x80, 0xA0...0xFF: bytes.append(UInt8(scalar.value))
      case 0x20AC: bytes.append(0x80)  // €
      default: bytes.append(UInt8(ascii: "?"))
      }
    }
    return bytes
  }
}
