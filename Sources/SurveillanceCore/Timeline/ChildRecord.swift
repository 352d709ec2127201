/// Everything the run holds about one child: supplies from both sides, safeguarding plans
/// and care events, before reconciliation.
public struct ChildRecord: Sendable {
  public var nhsNumber: NHSNumber
  /// The date of birth the supply rows agree on; `nil` if none gave one.
  public var dateOfBirth: CalendarDate?
  /// Dates of birth that disagree with ``dateOfBirth`` (a data quality note, not an error).
  public var conflictingDatesOfBirth: [CalendarDate] = []
  public var supplies: [Supply] = []
  public var plans: [SafeguardingPlan] = []
  public var events: [CareEvent] = []

  public init(nhsNumber: NHSNumber, dateOfBirth: CalendarDate? = nil, supplies: [Supply] = [], plans: [SafeguardingPlan] = [], events: [CareEvent] = []) {
    self.nhsNumber = nhsNumber
    self.dateOfBirth = dateOfBirth
    self.supplies = supplies
    self.plans = plans
    self.events = events
  }
}

/// Collects decoded rows for a whole area into one record per child, counting each supply
/// once when exports overlap.
public struct AreaRecords: Sendable {
  public private(set) var children: [NHSNumber: ChildRecord] = [:]
  /// Plans and events for patients with no supply row: joined when records are finished.
  private var plans: [NHSNumber: [SafeguardingPlan]] = [:]
  private var events: [NHSNumber: [CareEvent]] = [:]

  public init() {}

  public mutating func add(_ supply: Supply) {
    children[supply.nhsNumber, default: ChildRecord(nhsNumber: supply.nhsNumber)].supplies.append(supply)
  }

  public mutating func add(_ plan: SafeguardingPlan) { plans[plan.nhsNumber, default: []].append(plan) }
  public mutating func add(_ event: CareEvent) { events[event.nhsNumber, default: []].append(event) }

  /// Drops everything held for patients whose NHS numbers are `cutoff` or above: a first read
  /// that holds more than it may lets go of its highest children, to read them again later.
  public mutating func removeAll(from cutoff: UInt64) {
    children = children.filter { $0.key.value < cutoff }
    plans = plans.filter { $0.key.value < cutoff }
    events = events.filter { $0.key.value < cutoff }
  }

  /// Folds another partial collection (from a parallel reader) into this one.
  public mutating func merge(_ other: AreaRecords) {
    for (nhs, record) in other.children {
      children[nhs, default: ChildRecord(nhsNumber: nhs)].supplies.append(contentsOf: record.supplies)
    }
    for (nhs, list) in other.plans { plans[nhs, default: []].append(contentsOf: list) }
    for (nhs, list) in other.events { events[nhs, default: []].append(contentsOf: list) }
  }

  /// The finished records, in NHS number order, with duplicates removed and dates of birth
  /// settled. Also returns how many duplicate rows each input file contributed.
  ///
  /// Duplicates: rows on one side with the same prescription id for the same product are one
  /// supply, wherever they are. Other rows identical in every field that identifies a supply
  /// count once across files, as many times as the file that holds the most of them (two
  /// identical inhalers on one day in one export are two supplies; the same export loaded
  /// twice is not four).
  public func finished() -> (records: [ChildRecord], duplicatesByFile: [Int: Int]) {
    var duplicatesByFile: [Int: Int] = [:]
    var records: [ChildRecord] = []
    for nhs in patients {
      let (record, duplicates) = finishedRecord(for: nhs)
      records.append(record)
      duplicatesByFile.merge(duplicates, uniquingKeysWith: +)
    }
    return (records, duplicatesByFile)
  }

  /// Everyone who will have a record, in NHS number order. A safeguarding plan alone does not
  /// put a child in the asthma population: the local authority's file lists every child with
  /// a plan.
  public var patients: [NHSNumber] { Self.patients(in: [self]) }

  /// `patients` of the records of several files taken together (see ``finishedRecord(for:in:)``).
  public static func patients(in parts: [AreaRecords]) -> [NHSNumber] {
    var everyone = Set<NHSNumber>()
    for part in parts {
      everyone.formUnion(part.children.keys)
      everyone.formUnion(part.events.keys)
    }
    return everyone.sorted()
  }

  /// One patient's finished record, and the duplicate rows each file contributed to it. Each
  /// patient's is independent of the others', so a caller may finish them on several cores.
  public func finishedRecord(for nhs: NHSNumber) -> (record: ChildRecord, duplicatesByFile: [Int: Int]) {
    Self.finishedRecord(for: nhs, in: [self])
  }

  /// The patient's finished record from the records of several files, in file order: what
  /// merging them and then finishing would give, without the merge, which would be one core's
  /// work for every child while the patients' gathering can be spread over all of them.
  public static func finishedRecord(for nhs: NHSNumber, in parts: [AreaRecords]) -> (record: ChildRecord, duplicatesByFile: [Int: Int]) {
    var record = ChildRecord(nhsNumber: nhs)
    var plans: [SafeguardingPlan] = []
    var events: [CareEvent] = []
    for part in parts {
      if let child = part.children[nhs] { record.supplies += child.supplies }
      if let list = part.plans[nhs] { plans += list }
      if let list = part.events[nhs] { events += list }
    }
    var duplicatesByFile: [Int: Int] = [:]
    record.supplies = Self.deduplicated(record.supplies, counting: &duplicatesByFile)
    record.plans = Self.deduplicated(plans, identity: { [$0.type.rawValue, $0.start.description, $0.end?.description ?? ""] }, source: \.source, counting: &duplicatesByFile)
    record.events = Self.deduplicated(events, identity: { [$0.type.rawValue, $0.date.description, $0.snomedCode ?? "", $0.nextReviewDue?.description ?? ""] }, source: \.source, counting: &duplicatesByFile)
    // Each date of birth given, with how many rows gave it: counted by sorting, as a child's
    // rows are few and hashing each one cost more than the rest of finishing the record.
    let given = record.supplies.compactMap(\.dateOfBirth).sorted()
    var births: [(date: CalendarDate, rows: Int)] = []
    for date in given {
      if births.last?.date == date { births[births.count - 1].rows += 1 } else { births.append((date, 1)) }
    }
    // The most frequent date of birth wins; ties go to the earliest, deterministically.
    let ranked = births.sorted { ($0.rows, $1.date) > ($1.rows, $0.date) }
    record.dateOfBirth = ranked.first?.date
    record.conflictingDatesOfBirth = ranked.dropFirst().map(\.date).sorted()
    return (record, duplicatesByFile)
  }

  private static func deduplicated(_ supplies: [Supply], counting duplicates: inout [Int: Int]) -> [Supply] {
    let supplies = withoutRepeatedPrescriptions(supplies, counting: &duplicates)
    // Most children have no two rows that are one supply, and then the rows in source order
    // are the answer the general path would give, without hashing every row's text.
    guard hasRepeatedSupply(supplies) else { return inSourceOrder(supplies) }
    return deduplicated(supplies, identity: \.identity, source: \.source, counting: &duplicates)
  }

  /// `supplies` with each prescription item once: rows on the same side that carry the same
  /// prescription id for the same product are one supply, within one export as across
  /// exports (an extract appended to a running file, a re-sent dispensing claim). The first
  /// row by file and line is kept; the others are counted as duplicates of their file. Rows
  /// without a prescription id are left to the identity rule, which keeps two identical
  /// inhalers on one day in one export as two supplies.
  private static func withoutRepeatedPrescriptions(_ supplies: [Supply], counting duplicates: inout [Int: Int]) -> [Supply] {
    // Most children repeat no prescription id: a sorted list of hashes of side and id shows
    // it at the cost of one hash a row, before any text is compared.
    var hashes: [Int] = []
    for supply in supplies {
      guard let id = supply.prescriptionID else { continue }
      var hasher = Hasher()
      hasher.combine(supply.side == .gpIssue)
      hasher.combine(id)
      hashes.append(hasher.finalize())
    }
    guard hashes.count > 1 else { return supplies }
    hashes.sort()
    guard hashes.indices.dropFirst().contains(where: { hashes[$0] == hashes[$0 - 1] }) else { return supplies }
    let withID = supplies.indices.filter { supplies[$0].prescriptionID != nil }
    func key(_ index: Int) -> (Int, String, String) {
      let supply = supplies[index]
      return (supply.side == .gpIssue ? 0 : 1, supply.prescriptionID!, supply.productKey)
    }
    let ordered = withID.sorted {
      let (left, right) = (key($0), key($1))
      return left != right ? left < right : supplies[$0].source < supplies[$1].source
    }
    var repeated: [Int] = []
    for position in ordered.indices.dropFirst() where key(ordered[position]) == key(ordered[position - 1]) {
      repeated.append(ordered[position])
    }
    guard !repeated.isEmpty else { return supplies }
    for index in repeated { duplicates[Int(supplies[index].source.file), default: 0] += 1 }
    let dropped = Set(repeated)
    return supplies.indices.filter { !dropped.contains($0) }.map { supplies[$0] }
  }

  /// Whether two of `supplies` have the same identity. Two rows can only be one supply if they
  /// share a side and a date, so only rows that do (after sorting by them) are compared.
  private static func hasRepeatedSupply(_ supplies: [Supply]) -> Bool {
    let byDay = supplies.indices.map { (key: Int(supplies[$0].date.dayNumber) * 2 + (supplies[$0].side == .gpIssue ? 0 : 1), index: $0) }
      .sorted { $0.key < $1.key }
    var dayStart = 0
    // A day's rows are compared pairwise while they are few; a day with many (one child's
    // thousands of rows) is checked through a set, so the cost stays linear in its rows.
    var seen = Set<Supply.Identity>()
    for end in byDay.indices.dropFirst() {
      if byDay[end].key != byDay[dayStart].key {
        dayStart = end
        seen.removeAll(keepingCapacity: true)
        continue
      }
      let identity = supplies[byDay[end].index].identity
      if end - dayStart < Self.pairwiseDayLimit {
        if byDay[dayStart..<end].contains(where: { supplies[$0.index].identity == identity }) { return true }
      } else {
        if seen.isEmpty { seen.formUnion(byDay[dayStart..<end].map { supplies[$0.index].identity }) }
        if !seen.insert(identity).inserted { return true }
      }
    }
    return false
  }

  /// Rows of one side and day up to which comparing each with the others costs less than hashing.
  static let pairwiseDayLimit = 16

  /// `supplies` by file and line: as they are when read in order (usually), without a copy.
  private static func inSourceOrder(_ supplies: [Supply]) -> [Supply] {
    for index in supplies.indices.dropFirst() where supplies[index].source < supplies[index - 1].source {
      return supplies.sorted { $0.source < $1.source }
    }
    return supplies
  }

  private static func deduplicated<T, Key: Hashable>(
    _ items: [T], identity: (T) -> Key, source: (T) -> SourceRef, counting duplicates: inout [Int: Int]
  ) -> [T] {
    let sorted = items.sorted { source($0) < source($1) }
    var groups: [Key: [T]] = [:]
    var order: [Key] = []
    for item in sorted {
      let key = identity(item)
      if groups[key] == nil { order.append(key) }
      groups[key, default: []].append(item)
    }
    var kept: [T] = []
    for key in order {
      let group = groups[key]!
      let byFile = Dictionary(grouping: group) { source($0).file }
      // Keep the copies from the file that holds most of them (the earliest file on a tie).
      let (keepFile, keep) = byFile.max { a, b in (a.value.count, -Int(a.key)) < (b.value.count, -Int(b.key)) }!
      kept.append(contentsOf: keep)
      // Every copy kept is from `keepFile`, every copy from another file is not.
      for item in group where source(item).file != keepFile {
        duplicates[Int(source(item).file), default: 0] += 1
      }
    }
    return kept
  }
}
