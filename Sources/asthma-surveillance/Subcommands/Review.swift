import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceFrontend

extension AsthmaSurveillance {
  struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record that a clinician looked at one of a child's signals, with an outcome (audited).",
      discussion: HelpText.discussion(
        """
        The outcomes are in rules/reviews.json. One that leaves the worklist keeps the signal off the next \
        nightly worklist until its severity rises, a newer supply or event is behind it, or --until passes; \
        then it comes back as escalated, new-evidence or review-lapsed. Every review is recorded in the \
        audit trail with the user, the reason and a keyed hash of the NHS number (key from \
        $ASTHMA_SURVEILLANCE_KEY_FILE or $ASTHMA_SURVEILLANCE_KEY).
        """,
        [
          "asthma-surveillance review NHS_NUMBER --store /srv/asthma/store --signal reliever-overuse --outcome practice-informed --user \"A Pharmacist\" --reason \"nightly worklist\"",
          "asthma-surveillance review NHS_NUMBER --store /srv/asthma/store --signal nebules-primary-care --outcome review-booked --until 2026-12-15 --note \"booked with Dr A\" --user \"A Pharmacist\" --reason \"nightly worklist\"",
        ]))

    @Argument(help: ArgumentHelp("The child's NHS number; spaces are fine (999 000 1774).", valueName: "nhs-number"))
    var nhsNumber: [String] = []

    @Option(help: ArgumentHelp("The store directory a nightly run filled (nightly --store).", valueName: "dir"))
    var store: String

    @Option(help: ArgumentHelp("The rule id of the signal reviewed, as in signals.csv (reliever-overuse).", valueName: "rule-id"))
    var signal: String

    @Option(help: ArgumentHelp("What was done, an outcome id from rules/reviews.json (practice-informed).", valueName: "outcome"))
    var outcome: String

    @Option(help: ArgumentHelp("Look again after this date (YYYY-MM-DD): the signal comes back as review-lapsed if it still fires.", valueName: "date"))
    var until: CalendarDate?

    @Option(help: ArgumentHelp("A note for the team's own follow-up; kept in the store, never shown by patient or reports.", valueName: "text"))
    var note: String?

    @Option(help: ArgumentHelp("Who reviewed (recorded in the audit trail).", valueName: "name"))
    var user: String

    @Option(help: ArgumentHelp("Why (recorded in the audit trail), such as \"nightly worklist\".", valueName: "text"))
    var reason: String

    @OptionGroup var rules: RulesOptions

    func validate() throws {
      if nhsNumber.isEmpty { throw ValidationError("give the child's NHS number") }
      if user.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--user must name who reviewed") }
      if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why") }
      try AuditText.check(user: user, reason: reason)
      if let note, NHSNumber.appearsIn(note) { throw ValidationError("--note must not contain an NHS number: the review is already keyed by the child") }
    }

    func run() throws {
      let job = ReviewJob(
        storePath: store, nhsNumberText: nhsNumber.joined(separator: " "), ruleID: signal, outcome: outcome, until: until, note: note,
        user: user, reason: reason, policy: try RuleSource.locate(rules.rules).reviewPolicy(), pseudonymiser: try Pseudonymiser.fromEnvironment(),
        time: UTCTimestamp.now)
      print(try job.run().summary)
    }
  }
}
