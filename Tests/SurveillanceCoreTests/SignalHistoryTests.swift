import SurveillanceCore
import Testing

/// How a signal stands against the run before and against its reviews, and how the worklist
/// orders children: the rules `nightly --store` writes `status`, `first_seen` and `worklist.csv` by.
struct SignalHistoryTests {
  static let child = NHSNumber("9998100003")!
  static let tonight = date("2026-11-28")

  static func signal(_ severity: Severity, rule: String = "reliever-overuse", child: NHSNumber = child, safeguarding: SafeguardingContext? = nil) -> Signal {
    Signal(
      nhsNumber: child, ruleID: rule, ruleVersion: 1, title: "Reliever inhaler over-use", severity: severity, ruleSeverity: severity,
      asOf: tonight, window: DateWindow(Period(months: 12), endingOn: tonight), figures: [], evidence: [], safeguarding: safeguarding,
      actionPlan: ActionPlanStatus(state: .unknown), route: "clinician", reason: "3 relievers", recommendedAction: "review")
  }

  static func history(lastRun severity: Severity?, review: SignalReview? = nil) -> SignalHistory {
    SignalHistory(
      baselineAsOf: date("2026-11-21"),
      sightings: severity.map { [child: [SignalSighting(ruleID: "reliever-overuse", severity: $0, firstSeen: date("2026-11-01"), evidenceThrough: date("2026-09-10"))]] } ?? [:],
      reviews: review.map { [child: [$0]] } ?? [:])
  }

  static func review(
    _ severity: Severity = .review, evidenceThrough: String? = "2026-09-10", until: String? = nil, firstSeen: String = "2026-11-01",
    leaves: Bool = true
  ) -> SignalReview {
    SignalReview(
      ruleID: "reliever-overuse", outcome: leaves ? "practice-informed" : "could-not-contact", leavesWorklist: leaves,
      reviewedAt: "2026-11-22T10:00:00Z", generationAsOf: date("2026-11-21"), firstSeen: date(firstSeen), severity: severity,
      evidenceThrough: evidenceThrough.map(date), until: until.map(date))
  }

  @Test func aSignalStandsAgainstTheRunBefore() {
    let unseen = Self.history(lastRun: nil).standing(of: Self.signal(.review), evidenceThrough: date("2026-09-10"))
    #expect(unseen.status == .new && unseen.firstSeen == Self.tonight && unseen.isOnWorklist)
    let same = Self.history(lastRun: .review).standing(of: Self.signal(.review), evidenceThrough: date("2026-09-10"))
    #expect(same.status == .continuing && same.firstSeen == date("2026-11-01") && !same.isOnWorklist)
    let worse = Self.history(lastRun: .review).standing(of: Self.signal(.priority), evidenceThrough: date("2026-09-10"))
    #expect(worse.status == .escalated && worse.previousSeverity == .review && worse.isOnWorklist)
    let better = Self.history(lastRun: .priority).standing(of: Self.signal(.review), evidenceThrough: date("2026-09-10"))
    #expect(better.status == .deEscalated && !better.isOnWorklist)
  }

  @Test func aReviewCoversTheSignalUntilSomethingChanges() {
    let covered = Self.history(lastRun: .review, review: Self.review()).standing(of: Self.signal(.review), evidenceThrough: date("2026-09-10"))
    #expect(covered.coveredByReview && covered.status == .continuing && !covered.isOnWorklist)
    let newer = Self.history(lastRun: .review, review: Self.review()).standing(of: Self.signal(.review), evidenceThrough: date("2026-11-25"))
    #expect(newer.status == .newEvidence && newer.isOnWorklist)
    let higher = Self.history(lastRun: .priority, review: Self.review(.review)).standing(of: Self.signal(.priority), evidenceThrough: date("2026-09-10"))
    #expect(higher.status == .escalated && higher.isOnWorklist, "worse than when reviewed, though not worse than last night")
    let lapsed = Self.history(lastRun: .review, review: Self.review(until: "2026-11-25")).standing(of: Self.signal(.review), evidenceThrough: date("2026-09-10"))
    #expect(lapsed.status == .reviewLapsed && lapsed.isOnWorklist)
    let notYet = Self.history(lastRun: .review, review: Self.review(until: "2026-11-28")).standing(of: Self.signal(.review), evidenceThrough: date("2026-09-10"))
    #expect(notYet.coveredByReview, "the review holds on its --until date")
  }

  @Test func aReviewOfAnEarlierStretchOrOneThatKeepsTheSignalCoversNothing() {
    let earlier = Self.history(lastRun: nil, review: Self.review(firstSeen: "2026-06-01")).standing(of: Self.signal(.review), evidenceThrough: date("2026-09-10"))
    #expect(earlier.status == .new && earlier.review == nil && earlier.isOnWorklist)
    let keeps = Self.history(lastRun: nil, review: nil)
    var stays = keeps
    stays.reviews = [Self.child: [Self.review(firstSeen: "2026-11-28", leaves: false)]]
    let standing = stays.standing(of: Self.signal(.review), evidenceThrough: date("2026-09-10"))
    #expect(standing.review?.outcome == "could-not-contact" && !standing.coveredByReview && standing.isOnWorklist)
  }

  @Test func theWorklistPutsSeverityThenSafeguardingThenRecentEvidenceFirst() throws {
    func entry(_ number: String, _ severity: Severity, evidence: String, active: Bool? = nil) throws -> WorklistEntry {
      let nhs = NHSNumber(number)!
      let context = active.map { isActive in
        SafeguardingContext(
          plan: SafeguardingPlan(
            nhsNumber: nhs, type: .childInNeed, category: nil, start: date("2026-01-01"), end: isActive ? nil : date("2026-06-01"), localAuthority: nil,
            source: SourceRef(file: 0, line: 2)),
          isActive: isActive)
      }
      let signal = Self.signal(severity, child: nhs, safeguarding: context)
      let summary = ChildSummary(nhsNumber: nhs, ageYears: 8, practiceCode: "Z1", figures: [], signals: [signal], safeguarding: context, actionPlan: ActionPlanStatus(state: .unknown))
      return try #require(WorklistEntry(summary: summary, standings: [SignalHistory.empty.standing(of: signal, evidenceThrough: date(evidence))]))
    }
    let ranked = WorklistEntry.ranked([
      try entry("9998100011", .review, evidence: "2026-11-20"),
      try entry("9998100038", .review, evidence: "2026-11-25"),
      try entry("9998100046", .review, evidence: "2026-01-01", active: false),
      try entry("9998100054", .review, evidence: "2026-01-01", active: true),
      try entry("9998100062", .urgent, evidence: "2025-12-01"),
    ])
    #expect(ranked.map(\.nhsNumber.description) == ["9998100062", "9998100054", "9998100046", "9998100038", "9998100011"])
  }

  @Test func aChildWhoseSignalsAllContinueIsNotOnTheWorklist() {
    let signal = Self.signal(.review)
    let summary = ChildSummary(nhsNumber: Self.child, ageYears: 8, practiceCode: nil, figures: [], signals: [signal], safeguarding: nil, actionPlan: ActionPlanStatus(state: .unknown))
    let standing = Self.history(lastRun: .review).standing(of: signal, evidenceThrough: nil)
    #expect(WorklistEntry(summary: summary, standings: [standing]) == nil)
  }

  @Test func aPracticeCodeNamesItsFileAndNothingElse() {
    #expect(WorklistOutputs.practiceFileName("A81001") == "A81001.csv")
    #expect(WorklistOutputs.practiceFileName(nil) == "no-practice.csv")
    #expect(WorklistOutputs.practiceFileName("../etc") == "practice-2e2e2f657463.csv")
  }
}
