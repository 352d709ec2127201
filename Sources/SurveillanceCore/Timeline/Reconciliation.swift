/// What became of one supply once GP issues and pharmacy dispensings were matched.
public enum SupplyStatus: String, Sendable, Codable, CaseIterable {
  /// A dispensing that filled a GP issue dated on or before it.
  case dispensed
  /// A dispensing matched to a GP issue dated after it: the pharmacy supplied first.
  case suppliedBeforePrescription = "supplied_before_prescription"
  /// An emergency supply or NHS 111 urgent supply: no prescription at all.
  case emergencySupply = "emergency_supply"
  /// An NHS dispensing with no prescription id and no GP issue it could fill.
  case noPrescriptionFound = "no_prescription_found"
  /// A dispensing whose prescription id is not in the GP exports (another prescriber).
  case prescribedElsewhere = "prescribed_elsewhere"
  /// A dispensing against a private prescription.
  case privatePrescription = "private_prescription"
  /// A GP issue with no dispensing after the collection grace period.
  case issuedNotDispensed = "issued_not_dispensed"
  /// A GP issue still within the collection grace period.
  case awaitingCollection = "awaiting_collection"
  /// A GP issue in a run with no pharmacy data, or dated before the pharmacy data begins
  /// (``TimelinePolicy/pharmacyDataFrom``): whether it was dispensed is unknown.
  case issued

  /// Supplied with no prescription in place at the time (emergency, before prescription, none found).
  public var isWithoutPrescription: Bool {
    self == .emergencySupply || self == .suppliedBeforePrescription || self == .noPrescriptionFound
  }
}

/// One supply in a child's timeline: a matched issue-and-dispensing pair counted once, or an
/// unmatched issue or dispensing.
public struct SupplyEvent: Sendable, Hashable {
  public var status: SupplyStatus
  /// When the family received it (the dispensing date), or the issue date for an issue alone.
  public var date: CalendarDate
  public var issue: Supply?
  public var dispensing: Supply?

  /// The row that describes what was handed over: the dispensing if there was one.
  public var primary: Supply { dispensing ?? issue! }
  // Read through the optionals rather than `primary`, which would copy a whole supply.
  public var role: MedicineRole { dispensing?.role ?? issue!.role }
  public var product: ProductClassification { dispensing?.product ?? issue!.product }
  public var devices: Int { dispensing?.devices ?? issue!.devices }
  public var pharmacyCode: String? { dispensing?.siteCode }
  /// The rows behind this supply, GP issue first.
  public var sources: [SourceRef] { [issue?.source, dispensing?.source].compactMap { $0 } }
}

/// Matches one child's pharmacy dispensings to GP issues.
///
/// Order of matching: the same prescription id (several dispensings may fill one issue);
/// then, for dispensings still unmatched, an unmatched GP issue of the same product, then of
/// the same role, dated within the policy's window around the dispensing (nearest first),
/// provided the two do not carry different prescription ids.
/// Emergency and private supplies are never matched: they had no NHS prescription.
public enum Reconciler {
  public static func reconcile(
    issues: [Supply], dispensings: [Supply], asOf: CalendarDate, hasPharmacyData: Bool, policy: TimelinePolicy,
    matching: Matching = .automatic
  ) -> [SupplyEvent] {
    let issues = Self.inTimelineOrder(issues) { ($0.date, $0.source) }
    var issueMatched = [Bool](repeating: false, count: issues.count)
    var issueByPrescription: [String: Int] = [:]
    for (index, issue) in issues.enumerated() {
      if let id = issue.prescriptionID, issueByPrescription[id] == nil { issueByPrescription[id] = index }
    }

    // Two passes: prescription ids first, for every dispensing, so that a match by date
    // cannot take an issue that another dispensing's id names; then product and role.
    let dispensings = Self.inTimelineOrder(dispensings) { ($0.date, $0.source) }
    var matchOf = [Int?](repeating: nil, count: dispensings.count)
    for (index, dispensing) in dispensings.enumerated() where (dispensing.supplyType ?? .nhsPrescription) == .nhsPrescription {
      if let id = dispensing.prescriptionID, let issue = issueByPrescription[id] {
        matchOf[index] = issue
        issueMatched[issue] = true
      }
    }
    let dated = dispensings.indices.filter { matchOf[$0] == nil && (dispensings[$0].supplyType ?? .nhsPrescription) == .nhsPrescription }
    if matching == .scan || (matching == .automatic && issues.count * dated.count <= Self.scanLimit) {
      for index in dated {
        let dispensing = dispensings[index]
        // Two different prescription ids are two different prescriptions; a missing id on
        // either side (many GP exports carry none) leaves product and date to decide.
        let compatible = { (issue: Int) in dispensing.prescriptionID == nil || issues[issue].prescriptionID == nil }
        let match = nearestIssue(for: dispensing, in: issues, matched: issueMatched, policy: policy) { compatible($0) && issues[$0].productKey == dispensing.productKey }
          ?? nearestIssue(for: dispensing, in: issues, matched: issueMatched, policy: policy) { compatible($0) && issues[$0].role == dispensing.role }
        if let match {
          matchOf[index] = match
          issueMatched[match] = true
        }
      }
    } else {
      // A child with thousands of rows on both sides: the same choices, each found from
      // the issues of the dispensing's product (or role) in date order, in time that grows
      // with the rows rather than with rows times rows.
      var candidates = IssueCandidates(issues: issues)
      for index in dated {
        let dispensing = dispensings[index]
        let match = candidates.nearest(for: dispensing, productKey: true, matched: issueMatched, policy: policy)
          ?? candidates.nearest(for: dispensing, productKey: false, matched: issueMatched, policy: policy)
        if let match {
          matchOf[index] = match
          issueMatched[match] = true
        }
      }
    }

    var events: [SupplyEvent] = []
    for (index, dispensing) in dispensings.enumerated() {
      switch dispensing.supplyType ?? .nhsPrescription {
      case .emergencySupply, .urgentSupplyNHS111:
        events.append(SupplyEvent(status: .emergencySupply, date: dispensing.date, dispensing: dispensing))
      case .privatePrescription:
        events.append(SupplyEvent(status: .privatePrescription, date: dispensing.date, dispensing: dispensing))
      case .nhsPrescription:
        guard let match = matchOf[index] else {
          let status: SupplyStatus = dispensing.prescriptionID == nil ? .noPrescriptionFound : .prescribedElsewhere
          events.append(SupplyEvent(status: status, date: dispensing.date, dispensing: dispensing))
          continue
        }
        let issue = issues[match]
        let status: SupplyStatus = issue.date > dispensing.date ? .suppliedBeforePrescription : .dispensed
        events.append(SupplyEvent(status: status, date: dispensing.date, issue: issue, dispensing: dispensing))
      }
    }

    for (index, issue) in issues.enumerated() where !issueMatched[index] {
      let status: SupplyStatus
      if !hasPharmacyData || policy.pharmacyDataFrom.map({ issue.date < $0 }) ?? false {
        status = .issued
      } else if issue.date.days(to: asOf) > policy.collectionGraceDays {
        status = .issuedNotDispensed
      } else {
        status = .awaitingCollection
      }
      events.append(SupplyEvent(status: status, date: issue.date, issue: issue))
    }
    // The first source of an event is its issue's, else its dispensing's (`sources.first`),
    // read without building the array for every comparison.
    return Self.inTimelineOrder(events) { ($0.date, $0.issue?.source ?? $0.dispensing!.source) }
  }

  /// Where a supply or event falls in a child's timeline: by date, then by its first row, ties
  /// kept in the order they came.
  private struct TimelineOrder: Comparable {
    var date: CalendarDate
    var source: SourceRef
    var position: Int

    static func < (a: TimelineOrder, b: TimelineOrder) -> Bool { (a.date, a.source, a.position) < (b.date, b.source, b.position) }
  }

  /// `items` sorted by `order` (date and first row), ties in the order they came: each item's
  /// key read once and the keys sorted, where handing the items themselves to a comparison
  /// retained and released each one's rows on every comparison (`perf`).
  private static func inTimelineOrder<Item>(_ items: [Item], _ order: (Item) -> (CalendarDate, SourceRef)) -> [Item] {
    var keys: [TimelineOrder] = []
    keys.reserveCapacity(items.count)
    for position in items.indices {
      let (date, source) = order(items[position])
      keys.append(TimelineOrder(date: date, source: source, position: position))
    }
    keys.sort()
    return keys.map { items[$0.position] }
  }

  /// How dispensings without a matching prescription id find their issue. Both give the same
  /// matches (a test holds them to it); they differ only in cost.
  public enum Matching: Sendable {
    /// Scanning every issue for every dispensing while that is cheap (a child's rows are
    /// usually tens), else the indexed search.
    case automatic
    /// Every issue checked for every dispensing: the plain statement of the rule.
    case scan
    /// The issues of each product and role kept in date order and searched.
    case indexed
  }

  /// Issues times dispensings up to which scanning costs less than building the index.
  static let scanLimit = 4096

  /// The unmatched issue (by index) that `accepts` nearest in date to `dispensing` within the
  /// window; an issue before the dispensing wins a tie. The date is tested first, and the
  /// issues are read where they lie, not copied out one by one.
  private static func nearestIssue(
    for dispensing: Supply, in issues: [Supply], matched: [Bool], policy: TimelinePolicy, accepts: (Int) -> Bool
  ) -> Int? {
    var best: (index: Int, distance: Int)?
    let date = dispensing.date
    for index in issues.indices where !matched[index] {
      let gap = issues[index].date.days(to: date)  // positive: issue came first
      let inWindow = gap >= 0 ? gap <= policy.dispensingAfterIssueDays : -gap <= policy.issueAfterDispensingDays
      guard inWindow, accepts(index) else { continue }
      let distance = abs(gap) * 2 + (gap >= 0 ? 0 : 1)
      if best == nil || distance < best!.distance { best = (index, distance) }
    }
    return best?.index
  }
}

/// One child's GP issues grouped by product and by role, each group in date order (the order
/// of `issues`), for finding the unmatched issue nearest a dispensing without scanning them all.
///
/// Each group is kept twice: all its issues, for a dispensing with no prescription id, and
/// only those with no id, for a dispensing whose id named no issue (two different ids are
/// two prescriptions). A matched issue stays in its groups and is stepped over, the steps
/// remembered (a union-find with path compression on each side), so every issue is stepped
/// over a bounded number of times however many dispensings look.
struct IssueCandidates {
  private var byProduct: [String: Group] = [:]
  private var byProductWithoutID: [String: Group] = [:]
  private var byRole: [MedicineRole: Group] = [:]
  private var byRoleWithoutID: [MedicineRole: Group] = [:]

  init(issues: [Supply]) {
    var product: [String: [Int]] = [:]
    var productWithoutID: [String: [Int]] = [:]
    var role: [MedicineRole: [Int]] = [:]
    var roleWithoutID: [MedicineRole: [Int]] = [:]
    for (index, issue) in issues.enumerated() {
      product[issue.productKey, default: []].append(index)
      role[issue.role, default: []].append(index)
      if issue.prescriptionID == nil {
        productWithoutID[issue.productKey, default: []].append(index)
        roleWithoutID[issue.role, default: []].append(index)
      }
    }
    func groups<Key>(_ lists: [Key: [Int]]) -> [Key: Group] { lists.mapValues { Group(members: $0, issues: issues) } }
    byProduct = groups(product)
    byProductWithoutID = groups(productWithoutID)
    byRole = groups(role)
    byRoleWithoutID = groups(roleWithoutID)
  }

  /// The unmatched issue of the dispensing's product (or role) nearest it in date within the
  /// policy's windows, an issue on or before the dispensing's day winning a tie, and the
  /// first in date-and-source order among issues of one day: what the scan chooses.
  mutating func nearest(for dispensing: Supply, productKey: Bool, matched: [Bool], policy: TimelinePolicy) -> Int? {
    let withoutID = dispensing.prescriptionID != nil
    if productKey {
      return withoutID
        ? byProductWithoutID[dispensing.productKey]?.nearest(to: dispensing.date.dayNumber, matched: matched, policy: policy)
        : byProduct[dispensing.productKey]?.nearest(to: dispensing.date.dayNumber, matched: matched, policy: policy)
    }
    return withoutID
      ? byRoleWithoutID[dispensing.role]?.nearest(to: dispensing.date.dayNumber, matched: matched, policy: policy)
      : byRole[dispensing.role]?.nearest(to: dispensing.date.dayNumber, matched: matched, policy: policy)
  }

  /// Issues of one product or role, in date order, with the steps over matched ones.
  struct Group {
    /// Indices into the child's issues.
    let members: [Int]
    let days: [Int32]
    /// `right[p]`: a position at or after `p` such that every member from `p` up to it is
    /// matched (the member count when all are).
    var right: [Int]
    /// `left[p]`: the same towards earlier positions (-1 when all are matched).
    var left: [Int]

    init(members: [Int], issues: [Supply]) {
      self.members = members
      days = members.map { issues[$0].date.dayNumber }
      right = Array(members.indices)
      left = Array(members.indices)
    }

    /// The first unmatched member at or after `position`.
    mutating func firstUnmatched(from position: Int, matched: [Bool]) -> Int {
      var p = position
      while p < members.count, matched[members[p]] {
        let next = right[p] == p ? p + 1 : right[p]
        p = next
      }
      // Compress: everything walked over now points at the answer.
      var q = position
      while q < members.count, q != p {
        let next = right[q] == q ? q + 1 : right[q]
        right[q] = p
        q = next
      }
      return p
    }

    /// The last unmatched member at or before `position`.
    mutating func lastUnmatched(from position: Int, matched: [Bool]) -> Int {
      var p = position
      while p >= 0, matched[members[p]] {
        let next = left[p] == p ? p - 1 : left[p]
        p = next
      }
      var q = position
      while q >= 0, q != p {
        let next = left[q] == q ? q - 1 : left[q]
        left[q] = p
        q = next
      }
      return p
    }

    /// The first position whose day is greater than `day` (or, with `orEqual`, not less).
    func boundary(after day: Int32, orEqual: Bool = false) -> Int {
      var (low, high) = (0, days.count)
      while low < high {
        let middle = (low + high) / 2
        if orEqual ? days[middle] < day : days[middle] <= day { low = middle + 1 } else { high = middle }
      }
      return low
    }

    mutating func nearest(to day: Int32, matched: [Bool], policy: TimelinePolicy) -> Int? {
      let split = boundary(after: day)
      var best: (member: Int, distance: Int)?
      // On or before the day: the latest such day with an unmatched issue, and its first one.
      let before = lastUnmatched(from: split - 1, matched: matched)
      if before >= 0, Int(day - days[before]) <= policy.dispensingAfterIssueDays {
        let first = firstUnmatched(from: boundary(after: days[before], orEqual: true), matched: matched)
        best = (members[first], Int(day - days[before]) * 2)
      }
      // After it: the earliest unmatched issue, which is the first of its day.
      let after = firstUnmatched(from: split, matched: matched)
      if after < members.count, Int(days[after] - day) <= policy.issueAfterDispensingDays {
        let distance = Int(days[after] - day) * 2 + 1
        if best == nil || distance < best!.distance { best = (members[after], distance) }
      }
      return best?.member
    }
  }
}
