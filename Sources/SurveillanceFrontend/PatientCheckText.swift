import SurveillanceCore

/// The patient check as a person reads it at a counter terminal: plain words first, the
/// traffic light always spelled out, colour only as an extra (and only when asked for).
public struct PatientCheckText: Sendable {
  /// ANSI colour; the executable turns it on for a terminal without `NO_COLOR`.
  public var colour: Bool
  public var width = 80

  public init(colour: Bool) { self.colour = colour }

  public func render(_ check: PatientCheck) -> String {
    var lines = ["Asthma check for NHS number \(check.nhsNumber.spaced)"]
    for warning in check.warnings {
      lines.append(contentsOf: wrap(paint("WARNING:", "1;31") + " " + warning))
    }
    let provenance: String
    switch check.source {
    case .store(let started): provenance = "Records as of \(check.asOf) (nightly run started \(started))"
    case .exports: provenance = "Records as of \(check.asOf) (from the exports given)"
    }
    guard let record = check.record else {
      if let rejected = check.rejectedRows, rejected.forThisChild > 0 {
        lines.append(contentsOf: wrap(
          "No usable record of this child: \(Self.rows(rejected.forThisChild)) holding this NHS number were rejected when the exports were read (a bad date, quantity or product), so nothing can be said from them. \(provenance). Ask for the exports to be checked; a nightly run lists each rejected row in rejects.csv."))
        return lines.joined(separator: "\n") + "\n"
      }
      lines.append(contentsOf: wrap("No record of this child. \(provenance)."))
      lines.append(contentsOf: wrap(
        "The records hold children with recent asthma supplies or care events. No record means nothing to report here, not that the child has no asthma."))
      return lines.joined(separator: "\n") + "\n"
    }
    lines.append(contentsOf: wrap("Age \(record.ageYears). \(provenance)."))
    lines.append("")
    lines.append(contentsOf: summaryLines(record))
    if let rejected = check.rejectedRows, let note = Self.partialDataNote(rejected) { lines.append(contentsOf: wrap(note)) }
    if let use = record.icsFormoterol { lines.append(contentsOf: wrap(use.sentence)) }
    if !record.unclassifiedSupplies.isEmpty {
      lines.append(contentsOf: wrap(Self.unclassifiedNote(record.unclassifiedSupplies)))
    }
    if !record.signals.isEmpty {
      lines.append("")
      lines.append("Current signals")
      for signal in record.signals {
        lines.append("  " + paint(signal.severity.rawValue.uppercased(), Self.severityColour(signal.severity)) + "  " + signal.title)
        lines.append(contentsOf: wrap("Why: " + signal.reason, indent: "    ", hanging: "         "))
        lines.append(contentsOf: wrap("What to do: " + signal.recommendedAction, indent: "    ", hanging: "                "))
        if let history = check.signalHistory, let line = Self.historyLine(signal.ruleID, history) {
          lines.append(contentsOf: wrap("History: " + line, indent: "    ", hanging: "             "))
        }
      }
    }
    lines.append("")
    lines.append(contentsOf: chart(record.months, attackTypes: check.attackTypes))
    lines.append("")
    lines.append(contentsOf: wrap("Action plan: " + Self.actionPlan(record.actionPlan)))
    lines.append(
      "Safeguarding context: "
        + (record.safeguardingPlanActive ? paint("yes, contact the practice safeguarding lead", "1") : "none known"))
    lines.append("")
    lines.append(contentsOf: wrap("Signals point to patterns to look at; they are not a diagnosis or a judgement about the family."))
    return lines.joined(separator: "\n") + "\n"
  }

  // MARK: Parts

  private func summaryLines(_ record: PatientCheck.Record) -> [String] {
    let light = record.trafficLight
    let highest = record.signals.map(\.severity).max()
    let word = paint(light.rawValue, Self.lightColour(light))
    guard let highest else { return wrap("\(word): no current signals; \(TrafficLight.advice(for: nil)).") }
    let count = record.signals.count == 1 ? "1 current signal" : "\(record.signals.count) current signals"
    return wrap("\(word): \(TrafficLight.advice(for: highest)) (\(count), the highest \(highest.rawValue)).")
  }

  /// The kinds of care counted as an attack, in the order the exports' vocabulary lists them.
  public static func attackWords(_ types: Set<CareEventType>) -> String {
    let words = CareEventType.allCases.filter(types.contains).map { type -> String in
      switch type {
      case .edAttendance: return "A&E"
      case .hospitalAdmission: return "admission"
      case .outOfHoursTreatment: return "out-of-hours treatment"
      case .diagnosis: return "diagnosis"
      case .asthmaReview: return "asthma review"
      case .actionPlanIssued: return "action plan issued"
      case .actionPlanReviewed: return "action plan reviewed"
      case .inhalerTechniqueCheck: return "inhaler technique check"
      case .wasNotBrought: return "not brought"
      }
    }
    guard let last = words.last else { return "none" }
    return words.count == 1 ? last : words.dropLast().joined(separator: ", ") + " or " + last
  }

  /// Twelve lines, one a month: a letter per device, then what else happened.
  private func chart(_ months: [MonthlyCounts], attackTypes: Set<CareEventType>) -> [String] {
    var lines = wrap(
      "Last 12 months, one letter a device: R reliever inhaler, P preventer (inhaler or tablets); attack: \(Self.attackWords(attackTypes))")
    for month in months {
      let relievers = bar(month.relieverDevices, letter: "R", colour: "34")
      let preventers = bar(month.preventerDevices, letter: "P", colour: "35")
      let line = "  \(Self.monthName(month.month))  \(relievers)\(preventers)\(Self.extras(month))"
      lines.append(trimmedRight(line))
    }
    let total = MonthlyCounts.total(months)
    let totals = [
      Self.counted(total.relieverDevices, "reliever", "relievers"), Self.counted(total.preventerDevices, "preventer", "preventers"),
      Self.counted(total.nebuleIssues, "nebule supply", "nebule supplies"),
      Self.counted(total.emergencySupplies, "emergency supply", "emergency supplies"), Self.counted(total.attacks, "attack", "attacks"),
    ]
    // Wrapped between items, never inside one ("1 attack" stays together).
    var line = "  In all    "
    for (index, item) in totals.enumerated() {
      let piece = item + (index < totals.count - 1 ? "," : "")
      if line.count + 1 + piece.count > width, line.count > 12 {
        lines.append(line)
        line = String(repeating: " ", count: 12)
      }
      line += (line.count > 12 ? " " : "") + piece
    }
    lines.append(line)
    return lines
  }

  /// A fixed-width cell: up to ten letters, then `+n` for the rest; `-` for none.
  private func bar(_ count: Int, letter: String, colour: String) -> String {
    let cap = 10
    let plain = count == 0 ? "-" : String(repeating: letter, count: min(count, cap)) + (count > cap ? "+\(count - cap)" : "")
    let padding = String(repeating: " ", count: max(1, 15 - plain.count))
    return (count == 0 ? plain : paint(plain, colour)) + padding
  }

  private static func extras(_ month: MonthlyCounts) -> String {
    var words: [String] = []
    if month.nebuleIssues > 0 { words.append(month.nebuleIssues == 1 ? "nebules" : "nebules x\(month.nebuleIssues)") }
    if month.emergencySupplies > 0 { words.append(month.emergencySupplies == 1 ? "emergency supply" : "emergency supplies x\(month.emergencySupplies)") }
    if month.attacks > 0 { words.append(month.attacks == 1 ? "attack" : "attacks x\(month.attacks)") }
    return words.joined(separator: ", ")
  }

  static func rows(_ count: Int) -> String { count == 1 ? "1 row" : "\(count) rows" }

  /// What a check from partial exports must say: rows were rejected, and how many were this
  /// child's. `nil` when nothing was rejected.
  static func partialDataNote(_ rejected: PatientCheck.RejectedRows) -> String? {
    guard rejected.inFiles > 0 else { return nil }
    let share = rejected.rowsRead == 0 ? 0 : Int((Double(rejected.inFiles) / Double(rejected.rowsRead) * 100).rounded(.up))
    let child = switch rejected.forThisChild {
    case 0: "none of them holds this child's NHS number"
    case 1: "1 of them holds this child's NHS number and is not counted"
    default: "\(rejected.forThisChild) of them hold this child's NHS number and are not counted"
    }
    return "Partial data: \(rows(rejected.inFiles)) of the exports (about \(share)%) were rejected when read; \(child)."
  }

  /// What the check could not count, said so that GREEN is not read as well controlled.
  static func unclassifiedNote(_ supplies: [UnclassifiedSupply]) -> String {
    let count = supplies.count == 1 ? "1 supply" : "\(supplies.count) supplies"
    let listed = supplies.prefix(3).map { "\($0.product), \($0.date)" }.joined(separator: "; ")
    let more = supplies.count > 3 ? "; and \(supplies.count - 3) more" : ""
    return "Not counted: \(count) of a respiratory product the tool could not classify (\(listed)\(more)). "
      + "The figures and signals above leave it out; check what it was."
  }

  static func actionPlan(_ status: ActionPlanStatus) -> String {
    switch status.state {
    case .current:
      return "current (last issued or reviewed \(status.lastPlanDate?.description ?? "?"), review due \(status.reviewDue?.description ?? "?"))"
    case .overdue:
      return "review overdue (last issued or reviewed \(status.lastPlanDate?.description ?? "?"), review was due \(status.reviewDue?.description ?? "?"))"
    case .none: return "none on record"
    case .unknown: return "unknown (these records have no asthma care events)"
    }
  }

  private static func counted(_ count: Int, _ one: String, _ many: String) -> String {
    count == 1 ? "1 \(one)" : "\(count) \(many)"
  }

  private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  static func monthName(_ date: CalendarDate) -> String { "\(monthNames[date.month - 1]) \(date.year)" }

  // MARK: Colour and wrapping

  private static func severityColour(_ severity: Severity) -> String {
    switch severity {
    case .urgent: return "1;31"
    case .priority: return "1;33"
    case .review: return "1"
    }
  }

  private static func lightColour(_ light: TrafficLight) -> String {
    switch light {
    case .red: return "1;31"
    case .amber: return "1;33"
    case .green: return "1;32"
    }
  }

  private func paint(_ text: String, _ code: String) -> String {
    colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  private func trimmedRight(_ line: String) -> String {
    var line = line
    while line.last == " " { line.removeLast() }
    return line
  }

  /// Words wrapped to ``width``, escape sequences not counted.
  private func wrap(_ text: String, indent: String = "", hanging: String? = nil) -> [String] {
    var lines: [String] = []
    var line = indent
    var visible = indent.count
    var words = 0
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      let length = Self.visibleLength(word)
      if words > 0, visible + 1 + length > width {
        lines.append(line)
        line = hanging ?? indent
        visible = line.count
        words = 0
      }
      if words > 0 {
        line += " "
        visible += 1
      }
      line += word
      visible += length
      words += 1
    }
    lines.append(line)
    return lines
  }

  private static func visibleLength(_ text: Substring) -> Int {
    var count = 0
    var inEscape = false
    for character in text {
      if character == "\u{1B}" {
        inEscape = true
      } else if inEscape {
        if character == "m" { inEscape = false }
      } else {
        count += 1
      }
    }
    return count
  }

  /// `first seen 2026-11-21 (continuing in this run); reviewed 2026-11-22: practice-informed`
  /// for a signal from a store: that it was reviewed, how and when, never the reviewer's note.
  static func historyLine(_ ruleID: String, _ history: ChildSignalHistory) -> String? {
    var parts: [String] = []
    if let seen = history.sightings[ruleID] { parts.append("first seen \(seen.sighting.firstSeen) (\(seen.status.rawValue) in this run)") }
    for review in history.reviews(of: ruleID) {
      parts.append("reviewed \(review.reviewedOn?.description ?? review.reviewedAt): \(review.outcome)" + (review.until.map { ", look again after \($0)" } ?? ""))
    }
    return parts.isEmpty ? nil : parts.joined(separator: "; ")
  }
}
