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
  /// The signal on the first day it fired: the day of the supply or event that tipped it, not
  /// the replay date that first saw it.
  public var first: Signal
  /// The highest severity it reached in the replay, and the first day it did.
  public var highest: Signal
  /// It was already firing on the replay's first date, with the child's record starting
  /// earlier: when it began is before the replay, so `first` is only where the replay began.
  public var alreadyFiringAtStart: Bool = false
}

/// Answers "when could this have been seen?": each child's timeline is evaluated on every
/// date of a schedule, using only what was known on that date, and the first firing of each
/// rule is kept. The exports are read once; only the per-child evaluation repeats.
///
/// The schedule (every week, every month) finds that something changed; the day it changed is
/// then found exactly, by evaluating each day since the previous replay date. A rule only
/// changes on a day something happened or a window moved, so the day found is the day of the
/// supply, event or anniversary that tipped it.
public struct Replay: Sendable {
  public let evaluation: AreaEvaluation

  public init(evaluation: AreaEvaluation) { self.evaluation = evaluation }

  /// First firings for one child, in rule id order.
  public func firstFirings(for record: ChildRecord, on dates: [CalendarDate]) -> [FirstFiring] {
    var firings: [String: FirstFiring] = [:]
    let earliestRecord = (record.supplies.map(\.date) + record.events.map(\.date)).min()
    /// Whether a signal is news: a rule not seen before, or a severity it had not reached.
    func isNews(_ signal: Signal) -> Bool {
      guard let known = firings[signal.ruleID] else { return true }
      return signal.severity > known.highest.severity
    }
    func note(_ signals: [Signal], alreadyFiring: Bool = false) {
      for signal in signals where isNews(signal) {
        if var known = firings[signal.ruleID] {
          known.highest = signal
          firings[signal.ruleID] = known
        } else {
          firings[signal.ruleID] = FirstFiring(first: signal, highest: signal, alreadyFiringAtStart: alreadyFiring)
        }
      }
    }

    var previous: CalendarDate?
    for date in dates {
      defer { previous = date }
      // Nothing can fire before the child's first row.
      if let earliestRecord, date < earliestRecord { continue }
      let signals = evaluation.firingRules(for: record, asOf: date)
      guard signals.contains(where: isNews) else { continue }
      guard let previous else {
        // The replay's first date: a rule firing here began on this day only if the record did.
        note(signals, alreadyFiring: earliestRecord.map { $0 < date } ?? true)
        continue
      }
      var day = previous.adding(days: 1)
      if let earliestRecord, day < earliestRecord { day = earliestRecord }
      while day < date {
        note(evaluation.firingRules(for: record, asOf: day))
        day = day.adding(days: 1)
      }
      note(signals)
    }
    return firings.keys.sorted().map { firings[$0]! }
  }

  /// `first-fired.csv`.
  public static func firstFiredCSV(_ firings: [FirstFiring]) -> String {
    var csv = CSVOutput(header: [
      "nhs_number", "signal", "first_fired", "severity", "safeguarding_context", "reason",
      "highest_severity", "highest_severity_first_fired", "rule_version", "already_firing_at_start",
    ])
    for firing in firings {
      csv.append([
        firing.first.nhsNumber.description, firing.first.ruleID, firing.first.asOf.description,
        firing.first.severity.rawValue, firing.first.safeguarding?.summary ?? "", firing.first.reason,
        firing.highest.severity.rawValue, firing.highest.asOf.description, String(firing.first.ruleVersion),
        firing.alreadyFiringAtStart ? "true" : "false",
      ])
    }
    return csv.text
  }
}
