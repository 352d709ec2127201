import SurveillanceCore
import SurveillanceStore

/// `review`: records that a clinician looked at one of a child's signals, with an outcome from
/// `rules/reviews.json`, and audits it like a look-up. The next nightly run reads the review:
/// an outcome that leaves the worklist keeps the signal off it until something changes.
public struct ReviewJob: Sendable {
  public var storePath: String
  /// The NHS number as typed, spaces allowed.
  public var nhsNumberText: String
  public var ruleID: String
  public var outcome: String
  public var until: CalendarDate?
  public var note: String?
  public var user: String
  public var reason: String
  public var policy: ReviewPolicy
  public var pseudonymiser: Pseudonymiser
  /// Now, ISO 8601 in UTC.
  public var time: String

  public init(
    storePath: String, nhsNumberText: String, ruleID: String, outcome: String, until: CalendarDate?, note: String?, user: String,
    reason: String, policy: ReviewPolicy, pseudonymiser: Pseudonymiser, time: String
  ) {
    self.storePath = storePath
    self.nhsNumberText = nhsNumberText
    self.ruleID = ruleID
    self.outcome = outcome
    self.until = until
    self.note = note
    self.user = user
    self.reason = reason
    self.policy = policy
    self.pseudonymiser = pseudonymiser
    self.time = time
  }

  /// What was recorded, and against which generation.
  public struct Recorded: Sendable {
    public var review: SignalReview
    public var generation: GenerationInfo
    public var outcome: ReviewPolicy.Outcome

    /// One line for the terminal; no NHS number.
    public var summary: String {
      let stays: String
      if !outcome.leavesWorklist {
        stays = "the signal stays on the worklist (\(outcome.id) does not take it off)"
      } else {
        stays = "the signal leaves the worklist until its severity rises above \(review.severity.rawValue)"
          + ", a supply or event dated after \(review.evidenceThrough?.description ?? "none") is behind it"
          + (review.until.map { ", or \($0) passes" } ?? "")
      }
      return "review recorded: \(review.ruleID), \(outcome.id), against the generation as of \(generation.asOf); \(stays)"
    }
  }

  public func run() throws -> Recorded {
    guard let chosen = policy.outcome(outcome) else { throw ReviewError.unknownOutcome(outcome, known: policy.outcomes.map(\.id)) }
    if chosen.requiresUntil, until == nil { throw ReviewError.untilRequired(outcome) }
    let nhsNumber: NHSNumber
    switch NHSNumber.parse(nhsNumberText) {
    case .success(let number): nhsNumber = number
    case .failure(let problem): throw PatientCheckError.invalidNHSNumber(problem)
    }
    let store = try SurveillanceStore.openExisting(at: storePath)
    if let until, let generation = try store.currentGeneration(), until < generation.asOf {
      throw ReviewError.untilInThePast(until, asOf: generation.asOf)
    }
    let request = ReviewRequest(
      nhsNumber: nhsNumber, ruleID: ruleID, outcome: chosen.id, leavesWorklist: chosen.leavesWorklist, until: until, note: note, user: user,
      reason: reason, time: time)
    let (review, generation) = try store.recordReview(request, pseudonym: pseudonymiser.pseudonym(for: nhsNumber))
    return Recorded(review: review, generation: generation, outcome: chosen)
  }
}

/// Why a review could not be recorded.
public enum ReviewError: Error, CustomStringConvertible {
  case unknownOutcome(String, known: [String])
  case untilRequired(String)
  case untilInThePast(CalendarDate, asOf: CalendarDate)

  public var description: String {
    switch self {
    case .unknownOutcome(let outcome, let known):
      return "'\(outcome)' is not a review outcome in rules/reviews.json; use one of: \(known.joined(separator: ", "))"
    case .untilRequired(let outcome):
      return "the outcome \(outcome) needs --until DATE: the date to look again (the booked review's date)"
    case .untilInThePast(let until, let asOf):
      return "--until \(until) is before the current generation's date (\(asOf)): the review would lapse at once"
    }
  }
}
