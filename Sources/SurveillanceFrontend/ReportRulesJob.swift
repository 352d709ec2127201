import Foundation
import SurveillanceCore
import SurveillanceReports

/// `report rules`: the rule catalogue for clinicians, as HTML or (for `.md`) Markdown.
public struct ReportRulesJob: Sendable {
  public var outputPath: String
  public var rules: RuleSet
  public var rulesFingerprint: String
  public var toolVersion: String

  public init(outputPath: String, rules: RuleSet, rulesFingerprint: String, toolVersion: String) {
    self.outputPath = outputPath
    self.rules = rules
    self.rulesFingerprint = rulesFingerprint
    self.toolVersion = toolVersion
  }

  /// Markdown for `.md` and `.markdown` files, HTML otherwise.
  public var isMarkdown: Bool {
    let lower = outputPath.lowercased()
    return lower.hasSuffix(".md") || lower.hasSuffix(".markdown")
  }

  public func run() throws -> String {
    let file = try ReportFile(path: outputPath)
    let catalogue = RuleCatalogue(rules: rules, provenance: ReportProvenance(toolVersion: toolVersion, rulesVersion: rules.version, rulesFingerprint: rulesFingerprint))
    try file.write(isMarkdown ? catalogue.markdown() : catalogue.html())
    return file.path
  }
}
