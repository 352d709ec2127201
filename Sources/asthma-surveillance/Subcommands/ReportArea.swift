import ArgumentParser
import SurveillanceCore
import SurveillanceFrontend

extension AsthmaSurveillance.Report {
  struct Area: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "An area's picture for a medicines team or a thematic review, pseudonymised by default.",
      discussion: """
        Writes area-report.html and its tables as CSV (owner-only): children with each signal by severity \
        and practice, the monthly trend, preventer ratios, and children with safeguarding context and signals. \
        Children appear as keyed-hash pseudonyms (key from $ASTHMA_SURVEILLANCE_KEY_FILE or \
        $ASTHMA_SURVEILLANCE_KEY, never the command line); --identify shows NHS numbers instead.
        """)

    @OptionGroup var inputs: InputOptions
    @OptionGroup var rules: RulesOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The report date (YYYY-MM-DD); later rows are not counted.", discussion: "Default: today.", valueName: "date"))
    var asOf: CalendarDate?

    @Option(help: ArgumentHelp("Months of monthly trend before the report date.", valueName: "n"))
    var months = 24

    @Flag(help: "Show NHS numbers instead of pseudonyms (for those who must act on named children).")
    var identify = false

    @Option(help: ArgumentHelp("Output directory (created owner-only; files are written 0600).", valueName: "dir"))
    var out: String

    func validate() throws {
      try inputs.requireExports()
      guard (1...120).contains(months) else { throw ValidationError("--months must be between 1 and 120") }
    }

    func run() throws {
      // The key first: a missing key should fail before minutes of reading.
      let identity: ReportAreaJob.Identity = identify ? .identified : .pseudonymised(try Pseudonymiser.fromEnvironment())
      let (ruleSet, fingerprint) = try rules.load()
      let job = ReportAreaJob(
        inputs: inputs.runInputs, asOf: asOf ?? Today.date, trendMonths: months, identity: identity, outputPath: out,
        rules: ruleSet, rulesFingerprint: fingerprint, toolVersion: AsthmaSurveillance.version, log: Log.info)
      let (directory, files) = try job.run()
      Log.info("wrote \(files.joined(separator: ", ")) to \(ReportLog.safe(directory))")
    }
  }
}
