import SurveillanceCore
import SurveillanceStore

/// What a community pharmacist sees about one child at the counter: the answer to "is there
/// anything about this child I should know?" before handing over a reliever or making an
/// emergency supply.
///
/// Built the same way from a store generation or from a pharmacy's own exports, so that the
/// two look-ups can never disagree on what they show. Safeguarding appears only as whether a
/// plan is active: the pharmacist needs to know there is one and whom to call, not its type.
public struct PatientCheck: Sendable {
  public var nhsNumber: NHSNumber
  /// The evaluation date of the records.
  public var asOf: CalendarDate
  public var source: Source
  /// `nil` when the records hold nothing about this child.
  public var record: Record?
  /// For a check from exports: rows the exports' reading rejected, in all and holding this
  /// child's NHS number, so that an answer from partial data says it is one.
  public var rejectedRows: RejectedRows?
  /// For a check from a store: what is wrong with the store's records as a whole (out of
  /// date, the last nightly run failed), said before anything else.
  public var warnings: [String] = []
  /// What the month-by-month chart counts as an attack (the rules' `attack` event group).
  public var attackTypes: Set<CareEventType>
  /// For a check from a store: each signal's history (first seen, status tonight) and the
  /// reviews recorded, so a pharmacist knows a signal was already looked at. `nil` from exports.
  public var signalHistory: ChildSignalHistory?

  public struct RejectedRows: Sendable, Equatable {
    public var inFiles: Int
    public var rowsRead: Int
    public var forThisChild: Int
  }

  public enum Source: Sendable, Equatable {
    /// A nightly generation: the run's start time.
    case store(runStartedAt: String)
    /// The pharmacy's own exports, read just now.
    case exports
  }

  public struct Record: Sendable {
    public var ageYears: Int
    /// Most severe first, then in the rules' order.
    public var signals: [Signal]
    /// The last twelve calendar months, oldest first, ending with the evaluation date's month.
    public var months: [MonthlyCounts]
    public var actionPlan: ActionPlanStatus
    /// Whether a safeguarding plan that gives signals context is active on the evaluation date.
    public var safeguardingPlanActive: Bool
    /// Supplies in the last 12 months of respiratory products the tool could not classify,
    /// oldest first: counted by no figure, so a GREEN answer must say they exist.
    public var unclassifiedSupplies: [UnclassifiedSupply] = []
    /// ICS/formoterol (MART or AIR) use, when any was supplied in the last 12 months.
    public var icsFormoterol: ICSFormoterolUse?

    public var trafficLight: TrafficLight { TrafficLight(highest: signals.map(\.severity).max()) }
  }

  /// `child`: the child as one evaluation of its record gave it (from a store: the run's
  /// summary and signals, with the timeline rebuilt from the stored record); `nil` when the
  /// records hold nothing about this child.
  public init(nhsNumber: NHSNumber, asOf: CalendarDate, source: Source, child: EvaluatedChild?, definitions: RecordDefinitions) {
    self.nhsNumber = nhsNumber
    self.asOf = asOf
    self.source = source
    attackTypes = definitions.timeline.eventGroups.attack
    record = child.map { child in
      let summary = child.summary
      let order = Dictionary(summary.signals.enumerated().map { ($1.ruleID, $0) }, uniquingKeysWith: min)
      return Record(
        ageYears: summary.ageYears,
        signals: summary.signals.sorted { ($1.severity, order[$0.ruleID]!) < ($0.severity, order[$1.ruleID]!) },
        months: child.timeline.lastTwelveMonths(courseMergeDays: definitions.courseMergeDays),
        actionPlan: summary.actionPlan,
        safeguardingPlanActive: summary.safeguarding?.isActive == true,
        unclassifiedSupplies: UnclassifiedSupply.lastTwelveMonths(child.timeline),
        icsFormoterol: ICSFormoterolUse(summary))
    }
  }

  /// What the audit trail records as the look-up's outcome.
  public var auditOutcome: AuditOutcome { record == nil ? .noRecord : .found }
}

/// How much ICS/formoterol a child was supplied, as the check shows it: for a child on
/// maintenance and reliever therapy (MART) or an anti-inflammatory reliever (AIR) the one
/// inhaler is both preventer and reliever, so its inhalations a day are the figure to read.
public struct ICSFormoterolUse: Sendable, Equatable {
  public var devices12m: Int
  public var inhalationsPerDay3m: Double
  public var separateRelievers12m: Int

  /// From the child's `children.csv` figures; `nil` when no ICS/formoterol was supplied.
  init?(_ summary: ChildSummary) {
    func figure(_ name: String) -> Double? {
      ChildrenTable.columns.firstIndex { $0.name == name }.flatMap { summary.figures.indices.contains($0) ? summary.figures[$0].value : nil }
    }
    guard let devices = figure("ics_formoterol_devices_12m"), devices > 0 else { return nil }
    devices12m = Int(devices)
    inhalationsPerDay3m = figure("ics_formoterol_doses_per_day_3m") ?? 0
    separateRelievers12m = Int(figure("reliever_devices_12m") ?? 0)
  }

  /// One line for a person at the counter.
  public var sentence: String {
    let perDay = (inhalationsPerDay3m * 10).rounded(.down) / 10
    let inhalers = devices12m == 1 ? "1 inhaler" : "\(devices12m) inhalers"
    let relievers = separateRelievers12m == 0
      ? "no separate reliever, so this inhaler is both preventer and reliever (maintenance and reliever therapy, MART, or an anti-inflammatory reliever, AIR)"
      : "\(separateRelievers12m == 1 ? "1 separate reliever inhaler" : "\(separateRelievers12m) separate reliever inhalers") as well"
    return "Steroid/formoterol inhaler (MART or AIR): \(inhalers) in 12 months, about \(perDay) inhalations a day over the last 3 months from the doses supplied; \(relievers)."
  }
}

/// A supply of a respiratory product the formulary could not classify, as the check shows it.
public struct UnclassifiedSupply: Sendable, Equatable {
  public var date: CalendarDate
  /// The product's name as the export gave it, else the code it was known by.
  public var product: String

  static func lastTwelveMonths(_ timeline: ChildTimeline) -> [UnclassifiedSupply] {
    let window = DateWindow(start: timeline.asOf.startOfMonth.adding(months: -11), end: timeline.asOf)
    return timeline.supplies(in: window).filter { $0.role == .unclassified }
      .sorted { $0.date < $1.date }
      .map { UnclassifiedSupply(date: $0.date, product: $0.primary.drugName.isEmpty ? $0.primary.productKey : $0.primary.drugName) }
  }

}

/// The one-word summary a pharmacist reads first, always printed with its words, never as
/// colour alone.
public enum TrafficLight: String, Sendable, CaseIterable {
  /// An urgent signal: act now.
  case red = "RED"
  /// A priority or review signal.
  case amber = "AMBER"
  /// No current signal.
  case green = "GREEN"

  public init(highest: Severity?) {
    switch highest {
    case .urgent: self = .red
    case .priority, .review: self = .amber
    case nil: self = .green
    }
  }

  /// What the level asks of the person at the counter, from the severity's meaning.
  public static func advice(for severity: Severity?) -> String {
    switch severity {
    case .urgent: return "act now"
    case .priority: return "contact the family or the practice soon"
    case .review: return "look at this at the next routine opportunity"
    case nil: return "nothing in these records needs action"
    }
  }
}
