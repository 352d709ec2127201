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
    public var months: [MonthTally]
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

  /// `eventGroups`: which care events the month-by-month chart counts as attacks (the rules'
  /// `timeline.json`, as for `attacks_12m`).
  public init(nhsNumber: NHSNumber, asOf: CalendarDate, source: Source, child: StoredChild?, eventGroups: CareEventGroups) {
    self.nhsNumber = nhsNumber
    self.asOf = asOf
    self.source = source
    attackTypes = eventGroups.attack
    record = child.map { child in
      let order = Dictionary(child.summary.signals.enumerated().map { ($1.ruleID, $0) }, uniquingKeysWith: min)
      return Record(
        ageYears: child.summary.ageYears,
        signals: child.summary.signals.sorted { ($1.severity, order[$0.ruleID]!) < ($0.severity, order[$1.ruleID]!) },
        months: MonthTally.lastTwelveMonths(supplies: child.supplies, events: child.events, asOf: asOf, attackTypes: eventGroups.attack),
        actionPlan: child.summary.actionPlan,
        safeguardingPlanActive: child.summary.safeguarding?.isActive == true,
        unclassifiedSupplies: UnclassifiedSupply.lastTwelveMonths(child.supplies, asOf: asOf),
        icsFormoterol: ICSFormoterolUse(child.summary))
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

  static func lastTwelveMonths(_ supplies: [StoredSupply], asOf: CalendarDate) -> [UnclassifiedSupply] {
    let first = asOf.startOfMonth.adding(months: -11)
    return supplies.filter { $0.role == .unclassified && $0.date >= first && $0.date <= asOf }
      .sorted { $0.date < $1.date }
      .map { UnclassifiedSupply(date: $0.date, product: $0.drugName.isEmpty ? $0.productKey : $0.drugName) }
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

/// One calendar month of a child's supplies and attacks, for the month-by-month chart.
public struct MonthTally: Sendable, Equatable {
  /// The first day of the month.
  public var month: CalendarDate
  /// Reliever (SABA inhaler) devices.
  public var relievers = 0
  /// Preventer devices, ICS/formoterol (MART/AIR) included, as the figures count them.
  public var preventers = 0
  /// Nebule supplies of any kind.
  public var nebules = 0
  /// Emergency and NHS 111 urgent supplies.
  public var emergencySupplies = 0
  /// Days with care for an asthma attack (the rules' `attack` event group).
  public var attacks = 0

  public init(month: CalendarDate) { self.month = month }

  /// Twelve calendar months ending with the month of `asOf`. Supplies count as the figures
  /// count them: each once, GP issues not dispensed included.
  public static func lastTwelveMonths(
    supplies: [StoredSupply], events: [CareEvent], asOf: CalendarDate, attackTypes: Set<CareEventType>
  ) -> [MonthTally] {
    let first = asOf.startOfMonth.adding(months: -11)
    var months = (0..<12).map { MonthTally(month: first.adding(months: $0)) }
    func index(_ date: CalendarDate) -> Int? {
      guard date >= first, date <= asOf else { return nil }
      return (date.year - first.year) * 12 + date.month - first.month
    }
    for supply in supplies {
      guard let i = index(supply.date) else { continue }
      switch supply.role {
      case .reliever: months[i].relievers += supply.devices
      case .preventer, .icsFormoterol: months[i].preventers += supply.devices
      case .sabaNebule, .otherNebule: months[i].nebules += 1
      default: break
      }
      if supply.status == .emergencySupply { months[i].emergencySupplies += 1 }
    }
    for date in Set(events.filter { attackTypes.contains($0.type) }.map(\.date)) {
      if let i = index(date) { months[i].attacks += 1 }
    }
    return months
  }
}
