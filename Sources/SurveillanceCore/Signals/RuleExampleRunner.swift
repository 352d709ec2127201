/// Runs every rule's own examples: each triggering example must fire (at its expected
/// severity, when it states one) and each non-triggering example must not.
public struct RuleExampleRunner: Sendable {
  public let rules: RuleSet

  public init(rules: RuleSet) { self.rules = rules }

  /// Failures in the ehrQL style: `rule: example "note" fired, expected no signal`.
  public func failures() -> [String] {
    rules.signals.flatMap { rule in
      rule.examples.triggering.compactMap { check(rule, $0, shouldFire: true) }
        + rule.examples.nonTriggering.compactMap { check(rule, $0, shouldFire: false) }
    }
  }

  /// The signal the rule raises on the example, or `nil`.
  public func signal(_ rule: SignalRule, on example: RuleExample) -> Signal? {
    let record = example.record { role, classID in rules.formulary.exampleProduct(for: role, classID: classID) }
    let timeline = ChildTimeline(record: record, asOf: example.asOf, inputs: Set(example.inputs), policy: rules.timeline)
    return SignalEvaluator(rules: rules).evaluate(rule, on: timeline)
  }

  /// A failure message, or `nil` when the example behaves as stated.
  public func check(_ rule: SignalRule, _ example: RuleExample, shouldFire: Bool) -> String? {
    for supply in example.supplies {
      if let classID = supply.classID, rules.formulary.exampleProduct(for: supply.role, classID: classID).classID != classID {
        return "\(rule.id): example \"\(example.note)\" names class '\(classID)', which the formulary does not have with role \(supply.role.rawValue)"
      }
    }
    let signal = self.signal(rule, on: example)
    switch (shouldFire, signal) {
    case (true, nil):
      return "\(rule.id): example \"\(example.note)\" did not fire, expected a signal"
    case (false, let signal?):
      return "\(rule.id): example \"\(example.note)\" fired (\(signal.severity.rawValue): \(signal.reason)), expected no signal"
    case (true, let signal?):
      if let expected = example.expectSeverity, expected != signal.severity {
        return "\(rule.id): example \"\(example.note)\" fired at \(signal.severity.rawValue), expected \(expected.rawValue)"
      }
      return nil
    case (false, nil):
      return nil
    }
  }
}
