/// How a signal stands against the run before: a medicines team reads what changed since last
/// night, not the same list again. A list of tens of thousands of signals repeated nightly is
/// not read (alert fatigue); a worklist of what is new, worse or back is.
public enum SignalStatus: String, Sendable, CaseIterable, Codable {
  /// Did not fire in the run compared against.
  case new
  /// Fired then too, at the same severity.
  case continuing
  /// Fires at a higher severity than in the run before, or than when it was last reviewed.
  case escalated
  /// Fires at a lower severity than in the run before.
  case deEscalated = "de-escalated"
  /// Was reviewed with a date to look again (`review --until`), and that date has passed.
  case reviewLapsed = "review-lapsed"
  /// Was reviewed, and a supply or event dated after the review's evidence is now behind it.
  case newEvidence = "new-evidence"

  /// Whether a signal in this state asks for a look tonight (unless a review still covers it).
  public var asksForALook: Bool {
    switch self {
    case .new, .escalated, .reviewLapsed, .newEvidence: return true
    case .continuing, .deEscalated: return false
    }
  }
}

/// What history keeps of one signal in one run: enough to say, next run, whether it is new,
/// worse or unchanged, and since when it has fired without a break.
public struct SignalSighting: Sendable, Equatable {
  public var ruleID: String
  public var severity: Severity
  /// The as-of date of the first run of the unbroken stretch of runs in which it has fired.
  public var firstSeen: CalendarDate
  /// The latest date among the supplies and events behind it: a later one is new evidence.
  public var evidenceThrough: CalendarDate?

  public init(ruleID: String, severity: Severity, firstSeen: CalendarDate, evidenceThrough: CalendarDate?) {
    self.ruleID = ruleID
    self.severity = severity
    self.firstSeen = firstSeen
    self.evidenceThrough = evidenceThrough
  }
}

/// A clinician's record that they looked at a signal (`review`), with what the signal was then,
/// so that a later run can tell whether anything has changed since.
public struct SignalReview: Sendable, Equatable {
  public var ruleID: String
  /// An outcome id from `rules/reviews.json`.
  public var outcome: String
  /// Whether the outcome let the signal leave the worklist, as the rules said when it was recorded.
  public var leavesWorklist: Bool
  /// ISO 8601, UTC.
  public var reviewedAt: String
  /// The as-of date of the generation the reviewer saw.
  public var generationAsOf: CalendarDate
  /// The signal's stretch: a review covers only the stretch it was made in.
  public var firstSeen: CalendarDate
  public var severity: Severity
  public var evidenceThrough: CalendarDate?
  /// Look again after this date (`--until`); `nil` for no date.
  public var until: CalendarDate?

  public init(
    ruleID: String, outcome: String, leavesWorklist: Bool, reviewedAt: String, generationAsOf: CalendarDate, firstSeen: CalendarDate,
    severity: Severity, evidenceThrough: CalendarDate?, until: CalendarDate?
  ) {
    self.ruleID = ruleID
    self.outcome = outcome
    self.leavesWorklist = leavesWorklist
    self.reviewedAt = reviewedAt
    self.generationAsOf = generationAsOf
    self.firstSeen = firstSeen
    self.severity = severity
    self.evidenceThrough = evidenceThrough
    self.until = until
  }

  /// The day it was recorded.
  public var reviewedOn: CalendarDate? { CalendarDate(iso: reviewedAt.prefix(10)) }
}

/// One signal of tonight's run with its standing: status, stretch, and the review covering it.
public struct SignalStanding: Sendable, Equatable {
  public var status: SignalStatus
  public var firstSeen: CalendarDate
  public var evidenceThrough: CalendarDate?
  /// The severity in the run compared against, when it fired then.
  public var previousSeverity: Severity?
  /// The latest review of this stretch, whether it still covers the signal or has lapsed.
  public var review: SignalReview?
  /// Whether that review still keeps the signal off the worklist.
  public var coveredByReview: Bool

  public init(
    status: SignalStatus, firstSeen: CalendarDate, evidenceThrough: CalendarDate?, previousSeverity: Severity?, review: SignalReview?,
    coveredByReview: Bool
  ) {
    self.status = status
    self.firstSeen = firstSeen
    self.evidenceThrough = evidenceThrough
    self.previousSeverity = previousSeverity
    self.review = review
    self.coveredByReview = coveredByReview
  }

  /// Whether the signal puts its child on tonight's worklist.
  public var isOnWorklist: Bool { status.asksForALook && !coveredByReview }
}

/// The history a run is compared against: the signals of the last run before this one's date,
/// and the latest review of each signal. Pure; the store reads and writes it.
public struct SignalHistory: Sendable {
  /// The as-of date of the run compared against; `nil` when there was none (a first run).
  public var baselineAsOf: CalendarDate?
  public var sightings: [NHSNumber: [SignalSighting]]
  /// The latest review of each child's signals, by rule.
  public var reviews: [NHSNumber: [SignalReview]]
  /// The dates of birth of the children in `sightings`: a child who has turned 18 drops out of
  /// the exports' scope, and this says why their signals stopped.
  public var datesOfBirth: [NHSNumber: CalendarDate]

  public init(
    baselineAsOf: CalendarDate?, sightings: [NHSNumber: [SignalSighting]], reviews: [NHSNumber: [SignalReview]],
    datesOfBirth: [NHSNumber: CalendarDate] = [:]
  ) {
    self.baselineAsOf = baselineAsOf
    self.sightings = sightings
    self.reviews = reviews
    self.datesOfBirth = datesOfBirth
  }

  /// No run before and no reviews: every signal is new.
  public static let empty = SignalHistory(baselineAsOf: nil, sightings: [:], reviews: [:])

  /// How `signal` stands: against the run before, then against the latest review of its stretch.
  /// A review covers the signal until its severity rises above the reviewed one, a supply or
  /// event later than the reviewed evidence is behind it, or its `until` date passes.
  public func standing(of signal: Signal, evidenceThrough: CalendarDate?) -> SignalStanding {
    let before = sightings[signal.nhsNumber]?.first { $0.ruleID == signal.ruleID }
    let firstSeen = before?.firstSeen ?? signal.asOf
    let status: SignalStatus
    switch before?.severity {
    case nil: status = .new
    case let previous? where signal.severity > previous: status = .escalated
    case let previous? where signal.severity < previous: status = .deEscalated
    default: status = .continuing
    }
    let review = reviews[signal.nhsNumber]?.first { $0.ruleID == signal.ruleID && $0.firstSeen == firstSeen }
    let reviewed = Self.apply(review, to: status, severity: signal.severity, evidenceThrough: evidenceThrough, asOf: signal.asOf)
    return SignalStanding(
      status: reviewed.status, firstSeen: firstSeen, evidenceThrough: evidenceThrough, previousSeverity: before?.severity, review: review,
      coveredByReview: reviewed.covered)
  }

  /// A signal's status once its stretch's latest review is taken into account: a review that
  /// lets the signal leave the worklist covers it unless the severity is now above the reviewed
  /// one (escalated), a supply or event later than the reviewed evidence is behind it
  /// (new-evidence), or its `until` date has passed (review-lapsed). Shared by the nightly run
  /// and by `worklist`, which applies reviews recorded since the run.
  public static func apply(
    _ review: SignalReview?, to status: SignalStatus, severity: Severity, evidenceThrough: CalendarDate?, asOf: CalendarDate
  ) -> (status: SignalStatus, covered: Bool) {
    guard let review, review.leavesWorklist else { return (status, false) }
    if severity > review.severity { return (.escalated, false) }
    if let now = evidenceThrough, review.evidenceThrough.map({ now > $0 }) ?? true { return (.newEvidence, false) }
    if let until = review.until, asOf > until { return (.reviewLapsed, false) }
    return (status, true)
  }
}

/// Why a signal of the run before does not fire tonight.
public enum Resolution: Sendable, Equatable {
  /// The child was evaluated and the rule's conditions no longer hold.
  case belowThreshold
  /// The child is no longer in tonight's population.
  case excluded(Exclusion)
  /// No row of tonight's exports names the child.
  case leftExports

  /// The code in `resolved.csv`.
  public var code: String {
    switch self {
    case .belowThreshold: return "below_threshold"
    case .excluded(.adult): return "turned_18"
    case .excluded(let why): return why.rawValue
    case .leftExports: return "left_exports"
    }
  }

  public var words: String {
    switch self {
    case .belowThreshold: return "the child's figures no longer meet the rule's conditions"
    case .excluded(.adult): return "the child has turned 18 and is no longer evaluated"
    case .excluded(.inactive): return "no asthma supply or care event in the activity period any more, so the child is no longer evaluated"
    case .excluded(.noDateOfBirth): return "no row gives a date of birth any more, so whether this is a child cannot be known"
    case .excluded(.notYetBorn): return "the rows now give a date of birth after the run's date"
    case .leftExports: return "no row of tonight's exports names the child"
    }
  }
}

/// A signal of the run before that no longer fires, with why.
public struct ResolvedSignal: Sendable, Equatable {
  public var nhsNumber: NHSNumber
  public var sighting: SignalSighting
  /// The as-of date of the run in which it last fired.
  public var lastSeen: CalendarDate
  public var why: Resolution

  public init(nhsNumber: NHSNumber, sighting: SignalSighting, lastSeen: CalendarDate, why: Resolution) {
    self.nhsNumber = nhsNumber
    self.sighting = sighting
    self.lastSeen = lastSeen
    self.why = why
  }
}

extension ChildTimeline {
  /// The latest date among the supplies and events that `refs` point to: what a review compares
  /// against to tell new evidence from the same rows counted again.
  public func latestDate(among refs: [SourceRef]) -> CalendarDate? {
    guard !refs.isEmpty else { return nil }
    let wanted = Set(refs)
    var latest: CalendarDate?
    for supply in supplies where supply.sources.contains(where: wanted.contains) {
      if latest.map({ supply.date > $0 }) ?? true { latest = supply.date }
    }
    for event in events where wanted.contains(event.source) {
      if latest.map({ event.date > $0 }) ?? true { latest = event.date }
    }
    return latest
  }
}

/// One child's signal history as `patient` and the child report show it: each current signal's
/// stretch and status, and every review recorded (outcome and date; the note stays in the store).
public struct ChildSignalHistory: Sendable, Equatable {
  public var sightings: [String: (status: SignalStatus, sighting: SignalSighting)]
  /// Oldest first.
  public var reviews: [SignalReview]

  public init(sightings: [String: (status: SignalStatus, sighting: SignalSighting)], reviews: [SignalReview]) {
    self.sightings = sightings
    self.reviews = reviews
  }

  public static func == (lhs: ChildSignalHistory, rhs: ChildSignalHistory) -> Bool {
    lhs.reviews == rhs.reviews && lhs.sightings.keys.sorted() == rhs.sightings.keys.sorted()
      && lhs.sightings.allSatisfy { key, value in rhs.sightings[key].map { $0.status == value.status && $0.sighting == value.sighting } ?? false }
  }

  /// The reviews of one rule's signal, oldest first.
  public func reviews(of ruleID: String) -> [SignalReview] { reviews.filter { $0.ruleID == ruleID } }
}
