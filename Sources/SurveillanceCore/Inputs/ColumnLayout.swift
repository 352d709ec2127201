/// Where each canonical field sits in one file, found by matching its header against the
/// profiles of its kind.
public struct ColumnLayout: Sendable {
  public let profile: InputProfile
  /// The header row as read.
  public let header: [String]
  private let positions: [Int]

  /// The column index of `field`, or `nil` when the file does not have it.
  @inline(__always)
  public func index(of field: CanonicalField) -> Int? {
    let position = positions[Self.ordinal(field)]
    return position < 0 ? nil : position
  }

  private static func ordinal(_ field: CanonicalField) -> Int { field.ordinal }

  init(profile: InputProfile, header: [String], matches: [CanonicalField: Int]) {
    self.profile = profile
    self.header = header
    var positions = [Int](repeating: -1, count: CanonicalField.allCases.count)
    for (field, index) in matches { positions[Self.ordinal(field)] = index }
    self.positions = positions
  }

  /// The layout for `header`: the named profile, or else the profile of `kind` that matches
  /// it best. Throws, naming the missing columns, when no profile can read the file.
  public static func detect(
    header: [String], kind: InputKind, profiles: [InputProfile], named profileID: String? = nil, file: String
  ) throws(InputError) -> ColumnLayout {
    let candidates = profiles.filter { $0.kind == kind && (profileID == nil || $0.id == profileID) }
    if let profileID, candidates.isEmpty {
      throw .unknownProfile(file: file, profile: profileID, known: profiles.filter { $0.kind == kind }.map(\.id))
    }
    if header.contains(where: { $0.utf8.contains(0) }) { throw .notText(file: file) }
    let normalised = header.map(InputProfile.normalisedHeader)
    var best: (profile: InputProfile, missing: [String], matches: [CanonicalField: Int])?
    for profile in candidates {
      var matches: [CanonicalField: Int] = [:]
      for (field, names) in profile.columns {
        let wanted = Set(names.map(InputProfile.normalisedHeader))
        if let index = normalised.firstIndex(where: wanted.contains) { matches[field] = index }
      }
      // Name each missing column by its canonical name and the header this layout expects.
      func described(_ field: CanonicalField) -> String {
        let header = profile.columns[field]?.first ?? field.rawValue
        return header == field.rawValue ? field.rawValue : "\(field.rawValue) ('\(header)')"
      }
      var missing = kind.neededFields.filter { matches[$0] == nil }.map(described)
      for group in kind.neededOneOf where !group.contains(where: { matches[$0] != nil }) {
        missing.append(group.filter { profile.columns[$0] != nil }.map(described).joined(separator: " or "))
      }
      if missing.isEmpty {
        // Prefer the profile that recognises more of the file.
        if best == nil || !best!.missing.isEmpty || matches.count > best!.matches.count {
          best = (profile, missing, matches)
        }
      } else if best == nil || (!best!.missing.isEmpty && missing.count < best!.missing.count) {
        best = (profile, missing, matches)
      }
    }
    guard let best else { throw .noProfile(file: file, kind: kind) }
    guard best.missing.isEmpty else {
      if let separator = otherSeparator(in: header) { throw .notCommaSeparated(file: file, separator: separator) }
      if looksLikeData(header) { throw .headerless(file: file) }
      let found = best.matches.keys.sorted { $0.rawValue < $1.rawValue }.map(\.rawValue)
      throw .missingColumns(file: file, kind: kind, closestProfile: best.profile.id, missing: best.missing, columnCount: header.count, found: found)
    }
    // Two columns answering to one field (an export joined with itself, "NHS Number" twice)
    // would make every row ambiguous: which one is the child?
    for (field, index) in best.matches.sorted(by: { $0.value < $1.value }) {
      let wanted = Set((best.profile.columns[field] ?? []).map(InputProfile.normalisedHeader))
      let columns = normalised.indices.filter { wanted.contains(normalised[$0]) }
      if columns.count > 1 {
        throw .duplicateColumn(file: file, field: field.rawValue, header: header[index], columns: columns.map { $0 + 1 })
      }
    }
    return ColumnLayout(profile: best.profile, header: header, matches: best.matches)
  }

  /// Separators spreadsheets write in place of commas, by the name a user knows them by.
  private static let otherSeparators: [(byte: UInt8, name: String)] = [(0x3B, "semicolons"), (0x09, "tabs"), (0x7C, "vertical bars (|)")]

  /// The name of the separator a one-column header is divided by instead of commas (Excel
  /// writes semicolons where the decimal mark is a comma; database tools write tabs).
  private static func otherSeparator(in header: [String]) -> String? {
    guard header.count == 1, let only = header.first else { return nil }
    return otherSeparators.first { separator in only.utf8.count { $0 == separator.byte } >= 2 }?.name
  }

  /// A first row holding an NHS number or a date is data: the header is missing.
  private static func looksLikeData(_ row: [String]) -> Bool {
    row.contains { field in
      if case .success = NHSNumber.parse(field) { return true }
      return DateFormat.allCases.contains { $0.parse(field) != nil }
    }
  }
}

/// Why an input file cannot be read at all. Row-level problems are rejected rows instead.
public enum InputError: Error, CustomStringConvertible, Equatable {
  /// The file has no bytes, or no header row.
  case emptyFile(file: String)
  /// The header lacks columns every profile of this kind needs.
  /// `found` names the columns this layout expects that the header has (the layout's own
  /// names, never the file's cells: a "header" may be a row of patient data).
  case missingColumns(file: String, kind: InputKind, closestProfile: String, missing: [String], columnCount: Int, found: [String])
  /// `--profile` named a profile that `rules/inputs/` does not have.
  case unknownProfile(file: String, profile: String, known: [String])
  /// `rules/inputs/` has no profile for this kind of export.
  case noProfile(file: String, kind: InputKind)
  /// The header row has data rows but nothing that looks like a header (all numbers).
  case headerless(file: String)
  /// The first line holds NUL bytes: UTF-16 without a byte-order mark, a spreadsheet, an archive.
  case notText(file: String)
  /// The first row has a field far longer than any header name: not a header.
  case notAHeader(file: String, longestFieldBytes: Int)
  /// More than one column answers to one field the tool reads.
  case duplicateColumn(file: String, field: String, header: String, columns: [Int])
  /// The header is one column divided by another separator (semicolons, tabs).
  case notCommaSeparated(file: String, separator: String)
  /// The first line is not the header but a later one is: a report's title or run details
  /// written above the table.
  case headerBelowFirstLine(file: String, line: Int)

  public var description: String {
    switch self {
    case .emptyFile(let file):
      return "\(file): the file is empty; an export must have a header row"
    case let .missingColumns(file, kind, closest, missing, columnCount, found):
      let recognised = found.isEmpty ? "none of the columns it expects" : "of the columns it expects only \(found.joined(separator: ", "))"
      return "\(file): not a \(kind.rawValue) export this tool knows: missing column(s) \(missing.joined(separator: ", ")) (closest layout: rules/inputs/\(closest).json); the first row has \(columnCount) column(s), and \(recognised). Add the file's header names to a profile in rules/inputs/, or name one with --gp-profile/--pharmacy-profile"
    case let .unknownProfile(file, profile, known):
      return "\(file): no input profile '\(profile)'; known: \(known.joined(separator: ", "))"
    case let .noProfile(file, kind):
      return "\(file): rules/inputs has no profile for \(kind.rawValue)"
    case .notText(let file):
      return "\(file): the file is not CSV text (its first line holds NUL bytes); it may be UTF-16, a spreadsheet (.xlsx) or compressed; save it as CSV (UTF-8) and run again"
    case let .duplicateColumn(file, field, header, columns):
      return "\(file): the header has '\(header)' (\(field)) in more than one column (columns \(columns.map(String.init).joined(separator: ", "))); the tool cannot tell which to read"
    case let .notAHeader(file, bytes):
      return "\(file): the first row is not a header: one of its fields is \(bytes) bytes long, where a column name is a few words; exports must start with a header row"
    case let .notCommaSeparated(file, separator):
      return "\(file): the columns are separated by \(separator), not commas; this tool reads comma-separated CSV: export or save the file as CSV (comma delimited) and run again"
    case let .headerBelowFirstLine(file, line):
      return "\(file): the first line is not the header, but line \(line) is: the \(line - 1) line(s) above it (a report's title or run details?) are not part of the table; export the file without them, or remove them, and run again"
    case .headerless(let file):
      return "\(file): the first row looks like data, not a header; exports must start with a header row"
    }
  }
}
