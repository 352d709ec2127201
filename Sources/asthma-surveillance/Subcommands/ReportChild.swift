import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceFrontend

extension AsthmaSurveillance.Report {
  struct Child: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "One child's asthma chronology for a Child Death Overview Panel or a safeguarding review.",
      discussion: HelpText.discussion(
        """
        Reads the exports, or the child's record from a nightly store (--store, audited: --user and \
        --reason are recorded with a keyed hash of the NHS number, key from $ASTHMA_SURVEILLANCE_KEY_FILE \
        or $ASTHMA_SURVEILLANCE_KEY), replays the child's record (--from to --as-of, --every week or \
        month) to find the first date each signal fired, and writes one HTML file: a timeline chart, \
        "when could this have been seen", the full chronology with each row's file and line, and the \
        data's limits. The NHS number is never written to the log.
        """, ["asthma-surveillance report child NHS_NUMBER --gp gp.csv --pharmacy pharmacy.csv --as-of 2017-11-26 --out chronology.html", "asthma-surveillance report child NHS_NUMBER --store /srv/asthma/store --user \"CDOP analyst\" --reason \"CDOP review\" --out chronology.html"]))

    @OptionGroup var logging: LogOptions

    @Argument(help: ArgumentHelp("The child's NHS number; spaces are fine (999 999 9018).", valueName: "nhs-number"))
    var nhsNumber: [String] = []

    @Option(help: ArgumentHelp("Read the child's record from this store (nightly --store) instead of exports.", valueName: "dir"))
    var store: String?

    @OptionGroup(title: "Reading exports instead of a store")
    var inputs: InputOptions

    @OptionGroup var rules: RulesOptions
    @OptionGroup(title: "Reading exports instead of a store") var pharmacyData: PharmacyDataOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The report date (YYYY-MM-DD), such as the date of death; later rows are not counted.", discussion: "Default: today; with --store, the date of its nightly run (and no later).", valueName: "date"))
    var asOf: CalendarDate?

    @Option(help: ArgumentHelp("First replay date (YYYY-MM-DD).", discussion: "Default: 24 months before --as-of.", valueName: "date"))
    var from: CalendarDate?

    @Option(help: ArgumentHelp("Replay every week or every month.", valueName: "week|month"))
    var every: ReplayStep = .week

    @Option(help: ArgumentHelp("With --store: who is looking (recorded in the audit trail).", valueName: "name"))
    var user: String?

    @Option(help: ArgumentHelp("With --store: why (recorded in the audit trail), such as \"CDOP review\".", valueName: "text"))
    var reason: String?

    @Option(help: ArgumentHelp("The HTML file to write (owner-only).", valueName: "file.html"))
    var out: String

    @OptionGroup(title: "With --store") var freshness: FreshnessOptions

    /// The replay looks back this far by default: two years shows the year before the
    /// 12-month windows the rules count over.
    static let defaultReplayMonths = 24

    func validate() throws {
      guard !nhsNumber.isEmpty else { throw ValidationError("give the child's NHS number") }
      try pharmacyData.refuseWithStore(store)
      if let from, let asOf, from > asOf { throw ValidationError("--from must not be after --as-of") }
      if store != nil {
        if !inputs.gp.isEmpty || !inputs.pharmacy.isEmpty || !inputs.safeguarding.isEmpty || !inputs.careEvents.isEmpty {
          throw ValidationError("give --store or exports (--gp/--pharmacy), not both")
        }
        // A look-up from a store is audited: who and why, as for `patient`. The NHS number is
        // checked (and an invalid one audited) once the store is open.
        guard let user, !user.trimmingCharacters(in: .whitespaces).isEmpty else {
          throw ValidationError("--user must name who is looking: every look-up in a store is audited")
        }
        guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
          throw ValidationError("--reason must say why: every look-up in a store is audited")
        }
        try AuditText.check(user: user, reason: reason)
        return
      }
      try inputs.requireExports()
      if user != nil || reason != nil { throw ValidationError("--user and --reason are for look-ups in a store (--store)") }
      if case .failure(let problem) = NHSNumber.parse(nhsNumber.joined()) {
        throw ValidationError("the NHS number given is not valid: \(problem)")
      }
    }

    func run() throws {
      if let store {
        // The key first: without it nothing is looked up, as for `patient`.
        let pseudonymiser = try Pseudonymiser.fromEnvironment()
        let (ruleSet, fingerprint) = try rules.load()
        var job = StoreChildReportJob(
          storePath: store, nhsNumberText: nhsNumber.joined(separator: " "),
          access: StoreAccess(user: user!, reason: reason!, pseudonymiser: pseudonymiser, time: UTCTimestamp.now), asOf: asOf,
          replayFrom: from, replayMonths: Self.defaultReplayMonths, step: every, outputPath: out, rules: ruleSet,
          rulesFingerprint: fingerprint, toolVersion: AsthmaSurveillance.version, log: Log.info)
        job.freshness = freshness.policy
        let path = try job.run()
        Log.info("wrote the child report to \(ReportLog.safe(path))")
        return
      }
      let (ruleSet, fingerprint) = try rules.load()
      let asOf = self.asOf ?? Today.date
      let job = ReportChildJob(
        inputs: inputs.runInputs, nhsNumber: try NHSNumber.parse(nhsNumber.joined()).get(), asOf: asOf,
        replayFrom: from ?? asOf.adding(months: -Self.defaultReplayMonths), step: every, outputPath: out, rules: pharmacyData.applied(to: ruleSet),
        rulesFingerprint: fingerprint, toolVersion: AsthmaSurveillance.version, log: Log.info)
      let path = try job.run()
      Log.info("wrote the child report to \(ReportLog.safe(path))")
    }
  }
}
