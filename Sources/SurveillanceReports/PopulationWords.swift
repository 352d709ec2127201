import SurveillanceCore

/// Who is in the population, in words, from `rules/timeline.json`: the age limit and the
/// activity window the evaluation uses, so that no sentence restates them as literals and a
/// change to the rules changes the prose with it.
public struct PopulationWords: Sendable, Equatable {
  public var childAgeUnderYears: Int
  public var activeWithin: Period

  public init(_ policy: TimelinePolicy) {
    childAgeUnderYears = policy.childAgeUnderYears
    activeWithin = policy.activeWithin
  }

  /// "12 months".
  public var activeWindow: String { CriterionWording.period(activeWithin) }

  /// "under 18, with an asthma supply or care event in the 12 months before".
  public var rule: String { "under \(childAgeUnderYears), with an asthma supply or care event in the \(activeWindow) before" }

  /// "18 or over".
  public var adult: String { "\(childAgeUnderYears) or over" }
}
