import ArgumentParser
import SurveillanceCore
import SurveillanceFrontend

extension AsthmaSurveillance.Report {
  struct Child: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "One child's asthma chronology for a Child Death Overview Panel or a safeguarding review.",
      discussion: """
        Reads the exports, replays the child's record (--from to --as-of, --every week or month) to find \
        the first date each signal fired, and writes one HTML file: a timeline chart, "when could this \
        have been seen", the full chronology with each row's file and line, and the data's limits. \
        The NHS number is never written to the log.
        """)

    @Argument(help: ArgumentHelp("The child's NHS number; spaces are fine (999 999 9018).", valueName: "nhs-number"))
    var nhsNumber: [String] = []

    @OptionGroup var inputs: InputOptions
    @OptionGroup var rules: RulesOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The report date (YYYY-MM-DD), such as the date of death; later rows are not counted.", discussion: "Default: today.", valueName: "date"))
    var asOf: CalendarDate?

    @Option(help: ArgumentHelp("First replay date (YYYY-MM-DD).", discussion: "Default: 24 months before --as-of.", valueName: "date"))
    var from: CalendarDate?

    @Option(help: ArgumentHelp("Replay every week or every month.", valueName: "week|month"))
    var every: ReplayStep = .week

    @Option(help: ArgumentHelp("The HTML file to write (owner-only).", valueName: "file.html"))
    var out: String

    /// The replay looks back this far by default: two years shows the year before the
    /// 12-month windows the rules count over.
    static let defaultReplayMonths = 24

    func validate() throws {
      try inputs.requireExports()
      guard !nhsNumber.isEmpty else { throw ValidationError("give the child's NHS number") }
      if case .failure(let problem) = NHSNumber.parse(nhsNumber.joined()) {
        throw ValidationError("the NHS number given is not valid: \(problem)")
      }
      if let from, let asOf, from > asOf { throw ValidationError("--from must not be after --as-of") }
    }

    func run() throws {
      let (ruleSet, fingerprint) = try rules.load()
      let asOf = self.asOf ?? Today.date
      let job = ReportChildJob(
        inputs: inputs.runInputs, nhsNumber: try NHSNumber.parse(nhsNumber.joined()).get(), asOf: asOf,
        replayFrom: from ?? asOf.adding(months: -Self.defaultReplayMonths), step: every, outputPath: out, rules: ruleSet,
        rulesFingerprint: fingerprint, toolVersion: AsthmaSurveillance.version, log: Log.info)
      let path = try job.run()
      Log.info("wrote the child report to \(ReportLog.safe(path))")
    }
  }
}
