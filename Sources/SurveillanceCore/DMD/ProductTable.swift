/// The asthma products of a dm+d release, classified: what `formulary build` writes for a
/// medicines team to review and pin under `rules/`, and what a run adds to the codelists.
///
/// One row per dm+d code (VMP, AMP, VMPP, AMPP, and the old code of a re-coded VMP) whose
/// class is an asthma class or `unclassified`; products outside the asthma picture are
/// counted, not listed. Rows are ordered by VMP name, then level, then code, so that the
/// table of one week's release diffs cleanly against the last.
public struct ProductTable: Sendable, Equatable {
  public enum Level: String, Sendable, CaseIterable, Comparable {
    case vmp
    /// The id a VMP had before it was re-coded (`VPIDPREV`), still found in older records.
    case previousVMP = "vmp_previous"
    case amp, vmpp, ampp

    public static func < (lhs: Level, rhs: Level) -> Bool {
      allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
  }

  public struct Row: Sendable, Equatable {
    public var code: String
    public var level: Level
    public var name: String
    /// The VMP the product belongs to (its own code for a VMP).
    public var vmpCode: String
    public var bnfCode: String?
    public var classID: String
    public var role: MedicineRole
    /// The pack's quantity in ``packUnit`` (doses, tablets, sachets...); the smallest of
    /// several for a VMP or AMP sold in more than one size.
    public var packSize: Int?
    public var packUnit: String?
    /// The class the codelists give this code, when it differs: the codelists' class is used.
    public var codelistClass: String?
    /// Why the product has its class, in words a reviewer can check.
    public var reason: String

    public init(
      code: String, level: Level, name: String, vmpCode: String, bnfCode: String?, classID: String, role: MedicineRole,
      packSize: Int?, packUnit: String?, codelistClass: String?, reason: String
    ) {
      self.code = code
      self.level = level
      self.name = name
      self.vmpCode = vmpCode
      self.bnfCode = bnfCode
      self.classID = classID
      self.role = role
      self.packSize = packSize
      self.packUnit = packUnit
      self.codelistClass = codelistClass
      self.reason = reason
    }
  }

  public var release: DMDRelease.Info
  /// Every product of the release (VMPs, AMPs, VMPPs and AMPPs), listed or not.
  public var productsRead: Int
  public var rows: [Row]
  /// The release's codes for products outside the asthma picture. Known only when the table
  /// was built from a release in this run; a pinned table does not carry them.
  public var otherCodes: Set<UInt64> = []

  public init(release: DMDRelease.Info, productsRead: Int, rows: [Row], otherCodes: Set<UInt64> = []) {
    self.release = release
    self.productsRead = productsRead
    // Each product beside its VMP, VMPs by name: one product family reads together.
    var vmpNames: [String: String] = [:]
    for row in rows where row.level == .vmp { vmpNames[row.vmpCode] = row.name.lowercased() }
    func key(_ row: Row) -> (String, String, Level, String) { (vmpNames[row.vmpCode] ?? row.name.lowercased(), row.vmpCode, row.level, row.code) }
    self.rows = rows.sorted { key($0) < key($1) }
    self.otherCodes = otherCodes
  }

  // MARK: As a CSV file

  /// The CSV columns, in order.
  public static let columns = [
    "code", "level", "name", "vmp_code", "bnf_code", "class", "role", "pack_size", "pack_unit", "codelist_class", "reason",
  ]

  /// The lines before the header: what the table was built from, as `# key: value`.
  public var metadata: [(String, String)] {
    [
      ("release", release.name), ("release_date", release.date?.description ?? "unknown"), ("products_read", String(productsRead)),
      ("products_listed", String(rows.count)),
    ]
  }

  /// The table as `formulary build` writes it: `#` lines saying what it was built from, then
  /// the CSV.
  public var csv: String {
    var text = "# asthma-surveillance product table: asthma products of a dm+d release and their classes\n"
    for (key, value) in metadata { text += "# \(key): \(value)\n" }
    var csv = CSVOutput(header: Self.columns)
    for row in rows {
      csv.append([
        row.code, row.level.rawValue, row.name, row.vmpCode, row.bnfCode ?? "", row.classID, row.role.rawValue,
        row.packSize.map(String.init) ?? "", row.packUnit ?? "", row.codelistClass ?? "", row.reason,
      ])
    }
    return text + csv.text
  }

  /// A table read back from its file: the `# key: value` lines and the CSV records, header first.
  /// - Throws: ``ProductTableError`` naming the line that is wrong.
  public init(metadata: [String: String], records: [[String]]) throws(ProductTableError) {
    guard let header = records.first, header == Self.columns else {
      throw .badHeader(expected: Self.columns.joined(separator: ","))
    }
    var rows: [Row] = []
    for (offset, cells) in records.dropFirst().enumerated() {
      let line = offset + 2
      guard cells.count == Self.columns.count else { throw .badRow(line: line, detail: "\(cells.count) cells, expected \(Self.columns.count)") }
      guard let level = Level(rawValue: cells[1]) else { throw .badRow(line: line, detail: "level '\(cells[1])'") }
      guard let role = MedicineRole(rawValue: cells[6]) else { throw .badRow(line: line, detail: "role '\(cells[6])'") }
      guard UInt64(cells[0]) != nil, !cells[5].isEmpty else { throw .badRow(line: line, detail: "a code and a class are needed") }
      let pack = cells[7].isEmpty ? nil : Int(cells[7])
      if !cells[7].isEmpty, pack == nil || pack! <= 0 { throw .badRow(line: line, detail: "pack_size '\(cells[7])'") }
      rows.append(
        Row(
          code: cells[0], level: level, name: cells[2], vmpCode: cells[3], bnfCode: cells[4].isEmpty ? nil : cells[4], classID: cells[5],
          role: role, packSize: pack, packUnit: cells[8].isEmpty ? nil : cells[8], codelistClass: cells[9].isEmpty ? nil : cells[9],
          reason: cells[10]))
    }
    let date = metadata["release_date"].flatMap(CalendarDate.init(iso:))
    self.init(
      release: DMDRelease.Info(name: metadata["release"] ?? "unknown", date: date),
      productsRead: metadata["products_read"].flatMap { Int($0) } ?? 0, rows: rows)
  }

  // MARK: What changed between two tables

  public struct Change: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case added, removed, changed }
    public var kind: Kind
    public var code: String
    public var level: Level
    public var name: String
    /// For a change: each field that differs, as `field: old -> new`.
    public var differences: [String]
  }

  /// What `new` adds, removes and changes against `old`, in `new`'s order (removals last):
  /// the review a medicines team does when a weekly release arrives.
  public static func changes(from old: ProductTable, to new: ProductTable) -> [Change] {
    let before = Dictionary(old.rows.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    let after = Set(new.rows.map(\.code))
    var changes: [Change] = []
    for row in new.rows {
      guard let previous = before[row.code] else {
        changes.append(Change(kind: .added, code: row.code, level: row.level, name: row.name, differences: ["\(row.classID) (\(row.role.rawValue))"]))
        continue
      }
      var differences: [String] = []
      func compare(_ field: String, _ a: String?, _ b: String?) {
        if a != b { differences.append("\(field): \(a ?? "-") -> \(b ?? "-")") }
      }
      compare("level", previous.level.rawValue, row.level.rawValue)
      compare("vmp_code", previous.vmpCode, row.vmpCode)
      compare("class", previous.classID, row.classID)
      compare("role", previous.role.rawValue, row.role.rawValue)
      compare("pack", previous.packSize.map { "\($0) \(previous.packUnit ?? "")" }, row.packSize.map { "\($0) \(row.packUnit ?? "")" })
      compare("name", previous.name, row.name)
      compare("bnf_code", previous.bnfCode, row.bnfCode)
      if !differences.isEmpty { changes.append(Change(kind: .changed, code: row.code, level: row.level, name: row.name, differences: differences)) }
    }
    for row in old.rows where !after.contains(row.code) {
      changes.append(Change(kind: .removed, code: row.code, level: row.level, name: row.name, differences: ["\(row.classID) (\(row.role.rawValue))"]))
    }
    return changes
  }
}

/// A product table file that cannot be used.
public enum ProductTableError: Error, CustomStringConvertible, Equatable {
  case badHeader(expected: String)
  case badRow(line: Int, detail: String)
  case unknownClass(code: String, classID: String)

  public var description: String {
    switch self {
    case .badHeader(let expected): "not a product table: the header must be \(expected)"
    case .badRow(let line, let detail): "record \(line): \(detail)"
    case .unknownClass(let code, let classID): "code \(code) has class '\(classID)', which the formulary does not define"
    }
  }
}
