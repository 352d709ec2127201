/// One signal rule, decoded from a file in `rules/signals/`: what fires, at which severity,
/// the words it says, the guidance it follows, who wrote and checked it, and the examples
/// that prove it.
public struct SignalRule: Decodable, Sendable {
  public var id: String
  /// Bumped whenever the logic or a threshold changes; reported on every signal.
  public var version: Int
  public var title: String
  /// How to read the signal (OpenPrescribing's categories): `never` (should not happen),
  /// `rare` (occasionally justified), `information` (context, not a concern on its own).
  public var kind: Kind
  /// Exports without which the rule cannot be judged (it does not fire without them).
  public var requiresInputs: [InputKind]
  /// The window reported as `window_start`..`window_end`.
  public var window: Period
  /// Highest severity first is not required: the evaluator tries the most severe level first.
  public var levels: [Level]
  /// Filled from the figures: `{reliever_devices_12m} reliever inhalers ...`.
  public var reasonTemplate: String
  /// What the reader should do, in plain words.
  public var recommendedAction: String
  public var whyItMatters: [String]
  public var references: [Reference]
  public var authoredBy: String
  public var checkedBy: String
  public var dateReviewed: CalendarDate
  public var nextReview: CalendarDate
  public var changeLog: [Change]
  public var examples: Examples

  public enum Kind: String, Decodable, Sendable { case never, rare, information }

  public struct Level: Decodable, Sendable {
    public var severity: Severity
    public var when: Criterion
  }

  public struct Reference: Decodable, Sendable, Equatable {
    public var text: String
    public var url: String
  }

  public struct Change: Decodable, Sendable {
    public var date: CalendarDate
    public var description: String
    public var actionBy: String
    public var checkedBy: String

    enum CodingKeys: String, CodingKey {
      case date, description
      case actionBy = "action_by"
      case checkedBy = "checked_by"
    }
  }

  public struct Examples: Decodable, Sendable {
    public var triggering: [RuleExample]
    public var nonTriggering: [RuleExample]

    enum CodingKeys: String, CodingKey {
      case triggering
      case nonTriggering = "non_triggering"
    }
  }

  enum CodingKeys: String, CodingKey {
    case id, version, title, kind
    case requiresInputs = "requires_inputs"
    case window, levels
    case reasonTemplate = "reason_template"
    case recommendedAction = "recommended_action"
    case whyItMatters = "why_it_matters"
    case references
    case authoredBy = "authored_by"
    case checkedBy = "checked_by"
    case dateReviewed = "date_reviewed"
    case nextReview = "next_review"
    case changeLog = "change_log"
    case examples
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    id = try c.decode(String.self, forKey: .id)
    version = try c.decode(Int.self, forKey: .version)
    title = try c.decode(String.self, forKey: .title)
    kind = try c.decode(Kind.self, forKey: .kind)
    requiresInputs = try c.decodeIfPresent([InputKind].self, forKey: .requiresInputs) ?? []
    window = try c.decode(Period.self, forKey: .window)
    levels = try c.decode([Level].self, forKey: .levels)
    reasonTemplate = try c.decode(String.self, forKey: .reasonTemplate)
    recommendedAction = try c.decode(String.self, forKey: .recommendedAction)
    whyItMatters = try c.decode([String].self, forKey: .whyItMatters)
    references = try c.decode([Reference].self, forKey: .references)
    authoredBy = try c.decode(String.self, forKey: .authoredBy)
    checkedBy = try c.decode(String.self, forKey: .checkedBy)
    dateReviewed = try c.decode(CalendarDate.self, forKey: .dateReviewed)
    nextReview = try c.decode(CalendarDate.self, forKey: .nextReview)
    changeLog = try c.decode([Change].self, forKey: .changeLog)
    examples = try c.decode(Examples.self, forKey: .examples)
  }

  /// Names the reason template may use besides any figure name (`reliever_devices_12m`,
  /// computed on demand): the figures its criteria produce, the dates and the context.
  public var availablePlaceholders: Set<String> {
    var names: Set<String> = [
      "as_of", "window_start", "window_end", "severity", "rule_severity", "action_plan_state",
      "action_plan_review_due", "safeguarding_context",
    ]
    func collect(_ criterion: Criterion) {
      switch criterion {
      case .all(let list), .any(let list): list.forEach(collect)
      case .not(let inner): collect(inner)
      case .metric(let condition): names.insert(condition.figureName)
      case .eventWithoutFollowUp(let condition):
        names.insert(FollowUpCondition.countName(condition.window))
        names.insert(FollowUpCondition.lastDateName)
      case .actionPlan:
        break
      }
    }
    levels.forEach { collect($0.when) }
    return names
  }

  /// Problems a reviewer must fix before the rule can run, each a full sentence.
  public func problems(fileName: String) -> [String] {
    var found: [String] = []
    let expectedName = id + ".json"
    if fileName != expectedName { found.append("the file name should be \(expectedName) to match the id '\(id)'") }
    if id.isEmpty || id.contains(where: { !($0.isLowercase || $0.isNumber || $0 == "-") }) {
      found.append("id '\(id)' must be lower-case words joined by hyphens")
    }
    if levels.isEmpty { found.append("the rule has no levels") }
    if Set(levels.map(\.severity)).count != levels.count { found.append("two levels share a severity") }
    if references.isEmpty { found.append("the rule cites no reference") }
    for reference in references where !(reference.url.hasPrefix("https://") || reference.url.hasPrefix("http://")) {
      found.append("reference '\(reference.text)' has no web address")
    }
    if whyItMatters.isEmpty { found.append("why_it_matters is empty") }
    if recommendedAction.isEmpty { found.append("recommended_action is empty") }
    if nextReview <= dateReviewed { found.append("next_review \(nextReview) is not after date_reviewed \(dateReviewed)") }
    if changeLog.isEmpty { found.append("change_log is empty") }
    if examples.triggering.isEmpty { found.append("the rule has no triggering example") }
    if examples.nonTriggering.isEmpty { found.append("the rule has no non-triggering example") }
    let available = availablePlaceholders
    for placeholder in Self.placeholders(in: reasonTemplate) where !available.contains(placeholder) && Metric.parseFigureName(placeholder) == nil {
      found.append("reason_template uses {\(placeholder)}, which is neither a figure such as reliever_devices_12m nor one of \(available.sorted().joined(separator: ", "))")
    }
    return found
  }

  /// The `{name}` placeholders in a template, as the evaluator reads them when it fills it.
  public static func placeholders(in template: String) -> [String] {
    ReasonTemplate(template).pieces.compactMap { piece in
      if case .name(let name) = piece { name } else { nil }
    }
  }

}

extension FollowUpCondition {
  static func countName(_ window: Period) -> String { "events_without_follow_up_\(window.suffix)" }
  static let lastDateName = "last_event_without_follow_up"
}
