import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceFrontend

extension AsthmaSurveillance {
  struct CheckRules: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check-rules",
      abstract: "Check every file in rules/ and run each signal rule's own examples; report all problems at once.",
      discussion: HelpText.discussion(
        "Checks the rules built into this executable unless given --rules DIR or $ASTHMA_SURVEILLANCE_RULES: to check edits to a folder, name it.",
        ["asthma-surveillance check-rules", "asthma-surveillance check-rules --rules my-rules"],
        exitCodes: [(1, "a rule file has problems (each listed), or a rule's example gives another answer than it says")]))

    @OptionGroup var logging: LogOptions

    @OptionGroup var rules: RulesOptions

    func run() throws {
      let source = RuleSource.locate(rules.rules)
      if let note = RulesNotice.unusedWorkingFolderRules(source, fingerprint: source.fingerprint()) { Log.info(note) }
      let ruleSet: RuleSet
      do {
        ruleSet = try source.load()
      } catch {
        print(error.description)
        throw ExitCode.failure
      }
      let failures = RuleExampleRunner(rules: ruleSet).failures()
      if !failures.isEmpty {
        print("rules: \(failures.count) example(s) disagree with their rule:")
        for failure in failures { print("  - \(failure)") }
        throw ExitCode.failure
      }
      let exampleCount = ruleSet.signals.reduce(0) { $0 + $1.examples.triggering.count + $1.examples.nonTriggering.count }
      let origin = source.directoryURL.map { $0.standardizedFileURL.path } ?? "embedded"
      print("rules \(ruleSet.version) (\(origin)): \(ruleSet.profiles.count) input profiles, \(ruleSet.signals.count) signal rules, \(exampleCount) examples: all pass")
    }
  }
}
