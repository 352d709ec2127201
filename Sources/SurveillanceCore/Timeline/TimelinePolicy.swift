/// How rows become one child's timeline: who counts as a child, how GP issues and pharmacy
/// dispensings are matched, and what is too implausible to use. Decoded from
/// `rules/timeline.json`, where each value cites its source.
public struct TimelinePolicy: Decodable, Sendable {
  public var version: String
  /// A child is under this age on the evaluation date.
  public var childAgeUnderYears: Int
  /// Dates before this year are typing errors, not prescribing history.
  public var earliestPlausibleYear: Int
  /// More devices than this in one supply is a quantity error (a pack count typed as doses).
  public var maxDevicesPerSupply: Int
  /// A field longer than this is not an export value (a runaway quote, a binary blob).
  public var maxFieldBytes: Int
  /// A dispensing up to this many days after a GP issue of the same product can fill it.
  public var dispensingAfterIssueDays: Int
  /// A GP issue up to this many days after a dispensing can be the prescription that followed
  /// a supply made before it.
  public var issueAfterDispensingDays: Int
  /// A GP issue not dispensed within this many days is "issued, not dispensed"; younger
  /// issues are still awaiting collection.
  public var collectionGraceDays: Int
  /// A child is in the asthma population on a date when they had an asthma supply or care
  /// event within this period before it.
  public var activeWithin: Period
  /// Which care events count as what: one definition of an asthma attack for the figures,
  /// the charts, the pharmacist's check and every rule that names the group.
  public var eventGroups: CareEventGroups
  /// The day the run's pharmacy exports begin, when they begin later than its GP exports
  /// (`nightly --pharmacy-from`): a run setting, never in `rules/timeline.json`. A GP issue
  /// before it that no dispensing filled is not judged "not dispensed": whether it was is
  /// unknown, as in a run without pharmacy data.
  public var pharmacyDataFrom: CalendarDate? = nil

  enum CodingKeys: String, CodingKey {
    case version
    case childAgeUnderYears = "child_age_under_years"
    case earliestPlausibleYear = "earliest_plausible_year"
    case maxDevicesPerSupply = "max_devices_per_supply"
    case maxFieldBytes = "max_field_bytes"
    case dispensingAfterIssueDays = "dispensing_after_issue_days"
    case issueAfterDispensingDays = "issue_after_dispensing_days"
    case collectionGraceDays = "collection_grace_days"
    case activeWithin = "active_within"
    case eventGroups = "event_groups"
  }

  public init(
    version: String, childAgeUnderYears: Int, earliestPlausibleYear: Int, maxDevicesPerSupply: Int, maxFieldBytes: Int = 4096,
    dispensingAfterIssueDays: Int, issueAfterDispensingDays: Int, collectionGraceDays: Int, activeWithin: Period,
    eventGroups: CareEventGroups
  ) {
    self.version = version
    self.childAgeUnderYears = childAgeUnderYears
    self.earliestPlausibleYear = earliestPlausibleYear
    self.maxDevicesPerSupply = maxDevicesPerSupply
    self.maxFieldBytes = maxFieldBytes
    self.dispensingAfterIssueDays = dispensingAfterIssueDays
    self.issueAfterDispensingDays = issueAfterDispensingDays
    self.collectionGraceDays = collectionGraceDays
    self.activeWithin = activeWithin
    self.eventGroups = eventGroups
  }
}

extension TimelinePolicy {
  /// This policy for a run whose pharmacy exports begin on `date` (`nil`: with them all along).
  public func withPharmacyData(from date: CalendarDate?) -> TimelinePolicy {
    var policy = self
    policy.pharmacyDataFrom = date
    return policy
  }
}

extension RuleSet {
  /// These rules for a run whose pharmacy exports begin on `date` (`nil`: with them all along).
  public func withPharmacyData(from date: CalendarDate?) -> RuleSet {
    var rules = self
    rules.timeline = timeline.withPharmacyData(from: date)
    return rules
  }
}

/// Care events grouped by what they mean clinically (`event_groups` in `rules/timeline.json`).
public struct CareEventGroups: Decodable, Sendable, Equatable {
  /// Emergency treatment for an asthma attack: counted by `attacks_12m`, drawn as attacks,
  /// and followed up by the rule on attacks without a review.
  public var attack: Set<CareEventType>
  /// Hospital care (A&E or admission), counted by `hospital_attendances`.
  public var hospitalAttendance: Set<CareEventType>

  public init(attack: Set<CareEventType>, hospitalAttendance: Set<CareEventType>) {
    self.attack = attack
    self.hospitalAttendance = hospitalAttendance
  }

  enum CodingKeys: String, CodingKey {
    case attack
    case hospitalAttendance = "hospital_attendance"
  }

  /// The group a rule names in place of a list of event types.
  public func named(_ name: String) -> Set<CareEventType>? {
    switch name {
    case CodingKeys.attack.rawValue: return attack
    case CodingKeys.hospitalAttendance.rawValue: return hospitalAttendance
    default: return nil
    }
  }

  public static let names = [CodingKeys.attack.rawValue, CodingKeys.hospitalAttendance.rawValue]

  /// How a decoder of signal rules is told the groups (`JSONDecoder.userInfo`).
  public static let userInfoKey = CodingUserInfoKey(rawValue: "careEventGroups")!
}
