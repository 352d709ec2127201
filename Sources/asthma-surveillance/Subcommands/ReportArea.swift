import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceFrontend

extension AsthmaSurveillance.Report {
  struct Area: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "An area's picture for a medicines team or a thematic review, in counts unless children are identified.",
      discussion: HelpText.discussion(
        """
        Reads the exports, or a nightly store's current generation (--store, as of its nightly run), and \
        writes area-report.html and its tables as CSV (owner-only): a summary of a few printed pages \
        (children with each signal by severity, the monthly trend from where the exports give each rule \
        enough history, preventer ratios, practices ranked), then a page per practice; long lists only in \
        the CSV files. By default the report names no child and gives counts only (no key is needed), under the \
        disclosure control of rules/reports.json: a count of children below its threshold is shown as \
        "fewer than" it ("fewer than 5" as shipped), and others are hidden so that no total gives one \
        away; no list of children. --identify shows NHS numbers, the \
        lists of children and exact counts instead, and is audited: --user and --reason are recorded in the \
        store's audit trail (or, reading exports, the --audit store's) before anything is written.
        """, ["asthma-surveillance report area --store /srv/asthma/store --out area", "asthma-surveillance report area --store /srv/asthma/store --identify --user \"Safeguarding lead\" --reason \"practice follow-up\" --out area-named"]))

    @OptionGroup var logging: LogOptions

    @Option(help: ArgumentHelp("Read the store's current generation (nightly --store) instead of exports.", valueName: "dir"))
    var store: String?

    @OptionGroup(title: "Reading exports instead of a store")
    var inputs: InputOptions

    @OptionGroup var rules: RulesOptions
    @OptionGroup(title: "Reading exports instead of a store") var pharmacyData: PharmacyDataOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("With exports: the report date (YYYY-MM-DD); later rows are not counted.", discussion: "Default: today. A store reports as of its nightly run.", valueName: "date"))
    var asOf: CalendarDate?

    @Option(help: ArgumentHelp("Months of monthly trend before the report date.", valueName: "n"))
    var months = 24

    @Flag(help: "Show NHS numbers, the lists of children and exact counts (for those who must act on named children; audited).")
    var identify = false

    @Option(help: ArgumentHelp("With --identify: who is asking (recorded in the audit trail).", valueName: "name"))
    var user: String?

    @Option(help: ArgumentHelp("With --identify: why (recorded in the audit trail), such as \"safeguarding review\".", valueName: "text"))
    var reason: String?

    @Option(help: ArgumentHelp("With --identify and exports: the store directory that holds the audit trail (created owner-only if missing).", valueName: "dir"))
    var audit: String?

    @Option(help: ArgumentHelp("Output directory (created owner-only; files are written 0600).", valueName: "dir"))
    var out: String

    @OptionGroup(title: "With --store") var freshness: FreshnessOptions

    func validate() throws {
      try pharmacyData.refuseWithStore(store)
      if store != nil {
        if !inputs.gp.isEmpty || !inputs.pharmacy.isEmpty || !inputs.safeguarding.isEmpty || !inputs.careEvents.isEmpty {
          throw ValidationError("give --store or exports (--gp/--pharmacy), not both")
        }
        if asOf != nil { throw ValidationError("--as-of is for reports from exports; a store reports as of its nightly run") }
      } else {
        try inputs.requireExports()
      }
      guard (1...120).contains(months) else { throw ValidationError("--months must be between 1 and 120") }
      try validateIdentifying()
    }

    /// A report naming children is audited like a look-up: who, why, and where the entry goes.
    private func validateIdentifying() throws {
      guard identify else {
        if user != nil || reason != nil || audit != nil {
          throw ValidationError("--user, --reason and --audit are for reports naming children (--identify)")
        }
        return
      }
      guard let user, !user.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw ValidationError("--identify needs --user, naming who is asking: a report naming children is audited")
      }
      guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw ValidationError("--identify needs --reason, saying why: a report naming children is audited")
      }
      try AuditText.check(user: user, reason: reason)
      if store != nil {
        if audit != nil { throw ValidationError("--audit is for reports from exports; a store keeps its own audit trail") }
      } else if audit == nil {
        throw ValidationError("--identify with exports needs --audit DIR (a store directory for the audit trail, created if missing)")
      }
    }

    func run() throws {
      // No key: a report that does not identify children publishes counts, no pseudonym.
      let identity: ReportAreaJob.Identity =
        if identify, let user, let reason, let auditStore = store ?? audit {
          .identified(IdentifiedReportAccess(user: user, reason: reason, time: UTCTimestamp.now, auditStorePath: auditStore))
        } else {
          .countsOnly
        }
      let (ruleSet, fingerprint) = try rules.load()
      let (directory, files): (String, [String])
      if let store {
        var job = StoreAreaReportJob(
          storePath: store, trendMonths: months, identity: identity, outputPath: out, rules: ruleSet, rulesFingerprint: fingerprint,
          toolVersion: AsthmaSurveillance.version, log: Log.info)
        job.freshness = freshness.policy
        (directory, files) = try job.run()
      } else {
        let job = ReportAreaJob(
          inputs: inputs.runInputs, asOf: asOf ?? Today.date, trendMonths: months, identity: identity, outputPath: out,
          rules: pharmacyData.applied(to: ruleSet), rulesFingerprint: fingerprint, toolVersion: AsthmaSurveillance.version, log: Log.info)
        (directory, files) = try job.run()
      }
      Log.info("wrote \(files.joined(separator: ", ")) to \(ReportLog.safe(directory))")
    }
  }
}
