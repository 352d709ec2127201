import Foundation
import SurveillanceCore
import SurveillanceFrontend
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Loads every file under rules/ and runs each signal rule's own examples, one test case
/// per example, as SwiftLint's `verifyRule` and ehrQL's `assure` do.
struct RuleExampleTests {
  static let rules: RuleSet? = try? RuleSource.directory(repositoryRoot.appendingPathComponent("rules")).load().readingTestData()

  struct Case: CustomTestStringConvertible, Sendable {
    var ruleID: String
    var note: String
    var shouldFire: Bool
    var testDescription: String { "\(ruleID): \(shouldFire ? "fires" : "stays quiet"): \(note)" }
  }

  static let cases: [Case] = (rules?.signals ?? []).flatMap { rule in
    rule.examples.triggering.map { Case(ruleID: rule.id, note: $0.note, shouldFire: true) }
      + rule.examples.nonTriggering.map { Case(ruleID: rule.id, note: $0.note, shouldFire: false) }
  }

  @Test func theShippedRulesLoadWithoutProblems() throws {
    _ = try RuleSource.directory(repositoryRoot.appendingPathComponent("rules")).load().readingTestData()
  }

  @Test func theCatalogueHasEveryRuleDownstreamJobsRelyOn() throws {
    let ids = Set(try #require(Self.rules).signals.map(\.id))
    let expected: Set<String> = [
      "reliever-overuse", "reliever-rate", "saba-without-ics", "low-preventer-ratio", "preventer-undersupply",
      "preventer-not-collected", "nebules-primary-care", "emergency-supply", "supply-before-prescription",
      "many-pharmacies", "oral-steroid-courses", "attack-without-review", "repeated-attacks", "no-annual-review",
      "action-plan-overdue", "was-not-brought", "mart-overuse", "laba-without-ics", "adult-only-inhaler",
    ]
    #expect(ids == expected)
  }

  @Test(arguments: cases)
  func exampleBehavesAsItsRuleFileSays(_ example: Case) throws {
    let rules = try #require(Self.rules)
    let rule = try #require(rules.signals.first { $0.id == example.ruleID })
    let list = example.shouldFire ? rule.examples.triggering : rule.examples.nonTriggering
    let worked = try #require(list.first { $0.note == example.note })
    let failure = RuleExampleRunner(rules: rules).check(rule, worked, shouldFire: example.shouldFire)
    #expect(failure == nil, "\(failure ?? "")")
  }

  @Test func everyRuleHasExamplesAtItsThresholdAndJustBelow() throws {
    // Each rule must carry both sides of its line; a rule whose examples all sit far from
    // the threshold proves little.
    for rule in try #require(Self.rules).signals {
      #expect(rule.examples.triggering.count >= 2, "\(rule.id) needs a triggering example at its threshold")
      #expect(rule.examples.nonTriggering.count >= 2, "\(rule.id) needs a non-triggering example just below it")
    }
  }

  @Test func everyRuleHasATriggeringExampleWithSafeguardingContextRaisedOneLevel() throws {
    let rules = try #require(Self.rules)
    let runner = RuleExampleRunner(rules: rules)
    for rule in rules.signals {
      let withPlan = rule.examples.triggering.filter { !$0.plans.isEmpty }
      #expect(!withPlan.isEmpty, "\(rule.id) has no example with a safeguarding plan")
      for example in withPlan {
        let signal = try #require(runner.signal(rule, on: example), "\(rule.id): \(example.note)")
        #expect(signal.safeguarding != nil, "\(rule.id): \(example.note)")
        #expect(signal.severity == signal.ruleSeverity.raised(by: rules.care.safeguardingRaiseSeverityBy))
        #expect(signal.route == rules.care.routeWithSafeguarding)
      }
    }
  }
}
