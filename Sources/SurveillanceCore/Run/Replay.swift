/// How often a replay evaluates.
public enum ReplayStep: String, Sendable, CaseIterable {
  case week
  case month

  /// Evaluation dates from `from` to `to`, both included.
  public func dates(from: CalendarDate, to: CalendarDate) -> [CalendarDate] {
    var dates: [CalendarDate] = []
    var index = 0
    while true {
      let date = self == .week ? from.adding(days: 7 * index) : from.adding(months: index)
      if date > to { break }
      dates.append(date)
      index += 1
    }
    if dates.last != to { dates.append(to) }
    return dates
  }
}

/// When each of a child's signals could first have been seen.
public struct FirstFiring: Sendable, Equatable {
  /// The signal on the first date it fired.
  public var first: Signal
  /// The highest severity it reached in the replay, and the first date it did.
  public var highest: Signal
}

/// Answers "when could this have been seen?": each child's timeline is evaluated on every
/// date of a schedule, using only what was known on that date, and the first firing of each
/// rule is kept. The exports are read once; only the per-child evaluation repeats.
public struct Replay: Sendable {
  public let evaluation: AreaEvaluation

  public init(evaluation: AreaEvaluation) { self.evaluation = evaluation }

  /// First firings for one child, in rule id order.
  public func firstFirings(for record: ChildRecord, on dates: [CalendarDate]) -> [FirstFiring] {
    var firings: [String: FirstFiring] = [:]
    let earliestSupply = (record.supplies.map(\.date) + record.events.map(\.date)).min()
    for date in dates {
      // Nothing can fire before the child's first row.
      if let earliestSupply, date < earliestSupply { continue }
      for signal in evaluation.firingRules(for: record, asOf: date) {
        if var known = firings[signal.ruleID] {
          if signal.severity > known.highest.severity {
            known.highest = signal
            firings[signal.ruleID] = known
          }
        } else {
          firings[signal.ruleID] = FirstFiring(first: signal, highest: signal)
        }
      }
    }
    return firings.keys.sorted().map { firings[$0]! }
  }

  /// `first-fired.csv`.
  public static func firstFiredCSV(_ firings: [FirstFiring]) -> String {
    var csv = CSVOutput(header: [
      "nhs_number", "signal", "first_fired", "severity", "safeguarding_context", "reason",
      "highest_severity", "highest_severity_first_fired", "rule_version",
    ])
    for firing in firings {
      csv.append([
        firing.first.nhsNumber.description, firing.first.ruleID, firing.first.asOf.description,
        firing.first.severity.rawValue, firing.first.safeguarding?.summary ?? "", firing.first.reason,
        firing.highest.severity.rawValue, firing.highest.asOf.description, String(firing.first.ruleVersion),
      ])
    }
    return csv.text
  }
}
