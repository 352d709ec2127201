/// The closed vocabulary a rule file's conditions are written in. No expressions or code
/// in strings: every form below is decoded and checked when the rules load.
public indirect enum Criterion: Sendable, Equatable {
  /// Every criterion holds.
  case all([Criterion])
  /// At least one criterion holds.
  case any([Criterion])
  /// The criterion does not hold.
  case not(Criterion)
  /// A figure over a window compared with a threshold.
  case metric(MetricCondition)
  /// An event of the given types with no follow-up of the given types within a number of
  /// working days (attack without review).
  case eventWithoutFollowUp(FollowUpCondition)
  /// The action plan is in one of these states.
  case actionPlan(Set<ActionPlanState>)
}

/// `{"metric": "reliever_devices", "window": "P12M", "at_least": 3}`
public struct MetricCondition: Sendable, Equatable {
  public var metric: Metric
  public var window: Period
  public var comparison: Comparison
  public var threshold: Double

  public enum Comparison: String, Sendable, CaseIterable {
    case atLeast = "at_least"
    case moreThan = "more_than"
    case atMost = "at_most"
    case below
    /// More than `threshold` per month on average over the window.
    case perMonthMoreThan = "per_month_more_than"
  }

  public init(metric: Metric, window: Period, comparison: Comparison, threshold: Double) {
    self.metric = metric
    self.window = window
    self.comparison = comparison
    self.threshold = threshold
  }

  /// Whether `value` passes; an undefined figure never does.
  public func holds(for value: Double?) -> Bool {
    guard let value else { return false }
    switch comparison {
    case .atLeast: return value >= threshold
    case .moreThan: return value > threshold
    case .atMost: return value <= threshold
    case .below: return value < threshold
    case .perMonthMoreThan: return value > threshold * window.monthsApproximately
    }
  }

  /// The name the figure is reported under: `reliever_devices_12m`.
  public var figureName: String { metric.figureName(over: window) }
}

/// `{"event_without_follow_up": {"events": [...], "follow_up": [...], "within_working_days": 2, "window": "P12M"}}`
public struct FollowUpCondition: Sendable, Equatable {
  public var events: Set<CareEventType>
  public var followUp: Set<CareEventType>
  public var withinWorkingDays: Int
  public var window: Period

  public init(events: Set<CareEventType>, followUp: Set<CareEventType>, withinWorkingDays: Int, window: Period) {
    self.events = events
    self.followUp = followUp
    self.withinWorkingDays = withinWorkingDays
    self.window = window
  }
}

extension Criterion: Decodable {
  private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  /// Event types listed, or the name of a group of `rules/timeline.json` (`"attack"`), so a
  /// rule says "an attack" with the same meaning as the figures and the charts.
  private static func eventTypes(
    in container: KeyedDecodingContainer<AnyKey>, forKey key: AnyKey, decoder: any Decoder
  ) throws -> Set<CareEventType> {
    if let name = try? container.decode(String.self, forKey: key) {
      guard let groups = decoder.userInfo[CareEventGroups.userInfoKey] as? CareEventGroups else {
        throw DecodingError.dataCorruptedError(
          forKey: key, in: container, debugDescription: "the event group '\(name)' needs the event_groups of timeline.json, which could not be read")
      }
      guard let group = groups.named(name) else {
        throw DecodingError.dataCorruptedError(
          forKey: key, in: container,
          debugDescription: "unknown event group '\(name)'; name one of \(CareEventGroups.names.joined(separator: ", ")) (timeline.json event_groups) or list event types")
      }
      return group
    }
    return Set(try container.decode([CareEventType].self, forKey: key))
  }

  private static let metricKeys: Set<String> = Set(["metric", "window"]).union(MetricCondition.Comparison.allCases.map(\.rawValue))

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: AnyKey.self)
    let keys = Set(container.allKeys.map(\.stringValue))
    func fail(_ message: String) -> DecodingError {
      .dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
    }
    if keys == ["all"] {
      self = .all(try container.decode([Criterion].self, forKey: AnyKey(stringValue: "all")))
    } else if keys == ["any"] {
      self = .any(try container.decode([Criterion].self, forKey: AnyKey(stringValue: "any")))
    } else if keys == ["not"] {
      self = .not(try container.decode(Criterion.self, forKey: AnyKey(stringValue: "not")))
    } else if keys == ["action_plan"] {
      let states = try container.decode([String].self, forKey: AnyKey(stringValue: "action_plan"))
      var decoded: Set<ActionPlanState> = []
      for state in states {
        guard let value = ActionPlanState(rawValue: state) else {
          throw fail("unknown action plan state '\(state)'; use \(ActionPlanState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        decoded.insert(value)
      }
      self = .actionPlan(decoded)
    } else if keys == ["event_without_follow_up"] {
      let nested = try container.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey(stringValue: "event_without_follow_up"))
      let unknown = Set(nested.allKeys.map(\.stringValue)).subtracting(["events", "follow_up", "within_working_days", "window"])
      guard unknown.isEmpty else { throw fail("unknown key(s) \(unknown.sorted().joined(separator: ", ")) in event_without_follow_up") }
      self = .eventWithoutFollowUp(
        FollowUpCondition(
          events: try Self.eventTypes(in: nested, forKey: AnyKey(stringValue: "events"), decoder: decoder),
          followUp: Set(try nested.decode([CareEventType].self, forKey: AnyKey(stringValue: "follow_up"))),
          withinWorkingDays: try nested.decode(Int.self, forKey: AnyKey(stringValue: "within_working_days")),
          window: try nested.decode(Period.self, forKey: AnyKey(stringValue: "window"))))
    } else if keys.contains("metric") {
      let unknown = keys.subtracting(Self.metricKeys)
      guard unknown.isEmpty else { throw fail("unknown key(s) \(unknown.sorted().joined(separator: ", ")) in a metric condition") }
      let metricName = try container.decode(String.self, forKey: AnyKey(stringValue: "metric"))
      guard let metric = Metric(rawValue: metricName) else {
        throw fail("unknown metric '\(metricName)'; known metrics: \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      let comparisons = MetricCondition.Comparison.allCases.filter { keys.contains($0.rawValue) }
      guard comparisons.count == 1, let comparison = comparisons.first else {
        throw fail("a metric condition needs exactly one of \(MetricCondition.Comparison.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      // A figure without a window (a history length) needs none; every other figure does.
      let window = metric.isWindowed
        ? try container.decode(Period.self, forKey: AnyKey(stringValue: "window"))
        : try container.decodeIfPresent(Period.self, forKey: AnyKey(stringValue: "window")) ?? Period(months: 1)
      self = .metric(
        MetricCondition(
          metric: metric,
          window: window,
          comparison: comparison,
          threshold: try container.decode(Double.self, forKey: AnyKey(stringValue: comparison.rawValue))))
    } else {
      throw fail("unknown criterion with key(s) \(keys.sorted().joined(separator: ", ")); use all, any, not, metric, event_without_follow_up or action_plan")
    }
  }
}
