import Foundation
import SurveillanceStore
import SyntheticArea

/// The benchmark's figures as a Markdown table, ready for the README.
enum ResultsTable {
  static func render(options: BenchOptions, exports: AreaExports, nightly: NightlyRun, lookUps: LookUpRun) -> String {
    let rows = (exports.rows[.gp] ?? 0) + (exports.rows[.pharmacy] ?? 0) + (exports.rows[.safeguarding] ?? 0) + (exports.rows[.careEvents] ?? 0)
    var lines = [
      "| measure | value |",
      "| --- | --- |",
      "| area | \(grouped(options.patients)) patients, \(options.childrenPercent)% children with asthma, seed \(options.seed) |",
      "| export rows (GP, pharmacy, safeguarding, care events) | \(grouped(rows)) |",
    ]
    if let seconds = exports.generateSeconds { lines.append("| generating the exports | \(String(format: "%.0f", seconds)) s |") }
    lines += [
      "| children in the store | \(grouped(nightly.generation.childrenCount)) |",
      "| nightly run, whole process (read, evaluate, write outputs and store) | \(String(format: "%.0f", nightly.seconds)) s |",
      "| of which the store generation (write, flip, prune) | \(String(format: "%.0f", nightly.generation.storeWriteSeconds ?? 0)) s |",
      "| nightly peak memory (resident, `--pass-rows` \(nightly.passRows.map(String.init) ?? "default")) | \(String(format: "%.0f", nightly.peakMiB)) MiB |",
      "| store size on disk | \(String(format: "%.2f", Double(nightly.storeBytes) / 1_073_741_824)) GiB |",
      "| `patient` look-ups timed (random children, one process each) | \(lookUps.milliseconds.count) |",
      "| median | \(ms(lookUps.percentile(0.5))) |",
      "| p90 | \(ms(lookUps.percentile(0.9))) |",
      "| p99 | \(ms(lookUps.percentile(0.99))) |",
      "| max | \(ms(lookUps.milliseconds.max() ?? 0)) |",
    ]
    return lines.joined(separator: "\n")
  }

  private static func ms(_ value: Double) -> String { String(format: "%.1f ms", value) }

  private static func grouped(_ value: Int) -> String {
    var digits = String(value)
    var result = ""
    while digits.count > 3 {
      result = "," + digits.suffix(3) + result
      digits.removeLast(3)
    }
    return digits + result
  }
}
