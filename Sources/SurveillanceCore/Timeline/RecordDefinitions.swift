/// The definitions that turn a child's record into its timeline and months, and nothing
/// more: how supplies reconcile and what counts as an attack (`timeline.json`), and how oral
/// steroid issues make courses (`formulary.json`). What a command answering from a store
/// needs (the store holds the run's figures and signals), without building the whole rule set.
public struct RecordDefinitions: Sendable {
  public var timeline: TimelinePolicy
  /// Oral steroid issues within this many days of the previous one are one course.
  public var courseMergeDays: Int

  public init(timeline: TimelinePolicy, courseMergeDays: Int) {
    self.timeline = timeline
    self.courseMergeDays = courseMergeDays
  }

  /// The definitions a whole rule set holds.
  public init(_ rules: RuleSet) {
    self.init(timeline: rules.timeline, courseMergeDays: rules.formulary.courseMergeDays)
  }
}
