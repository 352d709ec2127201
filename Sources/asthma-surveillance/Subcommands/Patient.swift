import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceFrontend

#if canImport(Glibc)
  import Glibc
#endif

extension AsthmaSurveillance {
  struct Patient: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check one child at the counter: current signals, why, what to do, the last 12 months (audited).",
      discussion: HelpText.discussion(
        """
        For a pharmacist deciding whether to hand over another reliever or make an emergency supply. \
        Reads the current generation of a nightly store (--store), or a pharmacy's own exports \
        (--gp/--pharmacy/..., with --audit for the audit trail). Every look-up is recorded with the user, \
        the reason and a keyed hash of the NHS number (key from $ASTHMA_SURVEILLANCE_KEY_FILE or \
        $ASTHMA_SURVEILLANCE_KEY), before anything is shown.
        """, ["asthma-surveillance patient NHS_NUMBER --store /srv/asthma/store --user \"A Pharmacist\" --reason \"emergency supply request\"", "asthma-surveillance patient NHS_NUMBER --pharmacy pmr.csv --audit ~/asthma-audit --user \"A Pharmacist\" --reason \"second reliever this month\" --json"]))

    @Argument(help: ArgumentHelp("The child's NHS number; spaces are fine (999 000 1774).", valueName: "nhs-number"))
    var nhsNumber: [String] = []

    @Option(help: ArgumentHelp("The store directory a nightly run filled (nightly --store).", valueName: "dir"))
    var store: String?

    @OptionGroup(title: "Reading exports instead of a store")
    var inputs: InputOptions

    @OptionGroup var rules: RulesOptions
    @OptionGroup(title: "Reading exports instead of a store") var pharmacyData: PharmacyDataOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("With exports: evaluate as on this date (YYYY-MM-DD).", discussion: "Default: today.", valueName: "date"))
    var asOf: CalendarDate?

    @Option(help: ArgumentHelp("With exports: the store directory that holds the audit trail (created owner-only if missing).", valueName: "dir"))
    var audit: String?

    @Option(help: ArgumentHelp("Who is looking (recorded in the audit trail).", valueName: "name"))
    var user: String

    @Option(help: ArgumentHelp("Why (recorded in the audit trail), such as \"emergency supply request\".", valueName: "text"))
    var reason: String

    @Flag(name: .customLong("no-color"), help: "No colour, even on a terminal (as NO_COLOR or TERM=dumb).")
    var noColor = false

    @Flag(help: "Print JSON for scripts instead of text.")
    var json = false

    @OptionGroup(title: "With --store") var freshness: FreshnessOptions

    func validate() throws {
      if nhsNumber.isEmpty { throw ValidationError("give the child's NHS number") }
      try pharmacyData.refuseWithStore(store)
      if user.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--user must name who is looking") }
      if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why") }
      try AuditText.check(user: user, reason: reason)
      let hasExports = !inputs.gp.isEmpty || !inputs.pharmacy.isEmpty
      if store != nil {
        if hasExports { throw ValidationError("give --store or exports (--gp/--pharmacy), not both") }
        if audit != nil { throw ValidationError("--audit is for look-ups from exports; a store keeps its own audit trail") }
        if asOf != nil { throw ValidationError("--as-of is for look-ups from exports; a store answers as of its nightly run") }
      } else {
        if !hasExports { throw ValidationError("give --store DIR, or the exports to read (--gp/--pharmacy FILE...) with --audit DIR") }
        if audit == nil { throw ValidationError(PatientCheckError.noAuditLocation.description) }
      }
    }

    func run() throws {
      let pseudonymiser = try Pseudonymiser.fromEnvironment()
      let records: PatientCheckJob.Records
      if let store {
        // Only the definitions the chart needs: the whole rule set would cost the counter a
        // tenth of a second, and the store already holds the run's figures and signals.
        records = .store(path: store, definitions: try RuleSource.locate(rules.rules).recordDefinitions())
      } else {
        let (ruleSet, _) = try rules.load()
        records = .exports(inputs.runInputs, asOf: asOf ?? Today.date, rules: pharmacyData.applied(to: ruleSet), auditPath: audit!)
      }
      var job = PatientCheckJob(
        records: records, nhsNumberText: nhsNumber.joined(separator: " "), user: user, reason: reason,
        pseudonymiser: pseudonymiser, time: UTCTimestamp.now)
      job.freshness = freshness.policy
      let check = try job.run()
      print(json ? PatientCheckJSON.render(check) : PatientCheckText(colour: !noColor && Terminal.wantsColour).render(check), terminator: "")
    }
  }
}

/// Whether standard output is a person's terminal that wants colour.
enum Terminal {
  /// A terminal that is not `TERM=dumb`, and `NO_COLOR` unset or empty (<https://no-color.org>).
  static var wantsColour: Bool {
    let environment = ProcessInfo.processInfo.environment
    return isatty(STDOUT_FILENO) != 0 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
  }
}

/// Now as `2026-11-22T09:14:03Z`, for the audit trail. Formatted by hand: Foundation's
/// ISO 8601 formatter costs a pharmacist's look-up several milliseconds to set up.
enum UTCTimestamp {
  static var now: String {
    var seconds = time(nil)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }
}
