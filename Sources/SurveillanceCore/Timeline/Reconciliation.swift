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
  /// A GP issue in a run with no pharmacy data: whether it was dispensed is unknown.
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
    issues: [Supply], dispensings: [Supply], asOf: CalendarDate, hasPharmacyData: Bool, policy: TimelinePolicy
  ) -> [SupplyEvent] {
    let issues = issues.sorted(by: Self.chronological)
    var issueMatched = [Bool](repeating: false, count: issues.count)
    var issueByPrescription: [String: Int] = [:]
    for (index, issue) in issues.enumerated() {
      if let id = issue.prescriptionID, issueByPrescription[id] == nil { issueByPrescription[id] = index }
    }

    // Two passes: prescription ids first, for every dispensing, so that a match by date
    // cannot take an issue that another dispensing's id names; then product and role.
    let dispensings = dispensings.sorted(by: Self.chronological)
    var matchOf = [Int?](repeating: nil, count: dispensings.count)
    for (index, dispensing) in dispensings.enumerated() where (dispensing.supplyType ?? .nhsPrescription) == .nhsPrescription {
      if let id = dispensing.prescriptionID, let issue = issueByPrescription[id] {
        matchOf[index] = issue
        issueMatched[issue] = true
      }
    }
    for (index, dispensing) in dispensings.enumerated() where matchOf[index] == nil && (dispensing.supplyType ?? .nhsPrescription) == .nhsPrescription {
      // Two different prescription ids are two different prescriptions; a missing id on
      // either side (many GP exports carry none) leaves product and date to decide.
      let compatible = { (issue: Supply) in issue.prescriptionID == nil || dispensing.prescriptionID == nil }
      let match = nearestIssue(for: dispensing, in: issues, matched: issueMatched, policy: policy) { compatible($0) && $0.productKey == dispensing.productKey }
        ?? nearestIssue(for: dispensing, in: issues, matched: issueMatched, policy: policy) { compatible($0) && $0.role == dispensing.role }
      if let match {
        matchOf[index] = match
        issueMatched[match] = true
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
      if !hasPharmacyData {
        status = .issued
      } else if issue.date.days(to: asOf) > policy.collectionGraceDays {
        status = .issuedNotDispensed
      } else {
        status = .awaitingCollection
      }
      events.append(SupplyEvent(status: status, date: issue.date, issue: issue))
    }
    return events.sorted { ($0.date, $0.sources.first!) < ($1.date, $1.sources.first!) }
  }

  private static func chronological(_ a: Supply, _ b: Supply) -> Bool { (a.date, a.source) < (b.date, b.source) }

  /// The unmatched issue satisfying `accepts` nearest in date to `dispensing` within the
  /// window; an issue before the dispensing wins a tie.
  private static func nearestIssue(
    for dispensing: Supply, in issues: [Supply], matched: [Bool], policy: TimelinePolicy, accepts: (Supply) -> Bool
  ) -> Int? {
    var best: (index: Int, distance: Int)?
    for (index, issue) in issues.enumerated() where !matched[index] && accepts(issue) {
      let gap = issue.date.days(to: dispensing.date)  // positive: issue came first
      let inWindow = gap >= 0 ? gap <= policy.dispensingAfterIssueDays : -gap <= policy.issueAfterDispensingDays
      guard inWindow else { continue }
      let distance = abs(gap) * 2 + (gap >= 0 ? 0 : 1)
      if best == nil || distance < best!.distance { best = (index, distance) }
    }
    return best?.index
  }
}
