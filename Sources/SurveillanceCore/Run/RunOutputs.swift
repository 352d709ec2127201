/// Renders a run's tables. Pure: values in, text out; the frontend writes the files.
public struct RunOutputs: Sendable {
  /// Display names of the run's input files, by ``SourceRef/file`` index.
  public let fileNames: [String]

  /// `{"file":"NAME","lines":[` for each file, as the JSON writer would write it.
  private let evidencePrefixes: [[UInt8]]
  /// Each file's name and `:`, how evidence is written in `signals.csv`.
  private let evidenceNames: [[UInt8]]

  public init(fileNames: [String]) {
    self.fileNames = fileNames
    evidencePrefixes = fileNames.map { name in
      var json = JSONText()
      json.beginObject()
      json.string("file", name)
      json.raw("lines", "[")
      return json.bytes
    }
    evidenceNames = fileNames.map { Array(($0 + ":").utf8) }
  }

  /// Calls `body` with each run of `evidence` (sorted by file, then line) from one file.
  ///
  /// Evidence is written one file at a time with its lines after it (`gp.csv:186,187`), not
  /// the file again for every line: a signal of twenty supplies named a long path twenty
  /// times, which was most of the bytes a run wrote and harder to read.
  private func forEachFile(of evidence: [SourceRef], _ body: (_ file: Int, _ refs: ArraySlice<SourceRef>) -> Void) {
    var start = evidence.startIndex
    while start < evidence.endIndex {
      let file = evidence[start].file
      var end = start + 1
      while end < evidence.endIndex, evidence[end].file == file { end += 1 }
      body(Int(file), evidence[start..<end])
      start = end
    }
  }

  /// Appends the line numbers of `refs` separated by commas (`186,187`).
  private static func appendLines(of refs: ArraySlice<SourceRef>, to bytes: inout [UInt8]) {
    for (index, ref) in zip(refs.indices, refs) {
      if index > refs.startIndex { bytes.append(UInt8(ascii: ",")) }
      bytes.appendDecimal(Int(ref.line))
    }
  }

  /// `children.csv`: one row per child in NHS number order.
  public func childrenCSV(_ children: [ChildSummary]) -> String {
    Self.childrenCSVHeader + String(decoding: childrenCSVRowBytes(children), as: UTF8.self)
  }

  /// The header line of `children.csv`.
  public static let childrenCSVHeader = CSVOutput(
    header: ["nhs_number", "age_years", "practice_code"] + ChildrenTable.columns.map(\.name) + [
      "signal_count", "highest_severity", "safeguarding_status", "action_plan_status", "action_plan_review_due",
    ]
  ).text

  /// The rows of `children.csv` for `children`, as UTF-8 without the header: consecutive runs
  /// of children may be rendered apart and joined, as the signal files are. The rows are
  /// written into `buffer`'s storage when one is given (a buffer whose rows were written out).
  public func childrenCSVRowBytes(_ children: [ChildSummary], reusing buffer: consuming [UInt8] = []) -> [UInt8] {
    var csv = CSVOutput(reusing: consume buffer)
    for child in children {
      csv.append(
        [child.nhsNumber.description, String(child.ageYears), child.practiceCode ?? ""]
          + child.figures.map { Self.cell($0.value) }
          + [
            String(child.signals.count), child.highestSeverity?.rawValue ?? "",
            child.safeguarding?.summary ?? "none", child.actionPlan.state.rawValue,
            child.actionPlan.reviewDue?.description ?? "",
          ])
    }
    return csv.bytes
  }

  static func cell(_ value: Double?) -> String {
    guard let value else { return "" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return String(format2: value)
  }

  public static let signalColumns = [
    "nhs_number", "signal", "severity", "rule_severity", "as_of", "window_start", "window_end", "metrics",
    "evidence", "safeguarding_context", "route", "action_plan_status", "reason", "recommended_action", "rule_version",
    "status", "first_seen",
  ]

  /// `signals.csv`: one signal per line, by child then rule. `standings`, one per signal, say
  /// how each stands against the run before; `nil` for a run that keeps no history (no store),
  /// whose `status` and `first_seen` are empty rather than guessed.
  public func signalsCSV(_ signals: [Signal], standings: [SignalStanding]? = nil) -> String {
    Self.signalsCSVHeader + String(decoding: signalsCSVRowBytes(signals, standings: standings), as: UTF8.self)
  }

  /// The header line of `signals.csv`.
  public static let signalsCSVHeader = CSVOutput(header: signalColumns).text

  /// The rows of `signals.csv` for `signals`, as UTF-8 without the header: consecutive runs of
  /// signals may be rendered apart (on several cores) and their bytes written one after another,
  /// into `buffer`'s storage when one is given.
  public func signalsCSVRowBytes(_ signals: [Signal], standings: [SignalStanding]? = nil, reusing buffer: consuming [UInt8] = []) -> [UInt8] {
    var csv = CSVOutput(reusing: consume buffer)
    signals.withUnsafeBufferPointer { signals in
      for index in signals.indices { appendRow(signals[index], standing: standings?[index], to: &csv) }
    }
    return csv.bytes
  }

  /// `signals.jsonl`: the same signals, one JSON object per line, figures as numbers and
  /// evidence as each file with its lines.
  public func signalsJSONLines(_ signals: [Signal], standings: [SignalStanding]? = nil) -> String {
    String(decoding: signalsJSONLineBytes(signals, standings: standings), as: UTF8.self)
  }

  /// `signalsJSONLines` as UTF-8, for writing without a copy into a string; into `buffer`'s
  /// storage when one is given.
  public func signalsJSONLineBytes(_ signals: [Signal], standings: [SignalStanding]? = nil, reusing buffer: consuming [UInt8] = []) -> [UInt8] {
    // One writer for every line: a line's text is not built apart and then copied.
    var json = JSONText(reusing: consume buffer)
    signals.withUnsafeBufferPointer { signals in
      for index in signals.indices { appendLine(signals[index], standing: standings?[index], to: &json) }
    }
    return json.bytes
  }

  // A signal is handed to these where it lies in its list's storage: iterating the list, or
  // reading it by index, copied each one out, retaining every string and list in it, twice a
  // run for each signal (`perf`).

  /// Appends `signal`'s row of `signals.csv`.
  private func appendRow(_ signal: Signal, standing: SignalStanding?, to csv: inout CSVOutput) {
    csv.cell(signal.nhsNumber.description)
    csv.cell(signal.ruleID)
    csv.cell(signal.severity.rawValue)
    csv.cell(signal.ruleSeverity.rawValue)
    csv.cell { $0.appendDate(signal.asOf) }
    csv.cell { $0.appendDate(signal.window.start) }
    csv.cell { $0.appendDate(signal.window.end) }
    csv.cell { bytes in
      for (index, figure) in signal.figures.enumerated() {
        if index > 0 { bytes.appendText("; ") }
        bytes.appendText(figure.name)
        bytes.append(UInt8(ascii: "="))
        figure.appendText(to: &bytes)
      }
    }
    csv.cell { bytes in
      var first = true
      forEachFile(of: signal.evidence) { file, refs in
        if !first { bytes.appendText("; ") }
        first = false
        bytes.append(contentsOf: evidenceNames[file])
        Self.appendLines(of: refs, to: &bytes)
      }
    }
    csv.cell(signal.safeguarding?.summary ?? "")
    csv.cell(signal.route)
    csv.cell(signal.actionPlan.summary)
    csv.cell(signal.reason)
    csv.cell(signal.recommendedAction)
    csv.cell { $0.appendDecimal(signal.ruleVersion) }
    csv.cell(standing?.status.rawValue ?? "")
    csv.cell { bytes in if let standing { bytes.appendDate(standing.firstSeen) } }
    csv.endRow()
  }

  /// Appends `signal`'s line of `signals.jsonl`.
  private func appendLine(_ signal: Signal, standing: SignalStanding?, to json: inout JSONText) {
    json.beginObject()
    json.string("nhs_number", signal.nhsNumber.description)
    json.string("signal", signal.ruleID)
    json.string("title", signal.title)
    json.string("severity", signal.severity.rawValue)
    json.string("rule_severity", signal.ruleSeverity.rawValue)
    json.date("as_of", signal.asOf)
    json.date("window_start", signal.window.start)
    json.date("window_end", signal.window.end)
    json.beginObject("metrics")
    for figure in signal.figures {
      if let date = figure.date { json.date(figure.name, date) } else { json.number(figure.name, figure.value) }
    }
    json.endObject()
    json.beginArray("evidence")
    forEachFile(of: signal.evidence) { file, refs in
      // {"file":...,"lines":[N,...]}, the file's part made once per run rather than per row.
      json.rawElement { bytes in
        bytes.append(contentsOf: evidencePrefixes[file])
        Self.appendLines(of: refs, to: &bytes)
        bytes.append(UInt8(ascii: "]"))
        bytes.append(UInt8(ascii: "}"))
      }
    }
    json.endArray()
    if let context = signal.safeguarding {
      json.beginObject("safeguarding_context")
      json.string("plan_type", context.plan.type.rawValue)
      json.bool("active", context.isActive)
      json.date("start", context.plan.start)
      json.date("end", context.plan.end)
      json.endObject()
    } else {
      json.raw("safeguarding_context", "null")
    }
    json.string("route", signal.route)
    json.beginObject("action_plan_status")
    json.string("state", signal.actionPlan.state.rawValue)
    json.date("last_plan", signal.actionPlan.lastPlanDate)
    json.date("review_due", signal.actionPlan.reviewDue)
    json.endObject()
    json.string("reason", signal.reason)
    json.string("recommended_action", signal.recommendedAction)
    json.int("rule_version", signal.ruleVersion)
    json.string("status", standing?.status.rawValue)
    json.date("first_seen", standing?.firstSeen)
    if let review = standing?.review {
      // That it was reviewed, how and when; never the reviewer's note.
      json.beginObject("review")
      json.string("outcome", review.outcome)
      json.string("reviewed_at", review.reviewedAt)
      json.date("until", review.until)
      json.bool("covers_signal", standing!.coveredByReview)
      json.endObject()
    }
    json.endObject()
    json.endLine()
  }

  /// `unclassified-products.csv`: every product that looked respiratory but that no class
  /// claims, and every product whose code and name disagreed, with what was found, how many
  /// rows named it, when, and one row to find it by. Holds no patient data.
  public func unclassifiedProductsCSV(_ products: [FlaggedProduct]) -> String {
    var csv = CSVOutput(header: [
      "finding", "dmd_code", "bnf_code", "drug_name", "class_used", "role_used", "detail", "rows", "first_date", "last_date", "example",
    ])
    for product in products {
      let example = product.example.map { "\(fileNames[Int($0.file)]):\($0.line)" } ?? ""
      csv.append([
        product.finding.kind, product.dmdCode ?? "", product.bnfCode ?? "", product.name ?? "", product.kept.classID,
        product.kept.role.rawValue, product.finding.detail, String(product.rows), product.firstDate?.description ?? "",
        product.lastDate?.description ?? "", example,
      ])
    }
    return csv.text
  }

  /// `rejects.csv`: every rejected row with its file, line, reason and original values.
  public func rejectsCSV(_ rejects: [RejectedRow]) -> String {
    var csv = CSVOutput(header: ["source_file", "line", "reason", "detail", "original_row"])
    for row in rejects.sorted(by: { $0.source < $1.source }) {
      var original = ""
      for (index, field) in row.fields.enumerated() {
        if index > 0 { original += "," }
        original += CSVOutput.escaped(field)
      }
      csv.append([fileNames[Int(row.source.file)], String(row.source.line), row.reason.rawValue, row.detail, original])
    }
    return csv.text
  }
}
