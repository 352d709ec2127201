import SurveillanceCore

extension RuleCatalogue {
  /// The catalogue as one self-contained HTML page.
  public func html() -> String {
    let page = ReportPage(
      title: "Signal rules for clinical review",
      subtitle: "\(Words.count(rules.count, "rule")) in rules version \(rulesVersion)",
      provenance: provenance.headerFacts)
    return page.render(generatedNotice: generatedNotice) { html in
      html.element("p", ["class": "generated"], generatedNotice.replacingBackticks())
      html.newline()
      html.element("p", "Each rule says when a child's records form a pattern worth a clinician's or safeguarding lead's look. The thresholds and windows below are read from the rule files; the words around them are the tool's. \(safeguardingRaise)")
      html.newline()
      html.append(overview.html)
      for rule in rules { section(&html, rule) }
    }
  }

  private var overview: ReportTable {
    ReportTable(
      caption: "The rules at a glance",
      columns: [
        .init("Rule", csv: "id", oneLine: true), .init("Title", csv: "title"), .init("Kind", csv: "kind"), .init("Severities", csv: "severities"),
        .init("Needs", csv: "requires_inputs"), .init("Checked by", csv: "checked_by"), .init("Next review", csv: "next_review", oneLine: true),
      ],
      rows: rules.map { rule in
        [
          rule.id, rule.title, rule.kind.rawValue, Self.levels(rule).map(\.severity.rawValue).joined(separator: ", "),
          rule.requiresInputs.isEmpty ? "GP data only" : rule.requiresInputs.map { Words.input($0).lowercased() }.joined(separator: ", "),
          rule.checkedBy, rule.nextReview.description,
        ]
      })
  }

  private func section(_ html: inout HTMLText, _ rule: SignalRule) {
    html.element("section", ["aria-labelledby": "rule-\(rule.id)"]) { html in
      html.newline()
      html.element("h2", ["id": "rule-\(rule.id)"], rule.title)
      html.newline()
      html.element("dl", ["class": "provenance"]) { html in
        for (term, value) in [
          ("Rule", rule.id), ("Version", String(rule.version)), ("Kind", CriterionWording.kind(rule.kind)),
          ("Reported window", CriterionWording.period(rule.window)),
          ("Needs", rule.requiresInputs.isEmpty ? "GP prescribing data only" : rule.requiresInputs.map(Words.input).joined(separator: ", ")),
        ] {
          html.element("div") { html in
            html.element("dt", term)
            html.element("dd", value)
          }
        }
      }
      html.newline()
      html.element("h3", "When it fires")
      html.element("p", "The most severe level whose condition holds is reported.")
      html.element("ul") { html in
        for level in Self.levels(rule) {
          html.element("li") { html in
            html.element("span", ["class": "severity severity-\(level.severity.rawValue)"], level.severity.rawValue)
            html.text(": ")
            nested(&html, CriterionWording.lines(level.when))
          }
        }
      }
      html.newline()
      html.element("h3", "What the signal says")
      html.element("p") { html in
        html.element("code", rule.reasonTemplate)
      }
      html.element("p", "Names in curly brackets are filled in with the child's figures and dates.")
      html.element("p") { html in
        html.element("strong", "What to do. ")
        html.text(rule.recommendedAction)
      }
      html.newline()
      html.element("h3", "Why it matters")
      html.element("ul") { html in
        for sentence in rule.whyItMatters { html.element("li", sentence) }
      }
      html.newline()
      html.element("h3", "References")
      html.element("ol", ["class": "references"]) { html in
        for reference in rule.references {
          html.element("li") { html in
            html.text(reference.text + " ")
            if reference.url.hasPrefix("https://") || reference.url.hasPrefix("http://") {
              html.element("a", ["href": reference.url, "class": "url", "rel": "noreferrer"], reference.url)
            } else {
              html.element("span", ["class": "url"], reference.url)
            }
          }
        }
      }
      html.newline()
      html.element("h3", "Review")
      html.element("p", "Written by \(rule.authoredBy). Checked by \(rule.checkedBy). Last reviewed \(rule.dateReviewed); next review due \(rule.nextReview).")
      html.append(changeLog(rule).html)
      html.element("h3", "Examples that check-rules runs")
      examples(&html, "Fires", rule.examples.triggering)
      examples(&html, "Does not fire", rule.examples.nonTriggering)
    }
    html.newline()
  }

  private func nested(_ html: inout HTMLText, _ lines: [(depth: Int, text: String)]) {
    // Lines come depth-first; a deeper line opens a list under the line before it.
    guard let first = lines.first else { return }
    html.text(first.text)
    var index = 1
    func children(of depth: Int) {
      guard index < lines.count, lines[index].depth > depth else { return }
      html.open("ul")
      while index < lines.count, lines[index].depth > depth {
        let line = lines[index]
        index += 1
        html.open("li")
        html.text(line.text)
        children(of: line.depth)
        html.close("li")
      }
      html.close("ul")
    }
    children(of: first.depth)
  }

  private func changeLog(_ rule: SignalRule) -> ReportTable {
    ReportTable(
      caption: "Change log",
      columns: [.init("Date", csv: "date"), .init("Change", csv: "description"), .init("Made by", csv: "action_by"), .init("Checked by", csv: "checked_by")],
      rows: rule.changeLog.map { [$0.date.description, $0.description, $0.actionBy, $0.checkedBy] })
  }

  private func examples(_ html: inout HTMLText, _ heading: String, _ examples: [RuleExample]) {
    html.element("p") { html in html.element("strong", "\(heading) (\(examples.count)):") }
    html.element("ul") { html in
      for example in examples {
        html.element("li", example.note + (example.expectSeverity.map { " \u{2014} \($0.rawValue)" } ?? ""))
      }
    }
    html.newline()
  }
}

extension String {
  func replacingBackticks() -> String { String(filter { $0 != "`" }) }
}
