/// One child who needs a look tonight: the signals that are new, escalated, back from a lapsed
/// review or behind new evidence, with the child's context. A child whose signals all continue
/// unchanged, or are covered by a review, is not on the worklist: they were on it when new.
public struct WorklistEntry: Sendable, Equatable {
  public var nhsNumber: NHSNumber
  public var practiceCode: String?
  public var ageYears: Int
  public var safeguarding: SafeguardingContext?
  /// The signals that put the child here, most severe first.
  public var items: [Item]
  /// The child's other signals tonight (continuing, de-escalated, or covered by a review).
  public var otherSignals: Int

  /// One signal that asks for a look: what the worklist says of it.
  public struct Item: Sendable, Equatable {
    public var ruleID: String
    public var title: String
    public var severity: Severity
    public var standing: SignalStanding

    public init(ruleID: String, title: String, severity: Severity, standing: SignalStanding) {
      self.ruleID = ruleID
      self.title = title
      self.severity = severity
      self.standing = standing
    }

    public init(signal: Signal, standing: SignalStanding) {
      self.init(ruleID: signal.ruleID, title: signal.title, severity: signal.severity, standing: standing)
    }
  }

  /// The child's entry from every signal's item, or `nil` when none asks for a look.
  public init?(nhsNumber: NHSNumber, practiceCode: String?, ageYears: Int, safeguarding: SafeguardingContext?, signals: [Item]) {
    let items = signals.filter(\.standing.isOnWorklist)
    guard !items.isEmpty else { return nil }
    self.nhsNumber = nhsNumber
    self.practiceCode = practiceCode
    self.ageYears = ageYears
    self.safeguarding = safeguarding
    self.items = items.sorted { $0.severity > $1.severity }
    otherSignals = signals.count - items.count
  }

  /// The child's entry from tonight's evaluation, or `nil` when none of the signals asks for a look.
  public init?(summary: ChildSummary, standings: [SignalStanding]) {
    self.init(
      nhsNumber: summary.nhsNumber, practiceCode: summary.practiceCode, ageYears: summary.ageYears, safeguarding: summary.safeguarding,
      signals: zip(summary.signals, standings).map { Item(signal: $0.0, standing: $0.1) })
  }

  public var highestSeverity: Severity { items.map(\.severity).max()! }

  /// The latest supply or event behind the signals here; `nil` when none has rows behind it
  /// (a missing action plan, say), which ranks after any date.
  public var latestEvidence: CalendarDate? { items.compactMap(\.standing.evidenceThrough).max() }

  /// Tonight's order: the most severe first; then children with an active safeguarding plan,
  /// then a recently ended one, then none; then the most recent evidence first; then by NHS number.
  public static func ranked(_ entries: [WorklistEntry]) -> [WorklistEntry] {
    func safeguardingRank(_ entry: WorklistEntry) -> Int { entry.safeguarding.map { $0.isActive ? 2 : 1 } ?? 0 }
    return entries.sorted { a, b in
      if a.highestSeverity != b.highestSeverity { return a.highestSeverity > b.highestSeverity }
      if safeguardingRank(a) != safeguardingRank(b) { return safeguardingRank(a) > safeguardingRank(b) }
      if a.latestEvidence != b.latestEvidence {
        guard let later = a.latestEvidence else { return false }
        guard let earlier = b.latestEvidence else { return true }
        return later > earlier
      }
      return a.nhsNumber < b.nhsNumber
    }
  }

  /// Why each signal is here, in plain words, one sentence per signal.
  public var reasons: String {
    items.map { item in
      let standing = item.standing
      let title = item.title
      let severity = item.severity.rawValue
      switch standing.status {
      case .new:
        return "\(title): new tonight (\(severity))."
      case .escalated:
        if let review = standing.review, review.leavesWorklist, item.severity > review.severity {
          return "\(title): now \(severity), above the \(review.severity.rawValue) it was when reviewed on \(review.reviewedOn?.description ?? review.reviewedAt) (\(review.outcome))."
        }
        return "\(title): escalated from \(standing.previousSeverity?.rawValue ?? "?") to \(severity) since the last run."
      case .newEvidence:
        let review = standing.review
        return "\(title) (\(severity)): a supply or event dated \(standing.evidenceThrough?.description ?? "?") is behind it, after the review of \(review?.reviewedOn?.description ?? "?") (\(review?.outcome ?? "?"))."
      case .reviewLapsed:
        let review = standing.review
        return "\(title) (\(severity)): still firing after \(review?.until?.description ?? "?"), the date the review of \(review?.reviewedOn?.description ?? "?") (\(review?.outcome ?? "?")) said to look again."
      case .continuing, .deEscalated:
        return "\(title) (\(severity)): \(standing.status.rawValue)."
      }
    }.joined(separator: " ")
  }
}

/// How tonight's worklist and the signals that stopped firing are written. Pure: values in,
/// text out.
public enum WorklistOutputs {
  public static let worklistColumns = [
    "rank", "nhs_number", "practice_code", "age_years", "highest_severity", "safeguarding_context", "signals", "reasons",
    "first_seen", "latest_evidence", "other_signals",
  ]

  /// `worklist.csv`, or one practice's: the entries in the order given (ranked), numbered from 1.
  public static func worklistCSV(_ entries: [WorklistEntry]) -> String {
    var csv = CSVOutput(header: worklistColumns)
    for (index, entry) in entries.enumerated() {
      csv.append([
        String(index + 1), entry.nhsNumber.description, entry.practiceCode ?? "", String(entry.ageYears), entry.highestSeverity.rawValue,
        entry.safeguarding?.summary ?? "none",
        entry.items.map { "\($0.ruleID) (\($0.standing.status.rawValue), \($0.severity.rawValue))" }.joined(separator: "; "),
        entry.reasons, entry.items.map(\.standing.firstSeen).min()!.description, entry.latestEvidence?.description ?? "",
        String(entry.otherSignals),
      ])
    }
    return csv.text
  }

  /// The file a practice's worklist goes in under `worklist/`: the practice code where it is a
  /// plain code, so that no code can name a path outside the folder.
  public static func practiceFileName(_ practiceCode: String?) -> String {
    guard let code = practiceCode, !code.isEmpty, code.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) })
    else {
      return practiceCode.map { "practice-" + $0.utf8.map { String($0, radix: 16) }.joined() + ".csv" } ?? "no-practice.csv"
    }
    return code + ".csv"
  }

  public static let resolvedColumns = ["nhs_number", "signal", "last_severity", "first_seen", "last_seen", "why", "detail"]

  /// `resolved.csv`: the run before's signals that no longer fire, by NHS number then rule.
  public static func resolvedCSV(_ resolved: [ResolvedSignal]) -> String {
    var csv = CSVOutput(header: resolvedColumns)
    for item in resolved.sorted(by: { ($0.nhsNumber, $0.sighting.ruleID) < ($1.nhsNumber, $1.sighting.ruleID) }) {
      csv.append([
        item.nhsNumber.description, item.sighting.ruleID, item.sighting.severity.rawValue, item.sighting.firstSeen.description,
        item.lastSeen.description, item.why.code, item.why.words,
      ])
    }
    return csv.text
  }
}

/// What the manifest and the end-of-run summary say of the worklist.
public struct WorklistCounts: Sendable, Equatable {
  /// The run compared against; `nil` for a first run.
  public var baselineAsOf: CalendarDate?
  public var children = 0
  /// Signals on the worklist, by status.
  public var byStatus: [SignalStatus: Int] = [:]
  /// Children on the worklist, by their highest severity there.
  public var childrenBySeverity: [Severity: Int] = [:]
  /// Signals kept off the worklist by a review.
  public var coveredByReview = 0
  /// Signals of the run before that no longer fire.
  public var resolved = 0

  public init(baselineAsOf: CalendarDate?) { self.baselineAsOf = baselineAsOf }

  public mutating func add(_ entry: WorklistEntry) {
    children += 1
    childrenBySeverity[entry.highestSeverity, default: 0] += 1
    for item in entry.items { byStatus[item.standing.status, default: 0] += 1 }
  }

  /// `12 children: 10 new, 1 escalated, 1 review-lapsed signal(s)`.
  public var summary: String {
    let statuses = SignalStatus.allCases.compactMap { status in byStatus[status].map { "\($0) \(status.rawValue)" } }
    return "\(children) child(ren) on the worklist" + (statuses.isEmpty ? "" : " (signals: " + statuses.joined(separator: ", ") + ")")
      + "; \(coveredByReview) signal(s) covered by a review; \(resolved) signal(s) resolved since "
      + (baselineAsOf.map { "the run as of \($0)" } ?? "no earlier run (first run with this store)")
  }

  /// The manifest's `worklist` object.
  public func write(to json: inout JSONText) {
    json.beginObject("worklist")
    json.string("compared_with_run_as_of", baselineAsOf?.description)
    json.int("children", children)
    json.beginObject("children_by_severity")
    for severity in Severity.allCases.reversed() { json.int(severity.rawValue, childrenBySeverity[severity] ?? 0) }
    json.endObject()
    json.beginObject("signals_by_status")
    for status in SignalStatus.allCases where status.asksForALook { json.int(status.rawValue, byStatus[status] ?? 0) }
    json.endObject()
    json.int("signals_covered_by_review", coveredByReview)
    json.int("resolved", resolved)
    json.endObject()
  }
}
