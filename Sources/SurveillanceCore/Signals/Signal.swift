/// A rule firing for one child on one date: the finding a clinician or safeguarding lead
/// reviews. It says what fired, why in plain words, on which figures and rows, and which
/// rule version decided it. It is a pattern to look at, never a conclusion about a family.
public struct Signal: Sendable, Equatable {
  public var nhsNumber: NHSNumber
  public var ruleID: String
  public var ruleVersion: Int
  public var title: String
  /// The severity after any safeguarding raise.
  public var severity: Severity
  /// The severity the rule's own level gave.
  public var ruleSeverity: Severity
  public var asOf: CalendarDate
  public var window: DateWindow
  /// The figures that tripped it, in the order the rule names them.
  public var figures: [NamedFigure]
  /// The supply and event rows behind it.
  public var evidence: [SourceRef]
  public var safeguarding: SafeguardingContext?
  public var actionPlan: ActionPlanStatus
  /// Who should see it: the clinician, or the safeguarding lead.
  public var route: String
  public var reason: String
  public var recommendedAction: String

  /// Public so that a store can rebuild a signal it wrote.
  public init(
    nhsNumber: NHSNumber, ruleID: String, ruleVersion: Int, title: String, severity: Severity, ruleSeverity: Severity,
    asOf: CalendarDate, window: DateWindow, figures: [NamedFigure], evidence: [SourceRef], safeguarding: SafeguardingContext?,
    actionPlan: ActionPlanStatus, route: String, reason: String, recommendedAction: String
  ) {
    self.nhsNumber = nhsNumber
    self.ruleID = ruleID
    self.ruleVersion = ruleVersion
    self.title = title
    self.severity = severity
    self.ruleSeverity = ruleSeverity
    self.asOf = asOf
    self.window = window
    self.figures = figures
    self.evidence = evidence
    self.safeguarding = safeguarding
    self.actionPlan = actionPlan
    self.route = route
    self.reason = reason
    self.recommendedAction = recommendedAction
  }

  /// A figure by name: a number, or for some conditions a date.
  public struct NamedFigure: Sendable, Equatable {
    public var name: String
    public var value: Double?
    public var date: CalendarDate?

    public init(name: String, value: Double?, date: CalendarDate? = nil) {
      self.name = name
      self.value = value
      self.date = date
    }

    public var text: String {
      var bytes: [UInt8] = []
      appendText(to: &bytes)
      return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``text`` to `bytes`, without making it.
    func appendText(to bytes: inout [UInt8]) {
      if let date { return bytes.appendDate(date) }
      guard let value else { return bytes.appendText("n/a") }
      if value == value.rounded(), abs(value) < 1e15 { return bytes.appendDecimal(Int(value)) }
      bytes.appendText(String(format2: value))
    }
  }
}

extension String {
  /// Two decimals without Foundation's locale-dependent formatting, cut rather than rounded
  /// so that a figure below a threshold never prints as the threshold (0.4986 is `0.49`).
  init(format2 value: Double) {
    let scaled = Int((value * 100).rounded(.towardZero))
    let sign = scaled < 0 ? "-" : ""
    let magnitude = abs(scaled)
    let fraction = magnitude % 100
    self = "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }
}
