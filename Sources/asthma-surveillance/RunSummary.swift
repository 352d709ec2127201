import SurveillanceCore

/// The last line of a run, for the person who started it: what came of it in one sentence.
enum RunSummary {
  static func line(_ manifest: RunManifest) -> String {
    var bySeverity: [Severity: Int] = [:]
    for counts in manifest.signalsByRule.values {
      for (severity, count) in counts { bySeverity[severity, default: 0] += count }
    }
    let signals = bySeverity.values.reduce(0, +)
    let severities = Severity.allCases.reversed().map { "\(bySeverity[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
    let read = manifest.inputs.reduce(0) { $0 + $1.rowsRead }
    let rejected = manifest.inputs.reduce(0) { $0 + $1.rowsRejected }
    var parts = [
      "\(manifest.status == "ok" ? "done" : "FAILED") as of \(manifest.asOf): \(manifest.childrenCount) children, \(signals) signal(s) (\(severities))",
      "\(read) rows read, \(rejected) rejected (each in rejects.csv)",
    ]
    if let worklist = manifest.worklist, manifest.status == "ok" {
      let severities = Severity.allCases.reversed().compactMap { severity in worklist.childrenBySeverity[severity].map { "\($0) \(severity.rawValue)" } }
      parts.append("worklist: \(worklist.children) child(ren) to look at tonight" + (severities.isEmpty ? "" : " (\(severities.joined(separator: ", ")))") + " in worklist.csv")
    }
    if manifest.unclassifiedProducts + manifest.conflictingProducts > 0 {
      parts.append("\(manifest.unclassifiedProducts + manifest.conflictingProducts) product(s) to review in unclassified-products.csv")
    }
    return parts.joined(separator: "; ")
  }
}
