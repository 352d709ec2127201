import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceFrontend

extension ReplayStep: ExpressibleByArgument {}

extension AsthmaSurveillance {
  struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Find the first date each child's signals would have fired (\"when could this have been seen?\").",
      discussion: HelpText.footer(["asthma-surveillance replay --gp gp.csv --pharmacy pharmacy.csv --from 2025-01-01 --to 2026-11-21 --every month --out out/replay"]))

    @OptionGroup var logging: LogOptions

    @OptionGroup var inputs: InputOptions
    @OptionGroup var rules: RulesOptions
    @OptionGroup var pharmacyData: PharmacyDataOptions

    @Option(help: ArgumentHelp("First evaluation date (YYYY-MM-DD).", valueName: "date"))
    var from: CalendarDate

    @Option(help: ArgumentHelp("Last evaluation date (YYYY-MM-DD).", valueName: "date"))
    var to: CalendarDate

    @Option(help: ArgumentHelp("Evaluate every week or every month.", valueName: "week|month"))
    var every: ReplayStep = .week

    @Option(name: .long, help: ArgumentHelp("Output directory (created owner-only).", valueName: "dir"))
    var out: String

    func validate() throws {
      try inputs.requireExports()
      guard from <= to else { throw ValidationError("--from must not be after --to") }
    }

    func run() throws {
      let (loaded, fingerprint) = try rules.load()
      let ruleSet = pharmacyData.applied(to: loaded)
      let job = ReplayJob(
        inputs: inputs.runInputs, from: from, to: to, step: every, outputPath: out, rules: ruleSet,
        rulesFingerprint: fingerprint, toolVersion: AsthmaSurveillance.version, log: Log.info)
      let outcome = try job.run()
      Log.info("wrote first-fired.csv and manifest.json to \(outcome.path)")
    }
  }
}
