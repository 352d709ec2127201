import ArgumentParser
import SurveillanceCore
import SurveillanceFrontend

extension AsthmaSurveillance.Report {
  struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Every signal rule in words for clinical review (HTML, or Markdown for a .md file).",
      discussion: HelpText.discussion(
        """
        Title, kind, levels and thresholds in words, the reason each signal prints, why it matters, \
        references, the review trail and the examples check-rules runs. Generated from rules/: do not edit \
        the output, change the rule files.
        """, ["asthma-surveillance report rules --out rules.html"]))

    @OptionGroup var logging: LogOptions

    @OptionGroup var rules: RulesOptions

    @Option(help: ArgumentHelp("The file to write: .html, or .md for Markdown.", valueName: "file"))
    var out: String

    func run() throws {
      let (ruleSet, fingerprint) = try rules.load()
      let path = try ReportRulesJob(outputPath: out, rules: ruleSet, rulesFingerprint: fingerprint, toolVersion: AsthmaSurveillance.version).run()
      Log.info("wrote the rule catalogue to \(ReportLog.safe(path))")
    }
  }
}
