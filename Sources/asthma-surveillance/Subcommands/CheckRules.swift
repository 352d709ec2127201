import ArgumentParser
import SurveillanceCore
import SurveillanceFrontend

extension AsthmaSurveillance {
  struct CheckRules: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check-rules",
      abstract: "Check every file in rules/ and run each signal rule's own examples; report all problems at once.")

    @OptionGroup var rules: RulesOptions

    func run() throws {
      let directory = RulesDirectory.locate(rules.rules)
      let ruleSet: RuleSet
      do {
        ruleSet = try directory.load()
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
      print("rules \(ruleSet.version): \(ruleSet.profiles.count) input profiles, \(ruleSet.signals.count) signal rules, \(exampleCount) examples: all pass")
    }
  }
}
