import SurveillanceCore

extension RuleCatalogue {
  /// The catalogue as Markdown, for a repository or a wiki page.
  public func markdown() -> String {
    var md = "<!-- \(generatedNotice.replacingBackticks()) -->\n\n"
    md += "# Signal rules for clinical review\n\n"
    md += "> **Generated, do not edit.** \(Markdown.escape(generatedNotice.replacingBackticks()))\n\n"
    md += "\(Markdown.escape(safeguardingRaise))\n\n"
    md += "| rule | title | kind | severities | checked by | next review |\n| --- | --- | --- | --- | --- | --- |\n"
    for rule in rules {
      let cells = [
        "`\(rule.id)`", Markdown.escape(rule.title), rule.kind.rawValue, Self.levels(rule).map(\.severity.rawValue).joined(separator: ", "),
        Markdown.escape(rule.checkedBy), rule.nextReview.description,
      ]
      md += "| " + cells.joined(separator: " | ") + " |\n"
    }
    for rule in rules { md += section(rule) }
    return md
  }

  private func section(_ rule: SignalRule) -> String {
    var md = "\n## \(Markdown.escape(rule.title))\n\n"
    md += "- Rule: `\(rule.id)`, version \(rule.version)\n"
    md += "- Kind: \(Markdown.escape(CriterionWording.kind(rule.kind)))\n"
    md += "- Reported window: \(CriterionWording.period(rule.window))\n"
    md += "- Needs: \(rule.requiresInputs.isEmpty ? "GP prescribing data only" : rule.requiresInputs.map(Words.input).joined(separator: ", "))\n\n"
    md += "### When it fires\n\nThe most severe level whose condition holds is reported.\n\n"
    for level in Self.levels(rule) {
      let lines = CriterionWording.lines(level.when)
      md += "- **\(level.severity.rawValue)**: \(Markdown.escape(lines[0].text))\n"
      for line in lines.dropFirst() {
        md += String(repeating: "  ", count: line.depth - lines[0].depth + 1) + "- \(Markdown.escape(line.text))\n"
      }
    }
    md += "\n### What the signal says\n\n`\(rule.reasonTemplate.replacingBackticks())`\n\n"
    md += "**What to do.** \(Markdown.escape(rule.recommendedAction))\n\n"
    md += "### Why it matters\n\n" + rule.whyItMatters.map { "- \(Markdown.escape($0))\n" }.joined() + "\n"
    md += "### References\n\n" + rule.references.enumerated().map { "\($0 + 1). \(Markdown.escape($1.text)) <\($1.url)>\n" }.joined() + "\n"
    md += "### Review\n\nWritten by \(Markdown.escape(rule.authoredBy)). Checked by \(Markdown.escape(rule.checkedBy)). "
    md += "Last reviewed \(rule.dateReviewed); next review due \(rule.nextReview).\n\n"
    md += "| date | change | made by | checked by |\n| --- | --- | --- | --- |\n"
    for change in rule.changeLog {
      md += "| \(change.date) | \(Markdown.escape(change.description)) | \(Markdown.escape(change.actionBy)) | \(Markdown.escape(change.checkedBy)) |\n"
    }
    md += "\n### Examples that check-rules runs\n\n"
    md += "Fires:\n\n" + rule.examples.triggering.map { "- \(Markdown.escape($0.note))\($0.expectSeverity.map { " (\($0.rawValue))" } ?? "")\n" }.joined()
    md += "\nDoes not fire:\n\n" + rule.examples.nonTriggering.map { "- \(Markdown.escape($0.note))\n" }.joined()
    return md
  }
}

/// Markdown escaping for text from rule files: characters that would start emphasis, code,
/// links, HTML or table cells print as themselves.
enum Markdown {
  static func escape(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "\\", "`", "*", "_", "[", "]", "|", "#": result += "\\\(character)"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "&": result += "&amp;"
      case "\n": result += " "
      default: result.append(character)
      }
    }
    return result
  }
}
