import SurveillanceCore

/// A rule's conditions in words for clinicians reviewing it: "at least 3 reliever (SABA)
/// inhalers in 12 months". The numbers come from the rule file; only the vocabulary's
/// names are here.
enum CriterionWording {
  /// One line per condition, nested conditions as indented lines (two spaces a level).
  static func lines(_ criterion: Criterion, depth: Int = 0) -> [(depth: Int, text: String)] {
    switch criterion {
    case .all(let list):
      return [(depth, "all of these:")] + list.flatMap { lines($0, depth: depth + 1) }
    case .any(let list):
      return [(depth, "any of these:")] + list.flatMap { lines($0, depth: depth + 1) }
    case .not(let inner):
      let innerLines = lines(inner, depth: depth + 1)
      if innerLines.count == 1 { return [(depth, "not: " + innerLines[0].text)] }
      return [(depth, "none of the following holds:")] + innerLines
    case .metric(let condition):
      return [(depth, metric(condition))]
    case .eventWithoutFollowUp(let condition):
      let events = condition.events.map(Words.event).sorted().map { $0.lowercased() }
      let followUps = condition.followUp.map(Words.event).sorted().map { $0.lowercased() }
      return [(depth, "in \(period(condition.window)), \(listed(events, "or")) with no \(listed(followUps, "or")) within \(Words.count(condition.withinWorkingDays, "working day"))")]
    case .actionPlan(let states):
      let words = ActionPlanState.allCases.filter(states.contains).map(actionPlan)
      return [(depth, "the personal asthma action plan is \(listed(words, "or"))")]
    }
  }

  static func metric(_ condition: MetricCondition) -> String {
    let threshold = Words.number(condition.threshold)
    let what = metricName(condition.metric)
    let window = condition.metric.isWindowed ? " in \(period(condition.window))" : ""
    switch condition.comparison {
    case .atLeast: return "at least \(threshold) \(what)\(window)"
    case .moreThan: return "more than \(threshold) \(what)\(window)"
    case .atMost where condition.threshold == 0: return "no \(what)\(window)"
    case .atMost: return "at most \(threshold) \(what)\(window)"
    case .below: return "\(what)\(window) below \(threshold)"
    case .perMonthMoreThan: return "more than \(threshold) \(what) a month on average over \(period(condition.window))"
    }
  }

  /// `P12M` as "12 months", `P30D` as "30 days".
  static func period(_ period: Period) -> String {
    var parts: [String] = []
    if period.months > 0 { parts.append(period.months % 12 == 0 && period.months >= 24 ? Words.count(period.months / 12, "year") : Words.count(period.months, "month")) }
    if period.days > 0 { parts.append(Words.count(period.days, "day")) }
    return parts.joined(separator: " and ")
  }

  static func metricName(_ metric: Metric) -> String {
    switch metric {
    case .relieverDevices: return "reliever (SABA) inhalers"
    case .relieverSupplies: return "supplies of reliever inhalers"
    case .preventerDevices: return "preventer inhalers (steroid, steroid/LABA, montelukast packs, steroid/formoterol)"
    case .icsDevices: return "inhalers containing an inhaled steroid"
    case .icsFormoterolDevices: return "steroid/formoterol (MART or AIR) inhalers"
    case .preventerRatio: return "the preventer ratio (preventer inhalers divided by preventer plus reliever inhalers)"
    case .preventerDaysCovered: return "the proportion of days covered by preventer collected"
    case .preventerHistoryMonths: return "months since the first preventer on record"
    case .nebuleIssues: return "nebule supplies"
    case .gpNebuleIssues: return "nebule supplies issued by the GP practice"
    case .emergencySupplies: return "emergency or NHS 111 urgent supplies"
    case .relieverEmergencySupplies: return "emergency or NHS 111 urgent supplies of relievers"
    case .suppliesWithoutPrescription: return "supplies without a prescription in place"
    case .suppliesBeforePrescription: return "pharmacy supplies made before the GP prescription"
    case .issuedNotDispensed: return "GP issues never dispensed"
    case .preventerIssuedNotDispensed: return "preventer GP issues never dispensed"
    case .oralSteroidCourses: return "oral steroid courses"
    case .labaAloneSupplies: return "supplies of a long-acting bronchodilator without steroid"
    case .pharmacies: return "different pharmacies supplying asthma medicines"
    case .relieverPharmacies: return "different pharmacies supplying relievers"
    case .hospitalAttendances: return "days with an emergency department attendance or hospital admission"
    case .attacks: return "days with an emergency department attendance, admission or out-of-hours treatment"
    case .asthmaReviews: return "asthma reviews"
    case .wasNotBrought: return "appointments the child was not brought to"
    case .unclassifiedSupplies: return "supplies of a respiratory product the tool could not classify"
    case .suppliesBelowLicensedAge: return "supplies of a product licensed only for older patients (adults, for the triple inhalers)"
    case .icsFormoterolDosesPerDay: return "steroid/formoterol (MART or AIR) inhalations a day, from the doses supplied"
    }
  }

  static func actionPlan(_ state: ActionPlanState) -> String {
    switch state {
    case .none: return "missing (none recorded)"
    case .current: return "current"
    case .overdue: return "overdue for review"
    case .unknown: return "unknown (no care events export)"
    }
  }

  static func listed(_ items: [String], _ conjunction: String) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
  }

  static func kind(_ kind: SignalRule.Kind) -> String {
    switch kind {
    case .never: return "never: should not happen in good care"
    case .rare: return "rare: occasionally justified, so each case needs a look"
    case .information: return "information: context that matters mostly alongside other signals"
    }
  }
}
