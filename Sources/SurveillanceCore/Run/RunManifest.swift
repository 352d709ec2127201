/// What happened to one input file: the counts that prove nothing was dropped silently.
public struct InputFileReport: Sendable {
  public var path: String
  public var kind: InputKind
  public var profile: String
  public var sha256: String
  public var bytes: Int
  public var encoding: String
  /// Data rows read (the header not counted). Always `accepted + rejected`.
  public var rowsRead = 0
  public var rowsRejected = 0
  /// Accepted rows that built the timelines.
  public var used = 0
  /// Accepted rows set aside, by why.
  public var outOfScope: [OutOfScope: Int] {
    get { Dictionary(uniqueKeysWithValues: zip(OutOfScope.allCases, outOfScopeCounts).filter { $0.1 > 0 }) }
    set { outOfScopeCounts = OutOfScope.allCases.map { newValue[$0] ?? 0 } }
  }
  /// The same counts in `OutOfScope.allCases` order: counting most rows of an export into a
  /// dictionary keyed by a string-backed enum would hash a string per row.
  private var outOfScopeCounts = [Int](repeating: 0, count: OutOfScope.allCases.count)
  /// Accepted rows that repeated a row of another file (overlapping exports).
  public var duplicates = 0
  public var rejectedByReason: [RejectReason: Int] = [:]
  /// Supply rows of products that looked respiratory but that no class claims (kept on the
  /// children's records, counted by no rule).
  public var unclassifiedRespiratoryRows = 0
  /// Supply rows whose code and name gave different roles.
  public var codeNameConflictRows = 0

  public init(path: String, kind: InputKind, profile: String, sha256: String = "", bytes: Int = 0, encoding: String = "utf-8") {
    self.path = path
    self.kind = kind
    self.profile = profile
    self.sha256 = sha256
    self.bytes = bytes
    self.encoding = encoding
  }

  public var rowsAccepted: Int { rowsRead - rowsRejected }

  public var rejectRate: Double { rowsRead == 0 ? 0 : Double(rowsRejected) / Double(rowsRead) }

  /// Counts one row set aside as `why`: what `count(.outOfScope(why))` does, for a reader that
  /// settled the row without decoding it.
  public mutating func countOutOfScope(_ why: OutOfScope) {
    rowsRead += 1
    outOfScopeCounts[why.ordinal] += 1
  }

  /// Counts the rows of the file's flagged products by what was found.
  public mutating func countFlagged(_ products: [FlaggedProduct]) {
    for product in products {
      switch product.finding {
      case .unclassifiedRespiratory: unclassifiedRespiratoryRows += product.rows
      case .codeNameConflict: codeNameConflictRows += product.rows
      }
    }
  }

  /// Adds the counts of another pass over the same file (``ReadingPass``): each row was counted
  /// by one pass, so the file's counts are the passes' sums.
  public mutating func add(countsOf other: InputFileReport) {
    rowsRead += other.rowsRead
    rowsRejected += other.rowsRejected
    used += other.used
    duplicates += other.duplicates
    for index in outOfScopeCounts.indices { outOfScopeCounts[index] += other.outOfScopeCounts[index] }
    rejectedByReason.merge(other.rejectedByReason, uniquingKeysWith: +)
    unclassifiedRespiratoryRows += other.unclassifiedRespiratoryRows
    codeNameConflictRows += other.codeNameConflictRows
  }

  /// Counts one decoded row.
  public mutating func count(_ row: DecodedRow) {
    rowsRead += 1
    switch row {
    case .supply, .plan, .event: used += 1
    case .outOfScope(let why): outOfScopeCounts[why.ordinal] += 1
    case .rejected(let rejected):
      rowsRejected += 1
      rejectedByReason[rejected.reason, default: 0] += 1
    }
  }
}

/// The run's record of itself, written as `manifest.json`.
public struct RunManifest: Sendable {
  public var command: String
  public var toolVersion: String
  public var asOf: CalendarDate
  public var rulesVersion: String
  public var rulesSHA256: String
  /// Where the rules came from: a folder's path, or "embedded rules (version V)" for the copy
  /// built into the executable. `nil` where it is not known (a manifest read back from a store).
  public var rulesSource: String?
  public var status: String
  public var failure: String?
  public var maxRejectRate: Double
  public var inputs: [InputFileReport]
  /// The kinds of export the run read: what its timelines could know.
  public var kinds: Set<InputKind> { Set(inputs.map(\.kind)) }
  /// Where the manifest keeps the day the run's pharmacy exports begin, when it was given.
  public static let pharmacyDataFromKey = "pharmacy_data_from"
  /// The day the run's pharmacy exports begin (``TimelinePolicy/pharmacyDataFrom``), when
  /// the run was told: a look-up in its store builds the child's timeline the same way.
  public var pharmacyDataFrom: CalendarDate? {
    extra.first { $0.0 == Self.pharmacyDataFromKey }.flatMap { CalendarDate(iso: $0.1) }
  }
  public var childrenCount: Int
  public var excluded: [Exclusion: Int]
  public var signalsByRule: [String: [Severity: Int]]
  public var outputs: [String]
  public var timings: [(String, Double)]
  public var startedAt: String
  public var extra: [(String, String)]
  /// Tonight's worklist against the run before, for a run that keeps history (`--store`).
  public var worklist: WorklistCounts?
  /// Distinct products the run could not classify, and distinct products whose code and name
  /// disagreed (listed in `unclassified-products.csv`).
  public var unclassifiedProducts = 0
  public var conflictingProducts = 0
  /// What the formulary was built from: its version and, where one was used, the dm+d
  /// release or pinned product table (name, value), in order.
  public var formulary: [(String, String)] = []

  public init(
    command: String, toolVersion: String, asOf: CalendarDate, rulesVersion: String, rulesSHA256: String,
    status: String = "ok", failure: String? = nil, maxRejectRate: Double, inputs: [InputFileReport],
    childrenCount: Int, excluded: [Exclusion: Int], signalsByRule: [String: [Severity: Int]], outputs: [String],
    timings: [(String, Double)], startedAt: String, extra: [(String, String)] = []
  ) {
    self.command = command
    self.toolVersion = toolVersion
    self.asOf = asOf
    self.rulesVersion = rulesVersion
    self.rulesSHA256 = rulesSHA256
    self.status = status
    self.failure = failure
    self.maxRejectRate = maxRejectRate
    self.inputs = inputs
    self.childrenCount = childrenCount
    self.excluded = excluded
    self.signalsByRule = signalsByRule
    self.outputs = outputs
    self.timings = timings
    self.startedAt = startedAt
    self.extra = extra
  }

  /// Notes the run's flagged products and what its formulary was built from.
  public mutating func record(_ products: [FlaggedProduct], formulary: [(String, String)]) {
    unclassifiedProducts = products.filter { if case .unclassifiedRespiratory = $0.finding { true } else { false } }.count
    conflictingProducts = products.count - unclassifiedProducts
    self.formulary = formulary
  }

  /// Signals counted by rule and severity from a list.
  public static func count(_ signals: [Signal]) -> [String: [Severity: Int]] {
    var counts: [String: [Severity: Int]] = [:]
    for signal in signals { counts[signal.ruleID, default: [:]][signal.severity, default: 0] += 1 }
    return counts
  }

  public var json: String {
    var json = JSONText()
    json.beginObject()
    json.string("tool", "asthma-surveillance")
    json.string("tool_version", toolVersion)
    json.string("command", command)
    json.string("status", status)
    json.string("failure", failure)
    json.string("as_of", asOf.description)
    json.string("rules_version", rulesVersion)
    json.string("rules_sha256", rulesSHA256)
    if let rulesSource, !rulesSource.isEmpty { json.string("rules_source", rulesSource) }
    json.string("started_at", startedAt)
    json.number("max_reject_rate", maxRejectRate)
    json.beginArray("inputs")
    for input in inputs {
      json.beginObject()
      json.string("path", input.path)
      json.string("kind", input.kind.rawValue)
      json.string("profile", input.profile)
      json.string("sha256", input.sha256)
      json.int("bytes", input.bytes)
      json.string("encoding", input.encoding)
      json.int("rows_read", input.rowsRead)
      json.int("rows_accepted", input.rowsAccepted)
      json.int("rows_rejected", input.rowsRejected)
      json.number("reject_rate", (input.rejectRate * 10000).rounded() / 10000)
      json.beginObject("accepted")
      json.int("used", input.used - input.duplicates)
      json.int("duplicate", input.duplicates)
      for why in OutOfScope.allCases { json.int(why.rawValue, input.outOfScope[why] ?? 0) }
      json.endObject()
      json.beginObject("rejected_by_reason")
      for reason in RejectReason.allCases where input.rejectedByReason[reason] != nil {
        json.int(reason.rawValue, input.rejectedByReason[reason]!)
      }
      json.endObject()
      json.beginObject("products")
      json.int("unclassified_respiratory_rows", input.unclassifiedRespiratoryRows)
      json.int("code_name_conflict_rows", input.codeNameConflictRows)
      json.endObject()
      json.endObject()
    }
    json.endArray()
    json.beginObject("totals")
    json.int("rows_read", inputs.reduce(0) { $0 + $1.rowsRead })
    json.int("rows_accepted", inputs.reduce(0) { $0 + $1.rowsAccepted })
    json.int("rows_rejected", inputs.reduce(0) { $0 + $1.rowsRejected })
    json.endObject()
    json.beginObject("products")
    json.int("unclassified_respiratory", unclassifiedProducts)
    json.int("code_name_conflict", conflictingProducts)
    json.int("unclassified_respiratory_rows", inputs.reduce(0) { $0 + $1.unclassifiedRespiratoryRows })
    json.int("code_name_conflict_rows", inputs.reduce(0) { $0 + $1.codeNameConflictRows })
    json.endObject()
    if !formulary.isEmpty {
      json.beginObject("formulary")
      for (key, value) in formulary { json.string(key, value) }
      json.endObject()
    }
    json.beginObject("children")
    json.int("count", childrenCount)
    json.beginObject("excluded")
    for why in Exclusion.allCases { json.int(why.rawValue, excluded[why] ?? 0) }
    json.endObject()
    json.endObject()
    json.beginObject("signals")
    json.int("total", signalsByRule.values.reduce(0) { $0 + $1.values.reduce(0, +) })
    json.beginObject("by_severity")
    for severity in Severity.allCases {
      json.int(severity.rawValue, signalsByRule.values.reduce(0) { $0 + ($1[severity] ?? 0) })
    }
    json.endObject()
    json.beginObject("by_rule")
    for rule in signalsByRule.keys.sorted() {
      json.beginObject(rule)
      for severity in Severity.allCases where signalsByRule[rule]![severity] != nil {
        json.int(severity.rawValue, signalsByRule[rule]![severity]!)
      }
      json.endObject()
    }
    json.endObject()
    json.endObject()
    worklist?.write(to: &json)
    for (key, value) in extra { json.string(key, value) }
    json.beginArray("outputs")
    for output in outputs { json.string(nil, output) }
    json.endArray()
    json.beginObject("timings_seconds")
    for (name, seconds) in timings { json.number(name, (seconds * 1000).rounded() / 1000) }
    json.endObject()
    json.endObject()
    return json.text + "\n"
  }
}
