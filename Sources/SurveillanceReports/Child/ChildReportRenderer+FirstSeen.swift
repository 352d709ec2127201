import SurveillanceCore

extension ChildReportRenderer {
  /// "When could this have been seen?": each signal's first firing in the replay, what it
  /// said then, and the guidance of the rule that raised it.
  func firstSeen(_ html: inout HTMLText) {
    html.element("section", ["aria-labelledby": "first-seen"]) { html in
      html.newline()
      html.element("h2", ["id": "first-seen"], "When could this have been seen?")
      html.newline()
      html.element("p", "Each signal below is listed with the day it first fired when the record was replayed \(Words.step(report.replayStep)) from \(report.replayFrom) to \(report.asOf), using on each day only the rows these exports held by then: the replay finds the \(report.replayStep.rawValue) a pattern appeared, then the day within it (the day of the supply or event that tipped it). A signal already firing when the replay starts says so; when it began is earlier, and a replay from an earlier date would find it. A date here says when a pattern was in the data, not when anyone should have acted: the exports reached each system at their own pace, and nobody looked across them.")
      html.newline()
      let now = Dictionary(report.signals.map { ($0.ruleID, $0) }, uniquingKeysWith: { a, _ in a })
      let table = ReportTable(
        caption: "Signals in the order they first fired",
        columns: [
          .init("No.", csv: "number", numeric: true), .init("Signal", csv: "signal"), .init("First fired", csv: "first_fired", oneLine: true),
          .init("Severity then", csv: "severity"), .init("Safeguarding context then", csv: "safeguarding_context"),
          .init("Why it fired then", csv: "reason"), .init("Highest severity reached", csv: "highest_severity"),
          .init("On the report date", csv: "on_report_date"),
        ],
        rows: report.firstFirings.enumerated().map { index, firing in
          let first = firing.first
          let raised = first.severity == first.ruleSeverity ? "" : " (rule level \(first.ruleSeverity.rawValue), raised for safeguarding)"
          return [
            String(index + 1), "\(first.title) (\(first.ruleID))", Self.firstFired(firing), first.severity.rawValue + raised,
            first.safeguarding?.summary ?? "none", first.reason,
            firing.highest.severity == first.severity ? first.severity.rawValue : "\(firing.highest.severity.rawValue) from \(firing.highest.asOf)",
            now[first.ruleID].map { "firing, \($0.severity.rawValue)" } ?? "not firing",
          ]
        },
        emptyText: "no signal fired on any replay date.")
      html.append(table.html)
      for (index, firing) in report.firstFirings.enumerated() {
        guard let rule = report.rule(firing.first.ruleID) else { continue }
        guidance(&html, rule: rule, number: index + 1, firing: firing)
      }
    }
    html.newline()
  }

  /// The first day, or that the signal was already firing when the replay began.
  /// "Nightly runs and reviews": since when each current signal has fired in the nightly runs,
  /// and every review recorded, so a panel sees what was looked at and when.
  func reviews(_ html: inout HTMLText, _ history: ChildSignalHistory) {
    html.element("section", ["aria-labelledby": "reviews"]) { html in
      html.newline()
      html.element("h2", ["id": "reviews"], "Nightly runs and reviews")
      html.newline()
      html.element("p", "From the store's nightly runs: for each signal firing on the report date, the first nightly run of its unbroken stretch, its status in the last run, and each review a clinician recorded with its outcome (a note they kept is not shown).")
      html.newline()
      let signals = report.signals.map(\.ruleID) + history.reviews.map(\.ruleID).filter { id in !report.signals.contains { $0.ruleID == id } }
      var seen: Set<String> = []
      let rows = signals.filter { seen.insert($0).inserted }.map { ruleID -> [String] in
        let sighting = history.sightings[ruleID]
        let reviews = history.reviews(of: ruleID).map { review in
          "\(review.reviewedOn?.description ?? review.reviewedAt): \(review.outcome)" + (review.until.map { ", look again after \($0)" } ?? "")
        }
        return [
          "\(report.rule(ruleID)?.title ?? ruleID) (\(ruleID))", sighting?.sighting.firstSeen.description ?? "not firing",
          sighting?.status.rawValue ?? "", reviews.isEmpty ? "none" : reviews.joined(separator: "; "),
        ]
      }
      let table = ReportTable(
        caption: "Signals in the nightly runs, and their reviews",
        columns: [
          .init("Signal", csv: "signal"), .init("First seen in a nightly run", csv: "first_seen", oneLine: true),
          .init("Status in the last run", csv: "status"), .init("Reviews", csv: "reviews"),
        ],
        rows: rows, emptyText: "no signal fires and none was reviewed.")
      html.append(table.html)
    }
    html.newline()
  }

  static func firstFired(_ firing: FirstFiring) -> String {
    firing.alreadyFiringAtStart ? "already firing when the replay starts (\(firing.first.asOf))" : firing.first.asOf.description
  }

  private func guidance(_ html: inout HTMLText, rule: SignalRule, number: Int, firing: FirstFiring) {
    html.element("section", ["class": "rule", "aria-labelledby": "guidance-\(rule.id)"]) { html in
      html.newline()
      html.element("h3", ["id": "guidance-\(rule.id)"], "\(number). \(rule.title)")
      html.newline()
      html.element("p", ["class": "muted"], "Rule \(rule.id), version \(firing.first.ruleVersion); first fired \(Self.firstFired(firing)) at \(firing.first.severity.rawValue). Checked by: \(rule.checkedBy).")
      html.newline()
      html.element("p") { html in
        html.element("strong", "Why it matters. ")
      }
      html.element("ul") { html in
        for sentence in rule.whyItMatters { html.element("li", sentence) }
      }
      html.newline()
      html.element("p") { html in
        html.element("strong", "What to do. ")
        html.text(rule.recommendedAction)
      }
      html.newline()
      ReferenceList.render(&html, rule.references)
    }
    html.newline()
  }
}

/// A rule's references: the text, then the address as plain text (a printed page keeps it,
/// and nothing is fetched; a reader copies it into a browser).
enum ReferenceList {
  static func render(_ html: inout HTMLText, _ references: [SignalRule.Reference]) {
    html.element("p") { html in html.element("strong", "References.") }
    html.element("ol", ["class": "references"]) { html in
      for reference in references {
        html.element("li") { html in
          html.text(reference.text + " ")
          html.element("span", ["class": "url"], reference.url)
        }
      }
    }
    html.newline()
  }
}
