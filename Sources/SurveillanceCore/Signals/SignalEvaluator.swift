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

  public init(version: String, profiles: [InputProfile], formulary: Formulary, timeline: TimelinePolicy, care: CarePolicy, calendar: WorkingDayCalendar, signals: [SignalRule]) {
    self.version = version
    self.profiles = profiles
    self.formulary = formulary
    self.timeline = timeline
    self.care = care
    self.calendar = calendar
    self.signals = signals.sorted { $0.id < $1.id }
  }
}

/// Evaluates signal rules against a child's timeline.
public struct SignalEvaluator: Sendable {
  public let rules: RuleSet

  public init(rules: RuleSet) { self.rules = rules }

  /// Every rule that fires for the child on the timeline's date, in rule id order.
  public func signals(for timeline: ChildTimeline) -> [Signal] {
    let actionPlan = timeline.actionPlanStatus(policy: rules.care)
    let context = timeline.safeguardingContext(policy: rules.care)
    let memo = FigureMemo()
    return rules.signals.compactMap { evaluate($0, on: timeline, actionPlan: actionPlan, safeguarding: context, memo: memo) }
  }

  /// The signal `rule` raises for the child, or `nil`.
  public func evaluate(_ rule: SignalRule, on timeline: ChildTimeline) -> Signal? {
    evaluate(rule, on: timeline, actionPlan: timeline.actionPlanStatus(policy: rules.care), safeguarding: timeline.safeguardingContext(policy: rules.care), memo: FigureMemo())
  }

  private func evaluate(_ rule: SignalRule, on timeline: ChildTimeline, actionPlan: ActionPlanStatus, safeguarding: SafeguardingContext?, memo: FigureMemo) -> Signal? {
    guard rule.requiresInputs.allSatisfy(timeline.inputs.contains) else { return nil }
    var trace = Trace(timeline: timeline, actionPlan: actionPlan, evaluator: self, memo: memo)
    for level in rule.levels.sorted(by: { $0.severity > $1.severity }) {
      trace.reset()
      guard trace.holds(level.when, positive: true) else { continue }
      let severity = safeguarding == nil ? level.severity : level.severity.raised(by: rules.care.safeguardingRaiseSeverityBy)
      let window = DateWindow(rule.window, endingOn: timeline.asOf)
      var values: [String: String] = [
        "as_of": timeline.asOf.description, "window_start": window.start.description,
        "window_end": window.end.description, "severity": severity.rawValue,
        "rule_severity": level.severity.rawValue, "action_plan_state": actionPlan.state.rawValue,
        "action_plan_review_due": actionPlan.reviewDue?.description ?? "none recorded",
        "safeguarding_context": safeguarding?.summary ?? "none",
      ]
      for figure in trace.figures { values[figure.name] = figure.text }
      // The rows behind the figures that held, gathered only now that the rule fires.
      var evidence: [SourceRef] = []
      for (metric, period) in trace.held {
        evidence.append(contentsOf: timeline.figure(metric, over: period, courseMergeDays: rules.formulary.courseMergeDays).evidence)
      }
      evidence.append(contentsOf: trace.eventEvidence)
      // Figures the template mentions but the criteria did not need are computed here.
      for name in SignalRule.placeholders(in: rule.reasonTemplate) where values[name] == nil {
        if let (metric, period) = Metric.parseFigureName(name) {
          values[name] = Signal.NamedFigure(name: name, value: timeline.figure(metric, over: period, courseMergeDays: rules.formulary.courseMergeDays).value).text
        }
      }
      return Signal(
        nhsNumber: timeline.nhsNumber, ruleID: rule.id, ruleVersion: rule.version, title: rule.title,
        severity: severity, ruleSeverity: level.severity, asOf: timeline.asOf, window: window,
        figures: trace.figures, evidence: Array(Set(evidence)).sorted(),
        safeguarding: safeguarding, actionPlan: actionPlan,
        route: safeguarding == nil ? rules.care.routeWithoutSafeguarding : rules.care.routeWithSafeguarding,
        reason: Self.fill(rule.reasonTemplate, with: values), recommendedAction: rule.recommendedAction)
    }
    return nil
  }

  /// `template` with every `{name}` replaced by its value.
  static func fill(_ template: String, with values: [String: String]) -> String {
    // By UTF-8 byte: braces are ASCII, so a name's bounds are always character boundaries,
    // and walking characters (grapheme breaking) was most of the cost of a signal.
    let utf8 = template.utf8
    var result: [UInt8] = []
    result.reserveCapacity(utf8.count + 64)
    var nameStart: String.Index?
    var index = utf8.startIndex
    while index < utf8.endIndex {
      let byte = utf8[index]
      if byte == UInt8(ascii: "{") {
        nameStart = utf8.index(after: index)
      } else if byte == UInt8(ascii: "}"), let start = nameStart {
        let name = String(template[start..<index])
        result.append(contentsOf: (values[name] ?? "{\(name)}").utf8)
        nameStart = nil
      } else if nameStart == nil {
        result.append(byte)
      }
      index = utf8.index(after: index)
    }
    return String(decoding: result, as: UTF8.self)
  }

  /// Records the figures and evidence met while deciding one level.
  private struct Trace {
    let timeline: ChildTimeline
    let actionPlan: ActionPlanStatus
    let evaluator: SignalEvaluator
    var figures: [Signal.NamedFigure] = []
    /// Figures whose condition held (not under `not`): their rows are the evidence.
    var held: [(Metric, Period)] = []
    var eventEvidence: [SourceRef] = []
    /// Values already counted for this child, shared by every rule and level.
    let memo: FigureMemo

    mutating func reset() {
      figures = []
      held = []
      eventEvidence = []
    }

    func value(_ metric: Metric, _ period: Period) -> Double? {
      let key = FigureMemo.Key(metric: metric, period: period)
      if let known = memo.values[key] { return known }
      let value = timeline.value(metric, over: period, courseMergeDays: evaluator.rules.formulary.courseMergeDays)
      memo.values[key] = value
      return value
    }

    private mutating func note(_ name: String, _ value: Double?) {
      if !figures.contains(where: { $0.name == name }) { figures.append(.init(name: name, value: value)) }
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
        let value = value(condition.metric, condition.window)
        note(condition.figureName, value)
        let result = condition.holds(for: value)
        if result && positive { held.append((condition.metric, condition.window)) }
        return result
      case .eventWithoutFollowUp(let condition):
        let missed = eventsWithoutFollowUp(condition)
        note(FollowUpCondition.countName(condition.window), Double(missed.count))
        if let last = missed.last, !figures.contains(where: { $0.name == FollowUpCondition.lastDateName }) {
          figures.append(.init(name: FollowUpCondition.lastDateName, value: nil, date: last.date))
        }
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
      let calendar = evaluator.rules.calendar
      return timeline.events.filter { event in
        guard condition.events.contains(event.type), window.contains(event.date) else { return false }
        let deadline = calendar.adding(workingDays: condition.withinWorkingDays, to: event.date)
        guard deadline < timeline.asOf else { return false }
        return !timeline.events.contains { condition.followUp.contains($0.type) && $0.date >= event.date && $0.date <= deadline }
      }
    }
  }
}

/// One child's figure values on one date, counted once and shared by every rule.
final class FigureMemo {
  struct Key: Hashable {
    var metric: Metric
    var period: Period

    // A string-backed enum hashes its string; a figure is looked up many times per child.
    func hash(into hasher: inout Hasher) {
      hasher.combine(metric.ordinal)
      hasher.combine(period)
    }
  }

  var values: [Key: Double?] = [:]
}
