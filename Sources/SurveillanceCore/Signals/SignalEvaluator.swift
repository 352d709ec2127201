/// Everything a run reads from `rules/`, decoded and checked.
public struct RuleSet: Sendable {
  public var version: String
  public var profiles: [InputProfile]
  public var formulary: Formulary
  public var timeline: TimelinePolicy
  public var care: CarePolicy
  public var calendar: WorkingDayCalendar
  /// In id order.
  public var signals: [SignalRule]
  /// NHS numbers not taken as a child's (`rules/nhs-numbers.json`), and whether this run
  /// reads test data.
  public var nhsNumbers = NHSNumberRules(testRanges: [])
  /// How printed reports are marked and their small numbers kept back (`rules/reports.json`).
  public var reports: ReportPolicy
  /// What a review of a signal may record (`rules/reviews.json`); read by `review` and checked
  /// with the rest, not used by an evaluation.
  public var reviews = ReviewPolicy(outcomes: [])
  /// Where these rules were read from, for logs and manifests: a folder's path, or the rules
  /// built into the executable ("embedded rules (version V)"). Empty when built in memory.
  public var source = ""

  public init(
    version: String, profiles: [InputProfile], formulary: Formulary, timeline: TimelinePolicy, care: CarePolicy, calendar: WorkingDayCalendar,
    reports: ReportPolicy, signals: [SignalRule]
  ) {
    self.version = version
    self.profiles = profiles
    self.formulary = formulary
    self.timeline = timeline
    self.care = care
    self.calendar = calendar
    self.reports = reports
    self.signals = signals.sorted { $0.id < $1.id }
  }

  /// These rules for a run that reads test data (the samples, generated exports, tests):
  /// NHS numbers from the test ranges are accepted.
  public func readingTestData() -> RuleSet {
    var rules = self
    rules.nhsNumbers.acceptsTestNumbers = true
    return rules
  }
}

/// Evaluates signal rules against a child's timeline.
public struct SignalEvaluator: Sendable {
  public let rules: RuleSet
  /// Each rule's levels most severe first and its template cut at its names: the same for
  /// every child, so prepared once rather than for each of an area's children.
  private let prepared: [PreparedRule]

  public init(rules: RuleSet) {
    self.rules = rules
    prepared = rules.signals.map(PreparedRule.init)
  }

  /// Every rule that fires for the child on the timeline's date, in rule id order.
  public func signals(for timeline: ChildTimeline) -> [Signal] {
    signals(for: timeline, memo: FigureMemo(timeline: timeline, courseMergeDays: rules.formulary.courseMergeDays))
  }

  /// `signals(for:)`, sharing figures already counted for the child (as its summary counts).
  func signals(for timeline: ChildTimeline, memo: FigureMemo) -> [Signal] {
    let context = timeline.safeguardingContext(policy: rules.care)
    // One trace for the child, reset for each rule: a trace holds copies of the timeline and
    // the calendar, and making one per rule retained every array in them, 18 times a child.
    var trace = Trace(timeline: timeline, actionPlan: timeline.actionPlanStatus(policy: rules.care), calendar: rules.calendar, memo: memo)
    let inputs = InputKindBits(timeline.inputs)
    var signals: [Signal] = []
    for index in prepared.indices where prepared[index].requiredInputs.isSubset(of: inputs) {
      if let signal = evaluate(prepared[index], on: timeline, safeguarding: context, trace: &trace) { signals.append(signal) }
    }
    return signals
  }

  /// The signal `rule` raises for the child, or `nil`.
  public func evaluate(_ rule: SignalRule, on timeline: ChildTimeline) -> Signal? {
    let memo = FigureMemo(timeline: timeline, courseMergeDays: rules.formulary.courseMergeDays)
    var trace = Trace(timeline: timeline, actionPlan: timeline.actionPlanStatus(policy: rules.care), calendar: rules.calendar, memo: memo)
    let prepared = PreparedRule(rule)
    guard prepared.requiredInputs.isSubset(of: InputKindBits(timeline.inputs)) else { return nil }
    return evaluate(prepared, on: timeline, safeguarding: timeline.safeguardingContext(policy: rules.care), trace: &trace)
  }

  /// The signal the prepared rule raises, for a child who has the inputs it needs.
  private func evaluate(_ prepared: PreparedRule, on timeline: ChildTimeline, safeguarding: SafeguardingContext?, trace: inout Trace) -> Signal? {
    for level in prepared.levelsMostSevereFirst {
      trace.reset()
      guard trace.holds(level.when, positive: true) else { continue }
      // Only now that the rule fires: copying the rule and the child's plan status for every
      // rule and child was a fifth of the evaluation's retains (`perf`).
      let rule = prepared.rule
      let actionPlan = trace.actionPlan
      let memo = trace.memo
      let severity = safeguarding == nil ? level.severity : level.severity.raised(by: rules.care.safeguardingRaiseSeverityBy)
      let window = DateWindow(rule.window, endingOn: timeline.asOf)
      let figures = trace.namedFigures()
      // The rows behind the figures that held, gathered only now that the rule fires.
      var evidence: [SourceRef] = []
      for (metric, period) in trace.held {
        evidence.append(contentsOf: timeline.figure(metric, over: period, courseMergeDays: memo.courseMergeDays).evidence)
      }
      evidence.append(contentsOf: trace.eventEvidence)
      let reason = prepared.template.filled { name in
        if let figure = figures.first(where: { $0.name == name }) { return figure.text }
        switch name {
        case "as_of": return timeline.asOf.description
        case "window_start": return window.start.description
        case "window_end": return window.end.description
        case "severity": return severity.rawValue
        case "rule_severity": return level.severity.rawValue
        case "action_plan_state": return actionPlan.state.rawValue
        case "action_plan_review_due": return actionPlan.reviewDue?.description ?? "none recorded"
        case "safeguarding_context": return safeguarding?.summary ?? "none"
        default:
          // Figures the template mentions but the criteria did not need are counted here.
          guard let (metric, period) = Metric.parseFigureName(name) else { return nil }
          return Signal.NamedFigure(name: name, value: memo.value(metric, over: period)).text
        }
      }
      return Signal(
        nhsNumber: timeline.nhsNumber, ruleID: rule.id, ruleVersion: rule.version, title: rule.title,
        severity: severity, ruleSeverity: level.severity, asOf: timeline.asOf, window: window,
        figures: figures, evidence: Self.sortedOnce(evidence),
        safeguarding: safeguarding, actionPlan: actionPlan,
        route: safeguarding == nil ? rules.care.routeWithoutSafeguarding : rules.care.routeWithSafeguarding,
        reason: reason, recommendedAction: rule.recommendedAction)
    }
    return nil
  }

  /// `refs` in order, each once.
  private static func sortedOnce(_ refs: [SourceRef]) -> [SourceRef] {
    var sorted = refs.sorted()
    var kept = 0
    for index in sorted.indices where kept == 0 || sorted[index] != sorted[kept - 1] {
      sorted[kept] = sorted[index]
      kept += 1
    }
    sorted.removeLast(sorted.count - kept)
    return sorted
  }

  /// `template` with every `{name}` replaced by its value.
  static func fill(_ template: String, with values: [String: String]) -> String {
    ReasonTemplate(template).filled { values[$0] }
  }

  /// Records the figures and evidence met while deciding one level.
  private struct Trace {
    let timeline: ChildTimeline
    let actionPlan: ActionPlanStatus
    let calendar: WorkingDayCalendar
    /// Values already counted for this child, shared by every rule and level.
    let memo: FigureMemo
    /// The figures met, each once, in the order met; named only if the rule fires.
    var figures: [TracedFigure] = []
    /// Figures whose condition held (not under `not`): their rows are the evidence.
    var held: [(Metric, Period)] = []
    var eventEvidence: [SourceRef] = []

    /// A figure as met: what it counts, not yet its name.
    enum TracedFigure: Equatable {
      case metric(Metric, Period, Double?)
      case eventsWithoutFollowUp(Period, Double)
      case lastEventWithoutFollowUp(CalendarDate)

      /// Whether `other` is the same figure (whatever its value).
      func isSameFigure(as other: TracedFigure) -> Bool {
        switch (self, other) {
        case (.metric(let metric, let period, _), .metric(let otherMetric, let otherPeriod, _)): metric == otherMetric && period == otherPeriod
        case (.eventsWithoutFollowUp(let period, _), .eventsWithoutFollowUp(let otherPeriod, _)): period == otherPeriod
        case (.lastEventWithoutFollowUp, .lastEventWithoutFollowUp): true
        default: false
        }
      }

      var named: Signal.NamedFigure {
        switch self {
        case .metric(let metric, let period, let value): .init(name: metric.figureName(over: period), value: value)
        case .eventsWithoutFollowUp(let period, let count): .init(name: FollowUpCondition.countName(period), value: count)
        case .lastEventWithoutFollowUp(let date): .init(name: FollowUpCondition.lastDateName, value: nil, date: date)
        }
      }
    }

    /// Empties the lists, keeping their storage; one not filled is left alone (emptying goes
    /// through the array's general replacement, and this runs for every level of every rule).
    mutating func reset() {
      if !figures.isEmpty { figures.removeAll(keepingCapacity: true) }
      if !held.isEmpty { held.removeAll(keepingCapacity: true) }
      if !eventEvidence.isEmpty { eventEvidence.removeAll(keepingCapacity: true) }
    }

    private mutating func note(_ figure: TracedFigure) {
      if !figures.contains(where: { $0.isSameFigure(as: figure) }) { figures.append(figure) }
    }

    /// The figures met, named, the first of each name kept (two windows of a figure that has
    /// no window share a name).
    func namedFigures() -> [Signal.NamedFigure] {
      var named: [Signal.NamedFigure] = []
      for figure in figures {
        let candidate = figure.named
        if !named.contains(where: { $0.name == candidate.name }) { named.append(candidate) }
      }
      return named
    }

    /// Whether `criterion` holds. `positive` is false under `not`, where the rows found are
    /// the opposite of evidence.
    mutating func holds(_ criterion: Criterion, positive: Bool) -> Bool {
      switch criterion {
      case .all(let list):
        for item in list where !holds(item, positive: positive) { return false }
        return true
      case .any(let list):
        var any = false
        // Evaluate all branches so every figure is reported.
        for item in list where holds(item, positive: positive) { any = true }
        return any
      case .not(let inner):
        return !holds(inner, positive: !positive)
      case .metric(let condition):
        let value = memo.value(condition.metric, over: condition.window)
        note(.metric(condition.metric, condition.window, value))
        let result = condition.holds(for: value)
        if result && positive { held.append((condition.metric, condition.window)) }
        return result
      case .eventWithoutFollowUp(let condition):
        let missed = eventsWithoutFollowUp(condition)
        note(.eventsWithoutFollowUp(condition.window, Double(missed.count)))
        if let last = missed.last { note(.lastEventWithoutFollowUp(last.date)) }
        if !missed.isEmpty && positive { eventEvidence.append(contentsOf: missed.map(\.source)) }
        return !missed.isEmpty
      case .actionPlan(let states):
        return states.contains(actionPlan.state)
      }
    }

    /// Events in the window with no follow-up within the working days allowed, counting
    /// only events whose deadline has passed by the evaluation date.
    private func eventsWithoutFollowUp(_ condition: FollowUpCondition) -> [CareEvent] {
      guard timeline.inputs.contains(.careEvents) else { return [] }
      let window = DateWindow(condition.window, endingOn: timeline.asOf)
      return timeline.events.filter { event in
        guard condition.events.contains(event.type), window.contains(event.date) else { return false }
        let deadline = calendar.adding(workingDays: condition.withinWorkingDays, to: event.date)
        guard deadline < timeline.asOf else { return false }
        return !timeline.events.contains { condition.followUp.contains($0.type) && $0.date >= event.date && $0.date <= deadline }
      }
    }
  }
}

/// A signal rule made ready to evaluate for many children. A class: handing a rule to each
/// child's evaluation is then one reference count, not one for every string of the rule.
private final class PreparedRule: Sendable {
  let rule: SignalRule
  let levelsMostSevereFirst: [SignalRule.Level]
  let template: ReasonTemplate
  /// The inputs the rule needs (`requires_inputs`), as bits to test against a child's.
  let requiredInputs: InputKindBits

  init(_ rule: SignalRule) {
    self.rule = rule
    requiredInputs = InputKindBits(rule.requiresInputs)
    levelsMostSevereFirst = rule.levels.sorted { $0.severity > $1.severity }
    template = ReasonTemplate(rule.reasonTemplate)
  }
}

/// A set of input kinds as one bit each: whether a child has the inputs a rule needs is asked
/// for every rule and child, and asking a `Set` hashed each kind every time.
struct InputKindBits: Sendable {
  private let bits: UInt8

  init(_ kinds: some Sequence<InputKind>) {
    bits = kinds.reduce(0) { $0 | Self.bit(of: $1) }
  }

  func isSubset(of other: InputKindBits) -> Bool { bits & ~other.bits == 0 }

  private static func bit(of kind: InputKind) -> UInt8 {
    let index = InputKind.allCases.firstIndex(of: kind)!
    precondition(index < UInt8.bitWidth, "more input kinds than bits")
    return 1 << UInt8(index)
  }
}

/// A reason template cut into its text and its `{name}`s.
struct ReasonTemplate: Sendable {
  enum Piece: Sendable {
    case text(String)
    case name(String)
  }

  let pieces: [Piece]

  init(_ template: String) {
    // By UTF-8 byte: braces are ASCII, so a name's bounds are always character boundaries.
    // An opening brace (re)starts a name; text after an unclosed one is not shown.
    var pieces: [Piece] = []
    var text: [UInt8] = []
    var name: [UInt8]?
    for byte in template.utf8 {
      if byte == UInt8(ascii: "{") {
        name = []
      } else if byte == UInt8(ascii: "}"), let complete = name {
        if !text.isEmpty { pieces.append(.text(String(decoding: text, as: UTF8.self))) }
        text = []
        pieces.append(.name(String(decoding: complete, as: UTF8.self)))
        name = nil
      } else if name != nil {
        name!.append(byte)
      } else {
        text.append(byte)
      }
    }
    if !text.isEmpty { pieces.append(.text(String(decoding: text, as: UTF8.self))) }
    self.pieces = pieces
  }

  /// The template with each name replaced by `value(name)`, or left as `{name}` without one.
  func filled(_ value: (String) -> String?) -> String {
    var result = ""
    for piece in pieces {
      switch piece {
      case .text(let text): result += text
      case .name(let name): result += value(name) ?? "{\(name)}"
      }
    }
    return result
  }
}

/// One child's figure values on one date, counted once and shared by the child's summary and
/// every rule. A child meets a few dozen figures, so they are found by a scan, not a hash.
final class FigureMemo {
  let timeline: ChildTimeline
  let courseMergeDays: Int
  // One child's memo, used on one thread: the run-time exclusivity checks on every look-up
  // were most of its cost (`perf`).
  @exclusivity(unchecked) private var metrics: [Metric] = []
  @exclusivity(unchecked) private var periods: [Period] = []
  @exclusivity(unchecked) private var values: [Double?] = []

  init(timeline: ChildTimeline, courseMergeDays: Int) {
    self.timeline = timeline
    self.courseMergeDays = courseMergeDays
  }

  func value(_ metric: Metric, over period: Period) -> Double? {
    for index in metrics.indices where metrics[index] == metric && periods[index] == period { return values[index] }
    let value = timeline.value(metric, over: period, courseMergeDays: courseMergeDays)
    metrics.append(metric)
    periods.append(period)
    values.append(value)
    return value
  }
}
