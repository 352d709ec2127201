// The benchmarks, one per subcommand (with no arguments, the list of them):
// - `nightly ...`: the area-scale run against the DuckDB peer (NightlyBenchmark.swift);
// - `marginal ...`: the same area at several sizes, the cost of each added row (MarginalCostBenchmark.swift);
// - `child-shapes ...`: one child's many rows, and a million children (ChildShapesBenchmark.swift);
// - `dmd ...`: a full-size dm+d release through `formulary build` (DMDBenchmark.swift);
// - `read FILE KIND`: the reading path alone, layer by layer, for profiling (ReadingBenchmark.swift);
// - `lookups ...` (or options alone, as before): the pharmacist look-up benchmark: a store for a
//   large synthetic area, then `patient` look-ups timed as whole processes, as a pharmacist's
//   terminal would run them. It writes about 7.5 GB into --work, so it never starts without
//   being asked.
//
//   swift build -c release && .build/release/asthma-surveillance-bench lookups [--work DIR] [--patients N]
//     [--children-percent P] [--lookups N] [--seed S]
//
// Steps: generate the area's four canonical exports with the SyntheticArea generator (kept in
// --work and reused while the spec is unchanged), run `asthma-surveillance nightly --store`
// on them (timed), then spawn `asthma-surveillance patient NHS --store ...` once per random
// child (timed, wall clock, process start to exit) and print a table.
import Foundation
import SurveillanceCore

// The bench's areas are synthetic, their NHS numbers from the test range: every run it
// starts reads test data.
setenv("ASTHMA_SURVEILLANCE_TEST_DATA", "1", 1)
let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
  .deletingLastPathComponent().appendingPathComponent("asthma-surveillance")
guard FileManager.default.isExecutableFile(atPath: binary.path) else {
  BenchLog.fail("no asthma-surveillance binary beside this one (\(binary.path)): build both with `swift build -c release`")
}
let subcommand = CommandLine.arguments.dropFirst().first
if subcommand == nil || subcommand == "--help" || subcommand == "-h" {
  print(
    """
    usage: asthma-surveillance-bench SUBCOMMAND [OPTIONS]
      nightly       ours against the DuckDB peer on generated areas (--rows, --shapes, --runs, --work, --peer)
      marginal      the same area at several sizes: the cost of each added row (--rows, --runs, --work)
      child-shapes  one child with very many rows, and a million children (--scale, --runs, --work, --only)
      dmd           a full-size dm+d release through `formulary build` (--work, --runs, --scale, --fixture)
      read FILE KIND  the reading path alone, layer by layer
      lookups       the pharmacist look-up: a store for a large area (about 7.5 GB in --work), then
                    `patient` look-ups (--work, --patients, --children-percent, --lookups, --seed)
    """)
  exit(subcommand == nil ? 2 : 0)
}
// The subcommands that take their own options, each given the arguments after its name.
let subcommands: [String: ([String]) throws -> Void] = [
  "nightly": { try NightlyBenchmark.parse($0).run(binary: binary) },
  "marginal": { try MarginalCostBenchmark.parse($0).run(binary: binary) },
  "child-shapes": { try ChildShapesBenchmark.parse($0).run(binary: binary) },
  "dmd": { try DMDBenchmark.parse($0).run(binary: binary) },
  "read": { try ReadingBenchmark.run($0) },
]
if let subcommand, let run = subcommands[subcommand] {
  do {
    try run(Array(CommandLine.arguments.dropFirst(2)))
  } catch {
    BenchLog.fail("\(error)")
  }
  exit(0)
}
// `asthma-surveillance-bench lookups ...`, or its options alone as it was first run.
let options = BenchOptions.parse(Array(CommandLine.arguments.dropFirst(subcommand == "lookups" ? 2 : 1)))

do {
  let work = try BenchWorkDirectory(path: options.work)
  let exports = try AreaExports.generateIfNeeded(options: options, work: work)
  let nightly = try NightlyRun.run(binary: binary, exports: exports, work: work, asOf: options.asOf, passRows: options.passRows)
  let lookUps = try LookUpRun.run(binary: binary, work: work, nightly: nightly, options: options)
  print(ResultsTable.render(options: options, exports: exports, nightly: nightly, lookUps: lookUps))
} catch {
  BenchLog.fail("\(error)")
}
