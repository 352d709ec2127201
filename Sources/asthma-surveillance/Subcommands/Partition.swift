import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceFrontend

extension AsthmaSurveillance {
  struct Partition: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Split an area's exports by the keyed hash into the parts each nightly --shard I/N reads, in one pass.",
      discussion: HelpText.discussion(
        "Each shard's part of an export keeps the export's header and, beside it, the line each row had, so that a shard's rejects and manifest name the original file and line. Rows that name no valid NHS number go to shard 1. Every shard, and this command, needs the same pseudonymisation key ($ASTHMA_SURVEILLANCE_KEY_FILE).",
        [
          "asthma-surveillance partition --gp gp.csv --pharmacy pharmacy.csv --shards 4 --out out/partition",
          "asthma-surveillance nightly --partitioned out/partition --shard 2/4 --out out/shard-2",
        ]))

    @OptionGroup var logging: LogOptions
    @OptionGroup var inputs: InputOptions
    @OptionGroup var rules: RulesOptions

    @Option(help: ArgumentHelp("How many shards to split the exports into.", valueName: "n"))
    var shards: Int

    @Option(name: .long, help: ArgumentHelp("Output directory for the parts and partition.json (created owner-only).", valueName: "dir"))
    var out: String

    func validate() throws {
      try inputs.requireExports()
      guard (1...4096).contains(shards) else { throw ValidationError("--shards must be between 1 and 4096, such as 32") }
    }

    func run() throws {
      let (ruleSet, _) = try rules.load()
      let job = PartitionJob(
        inputs: inputs.runInputs, shards: shards, outputPath: out, rules: ruleSet, pseudonymiser: try Pseudonymiser.fromEnvironment(),
        toolVersion: AsthmaSurveillance.version)
      let manifest = try job.run()
      for input in manifest.inputs {
        Log.info("\(input.path): \(input.rows) rows into \(shards) parts (\(input.unattributedRows) naming no valid NHS number, in shard 1's part)")
      }
      Log.info("partitioned \(manifest.inputs.count) export(s) into \(shards) shards in \(String(format: "%.1f", manifest.seconds)) s, written to \(out); run each with: nightly --partitioned \(out) --shard I/\(shards)")
    }
  }
}
