import ArgumentParser
import SurveillanceCore
import SurveillanceFrontend

extension AsthmaSurveillance {
  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Combine the outputs of nightly --shard I/N runs into what one run would have written.",
      discussion: HelpText.footer(
        ["asthma-surveillance merge out/shard-1 out/shard-2 out/shard-3 --out out/nightly"],
        exitCodes: [(3, "the shards read a partition and together rejected more of a file's rows than their --max-reject-rate: nothing is merged")]))

    @OptionGroup var logging: LogOptions

    @Argument(help: ArgumentHelp("The shards' output directories, all N of them.", valueName: "shard-dir"))
    var shards: [String]

    @Option(name: .long, help: ArgumentHelp("Output directory (created owner-only).", valueName: "dir"))
    var out: String

    func run() throws {
      let manifest: RunManifest
      do {
        manifest = try MergeJob(shardDirectories: shards, outputPath: out, toolVersion: AsthmaSurveillance.version).run()
      } catch MergeError.tooManyRejected(let why) {
        Log.always("run failed: \(why)")
        throw ExitCode(3)
      }
      Log.info("merged \(shards.count) shard(s): \(manifest.childrenCount) children, \(manifest.signalsByRule.values.reduce(0) { $0 + $1.values.reduce(0, +) }) signal(s), written to \(out)")
    }
  }
}
