import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SurveillanceStore

extension AsthmaSurveillance {
  struct Worklist: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print tonight's worklist from a store, for one practice or all (audited).",
      discussion: HelpText.discussion(
        """
        The children who need a look: a signal that is new, escalated, back from a lapsed review or behind \
        new evidence, ranked by severity, safeguarding context and recency, as worklist.csv beside the \
        nightly outputs is; a signal reviewed since the run (asthma-surveillance review) is already gone. \
        Printed as CSV. It names children, so it is recorded in the audit trail with the user and reason.
        """,
        ["asthma-surveillance worklist --store /srv/asthma/store --practice Z10001 --user \"A Pharmacist\" --reason \"morning worklist\""]))

    @Option(help: ArgumentHelp("The store directory a nightly run filled (nightly --store).", valueName: "dir"))
    var store: String

    @Option(help: ArgumentHelp("Only this practice's children (its code, as in children.csv).", valueName: "code"))
    var practice: String?

    @Option(help: ArgumentHelp("Who is looking (recorded in the audit trail).", valueName: "name"))
    var user: String

    @Option(help: ArgumentHelp("Why (recorded in the audit trail), such as \"morning worklist\".", valueName: "text"))
    var reason: String

    @OptionGroup var freshness: FreshnessOptions

    func validate() throws {
      if user.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--user must name who is looking") }
      if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why") }
      try AuditText.check(user: user, reason: reason)
    }

    func run() throws {
      var job = WorklistJob(storePath: store, practice: practice, user: user, reason: reason, time: UTCTimestamp.now)
      job.freshness = freshness.policy
      let listing = try job.run()
      for warning in listing.warnings { FileHandle.standardError.write(Data("WARNING: \(warning)\n".utf8)) }
      FileHandle.standardError.write(Data("\(listing.entries.count) child(ren) on the worklist as of \(listing.generation.asOf)\(practice.map { " at practice \($0)" } ?? "")\n".utf8))
      print(listing.csv, terminator: "")
    }
  }
}
