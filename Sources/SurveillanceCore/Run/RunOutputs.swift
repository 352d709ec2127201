/// Renders a run's tables. Pure: values in, text out; the frontend writes the files.
public struct RunOutputs: Sendable {
  /// Display names of the run's input files, by ``SourceRef/file`` index.
  public let fileNames: [String]

  /// `{"file":"NAME","line":` for each file, as the JSON writer would write it.
  private let evidencePrefixes: [String]

  public init(fileNames: [String]) {
    self.fileNames = fileNames
    evidencePrefixes = fileNames.map { name in
      var json = JSONText()
      json.beginObject()
      json.string("file", name)
      json.raw("line", "")
      return json.text
    }
  }

  private func describe(_ ref: SourceRef) -> String { fileNames[Int(ref.file)] + ":" + String(ref.line) }

  /// `children.csv`: one row per child in NHS number order.
  public func childrenCSV(_ children: [ChildSummary]) -> String {
    var csv = CSVOutput(header: ["nhs_number", "age_years", "practice_code"] + ChildrenTable.columns.map(\.name) + [
      "signal_count", "highest_severity", "safeguarding_status", "action_plan_status", "action_plan_review_due",
    ])
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
    return csv.text
  }

  static func cell(_ value: Double?) -> String {
    guard let value else { return "" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return String(format2: value)
  }

  public static let signalColumns = [
    "nhs_number", "signal", "severity", "rule_severity", "as_of", "window_start", "window_end", "metrics",
    "evidence", "safeguarding_context", "route", "action_plan_status", "reason", "recommended_action", "rule_version",
  ]

  /// `signals.csv`: one signal per line, by child then rule.
  public func signalsCSV(_ signals: [Signal]) -> String {
    Self.signalsCSVHeader + signalsCSVRows(signals)
  }

  /// The header line of `signals.csv`.
  public static let signalsCSVHeader = CSVOutput(header: signalColumns).text

  /// The rows of `signals.csv` for `signals`, without the header: consecutive runs of signals
  /// may be rendered apart (on several cores) and their texts joined.
  public func signalsCSVRows(_ signals: [Signal]) -> String {
    var csv = CSVOutput()
    for signal in signals {
      csv.append([
        signal.nhsNumber.description, signal.ruleID, signal.severity.rawValue, signal.ruleSeverity.rawValue,
        signal.asOf.description, signal.window.start.description, signal.window.end.description,
        signal.figures.map { "\($0.name)=\($0.text)" }.joined(separator: "; "),
        signal.evidence.map(describe).joined(separator: "; "),
        signal.safeguarding?.summary ?? "", signal.route, signal.actionPlan.summary,
        signal.reason, signal.recommendedAction, String(signal.ruleVersion),
      ])
    }
    return csv.text
  }

  /// `signals.jsonl`: the same signals, one JSON object per line, figures as numbers and
  /// evidence as file and line.
  public func signalsJSONLines(_ signals: [Signal]) -> String {
    // One writer for every line: a line's text is not built apart and then copied.
    var json = JSONText()
    for signal in signals {
      json.beginObject()
      json.string("nhs_number", signal.nhsNumber.description)
      json.string("signal", signal.ruleID)
      json.string("title", signal.title)
      json.string("severity", signal.severity.rawValue)
      json.string("rule_severity", signal.ruleSeverity.rawValue)
      json.string("as_of", signal.asOf.description)
      json.string("window_start", signal.window.start.description)
      json.string("window_end", signal.window.end.description)
      json.beginObject("metrics")
      for figure in signal.figures {
        if let date = figure.date { json.string(figure.name, date.description) } else { json.number(figure.name, figure.value) }
      }
      json.endObject()
      json.beginArray("evidence")
      for ref in signal.evidence {
        // {"file":...,"line":N}, the file's part made once per run rather than per row.
        json.rawElement(evidencePrefixes[Int(ref.file)] + String(ref.line) + "}")
      }
      json.endArray()
      if let context = signal.safeguarding {
        json.beginObject("safeguarding_context")
        json.string("plan_type", context.plan.type.rawValue)
        json.bool("active", context.isActive)
        json.string("start", context.plan.start.description)
        json.string("end", context.plan.end?.description)
        json.endObject()
      } else {
        json.raw("safeguarding_context", "null")
      }
      json.string("route", signal.route)
      json.beginObject("action_plan_status")
      json.string("state", signal.actionPlan.state.rawValue)
      json.string("last_plan", signal.actionPlan.lastPlanDate?.description)
      json.string("review_due", signal.actionPlan.reviewDue?.description)
      json.endObject()
      json.string("reason", signal.reason)
      json.string("recommended_action", signal.recommendedAction)
      json.int("rule_version", signal.ruleVersion)
      json.endObject()
      json.endLine()
    }
    return json.text
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
