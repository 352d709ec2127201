import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceFrontend

extension AsthmaSurveillance {
  struct Nightly: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Read an area's exports and write children.csv, signals, rejects and a manifest.",
      discussion: HelpText.footer(["asthma-surveillance nightly --gp gp.csv --pharmacy pharmacy.csv --safeguarding safeguarding.csv --out out/nightly --store out/store", "asthma-surveillance nightly --config /etc/asthma/nightly.toml --metrics /var/lib/node_exporter/textfile_collector/asthma.prom"], exitCodes: [(3, "the run failed (a file rejected more than --max-reject-rate of its rows): the last good outputs and store are unchanged; this run's manifest and rejected rows are in OUT.failed")]))

    @OptionGroup var logging: LogOptions

    @Option(help: ArgumentHelp(
      "Read options from this TOML file, keyed by their long names (gp = [\"gp.csv\"], out = \"out\", max-reject-rate = 0.02); the command line overrides it.",
      valueName: "file.toml"))
    var config: String?

    @OptionGroup var inputs: InputOptions
    @OptionGroup var rules: RulesOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Evaluate as on this date (YYYY-MM-DD); later rows are not yet known.", discussion: "Default: today.", valueName: "date"))
    var asOf: CalendarDate?

    @Option(name: .long, help: ArgumentHelp("Output directory (created owner-only).", valueName: "dir"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("Also persist the run into this SQLite store directory (created owner-only) as its new current generation, for `patient` look-ups.", valueName: "dir"))
    var store: String?

    @Option(help: ArgumentHelp("Hold and evaluate only the children of shard I of N (keyed hash; needs the pseudonymisation key); combine the parts with `merge`.", valueName: "I/N"))
    var shard: Shard?

    @Option(help: ArgumentHelp("Read shard I's parts of exports split by `partition` into this directory (with --shard I/N), instead of --gp, --pharmacy, --safeguarding and --care-events.", valueName: "dir"))
    var partitioned: String?

    @Option(name: .long, help: ArgumentHelp("Wait up to this many seconds for another run writing the same --out or --store to finish (default: stop at once, changing nothing).", valueName: "seconds"))
    var wait: Double = 0

    @Option(help: ArgumentHelp("Write the run's metrics (Prometheus text format, for node_exporter's textfile collector) to this file, whether the run succeeds or fails.", valueName: "file.prom"))
    var metrics: String?

    @Option(name: .customLong("pass-rows"), help: ArgumentHelp(
      "Hold at most about this many rows of asthma medicines and care at a time: a larger area is read in passes by NHS number (outputs are the same bytes); 0 reads it in one pass.",
      discussion: "Default: \(NightlyJob.defaultRowsPerPass), about 700 MB of memory at the most.", valueName: "rows"))
    var passRows: Int = NightlyJob.defaultRowsPerPass

    @Option(name: .customLong("max-reject-rate"), help: ArgumentHelp("Fail the run when a file rejects more than this share of its rows.", valueName: "rate"))
    var maxRejectRate: Double = 0.05

    @OptionGroup var pharmacyData: PharmacyDataOptions

    func validate() throws {
      if partitioned != nil {
        guard shard != nil else { throw ValidationError("--partitioned reads one shard's parts: give --shard I/N as well") }
        guard inputs.gp.isEmpty, inputs.pharmacy.isEmpty, inputs.safeguarding.isEmpty, inputs.careEvents.isEmpty else {
          throw ValidationError("--partitioned reads the exports the partition was made from: give no --gp, --pharmacy, --safeguarding or --care-events")
        }
      } else {
        try inputs.requireExports()
      }
      guard (0...1).contains(maxRejectRate) else { throw ValidationError("--max-reject-rate must be between 0 and 1, such as 0.05") }
      guard passRows >= 0 else { throw ValidationError("--pass-rows must be 0 (one pass) or a number of rows, such as 1500000") }
      guard wait >= 0, wait <= 86_400 else { throw ValidationError("--wait must be between 0 and 86400 seconds") }
      if store != nil && shard != nil {
        throw ValidationError("--store takes a whole area's run: run the shards, merge them, and load the store from an unsharded run")
      }
    }

    func run() throws {
      let (loaded, fingerprint) = try rules.load()
      let ruleSet = pharmacyData.applied(to: loaded)
      let selection = try shard.map { ShardSelection(shard: $0, pseudonymiser: try Pseudonymiser.fromEnvironment()) }
      let runInputs = try partitioned.map { directory in
        try PartitionManifest.inputs(directory: directory, shard: selection!.shard, keyFingerprint: selection!.pseudonymiser.keyFingerprint)
      } ?? inputs.runInputs
      var job = NightlyJob(
        inputs: runInputs, asOf: asOf ?? Today.date, outputPath: out, maxRejectRate: maxRejectRate,
        rules: ruleSet, rulesFingerprint: fingerprint, toolVersion: AsthmaSurveillance.version, log: Log.info)
      job.storePath = store
      job.waitSeconds = wait
      job.metricsPath = metrics
      job.rowsPerPass = passRows == 0 ? nil : passRows
      job.progress = Log.progress
      job.shard = selection
      let outcome = try job.run()
      Log.info("wrote \(outcome.manifest.outputs.joined(separator: ", ")) to \(outcome.outputDirectory.path)")
      Log.info(RunSummary.line(outcome.manifest))
      if let failure = outcome.failure {
        Log.always("run failed: \(failure)")
        throw ExitCode(3)
      }
    }
  }
}
