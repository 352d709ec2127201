import Foundation

/// Whether each added row costs the same, from a small export to an area-year's: the same area
/// at several sizes (the added rows are adults' other medicines, so the children and their
/// signals are the same at every size), our `nightly` alone.
///
///   asthma-surveillance-bench marginal [--rows 1000000,2500000,5000000,10000000] [--runs R]
///     [--work DIR] [--shapes NAME,NAME]
///
/// `--shapes` measures each named area shape (``AreaShapes``) in turn, a table each; without
/// it, the default area. A shape's added rows are its own padding (other medicines, adults'
/// and children's, in the shape's proportions).
///
/// This machine's speed drifts by 20 to 40% over minutes, more than the effect, so the sizes
/// are interleaved: each round runs every size once, in an order that turns round by round,
/// and a round's marginal cost between two sizes is the difference of its own two runs. A
/// slow minute then moves a round's runs together rather than one size's runs all at once.
/// Reported as CPU time (user and system; the two cores' wall time depends on how the work
/// shares out) and as the manifest's read-and-decode phase, the part that grows with rows.
struct MarginalCostBenchmark {
  var sizes = [1_000_000, 2_500_000, 5_000_000, 10_000_000]
  var runs = 5
  var work = FileManager.default.temporaryDirectory.appendingPathComponent("asthma-surveillance-bench-nightly").path
  var shapes: [AreaShapes.Shape] = []

  static func parse(_ arguments: [String]) -> MarginalCostBenchmark {
    var bench = MarginalCostBenchmark()
    BenchArguments.forEachOption(in: arguments) { flag, value in
      switch flag {
      case "--rows": bench.sizes = value.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }.sorted()
      case "--runs": bench.runs = max(1, Int(value) ?? bench.runs)
      case "--work": bench.work = value
      case "--shapes": bench.shapes = AreaShapes.named(value)
      default: BenchLog.fail("unknown option \(flag); options: --rows N,N,... --runs R --work DIR --shapes NAME,NAME")
      }
    }
    guard Set(bench.sizes).count >= 2 else { BenchLog.fail("--rows needs at least two different sizes") }
    return bench
  }

  /// One run of ours at one size.
  struct Sample {
    var cpu: Double
    var wall: Double
    /// The manifest's `read_and_decode`.
    var reading: Double
    /// Rows in both exports, from the manifest: a shape whose own patients give more rows than
    /// a size asks for is not padded down to it.
    var rowsRead: Int
  }

  func run(binary: URL) throws {
    var tables: [String] = []
    for shape in shapes.isEmpty ? [nil] : shapes.map(Optional.some) {
      tables.append(try run(binary: binary, shape: shape))
    }
    print(tables.joined(separator: "\n\n"))
  }

  /// One shape's rounds, as its tables.
  private func run(binary: URL, shape: AreaShapes.Shape?) throws -> String {
    let root = try BenchWorkDirectory(path: work)
    let nightly = NightlyBenchmark(work: work)
    var directories: [URL] = []
    for rows in sizes {
      let directory = root.url.appendingPathComponent(shape.map { "shape-\($0.name)-rows-\(rows)" } ?? "rows-\(rows)")
      try nightly.generateIfNeeded(binary: binary, rows: rows, directory: directory, shape: shape)
      directories.append(directory)
    }
    // rounds[r][s]: round r's run at size s. Round 0 warms the page cache and is not kept.
    var rounds: [[Sample]] = []
    for round in 0...runs {
      var samples = [Sample?](repeating: nil, count: sizes.count)
      for step in 0..<sizes.count {
        let index = (step + round) % sizes.count
        samples[index] = try measure(binary: binary, directory: directories[index], asOf: nightly.asOf)
      }
      let kept = samples.map { $0! }
      if round > 0 { rounds.append(kept) }
      BenchLog.info("\(shape?.name ?? "default") round \(round): " + zip(sizes, kept).map { "\($0) rows \(String(format: "%.2f", $1.cpu)) s CPU" }.joined(separator: ", "))
    }
    return render(rounds, shape: shape?.name ?? "default")
  }

  private func measure(binary: URL, directory: URL, asOf: String) throws -> Sample {
    let out = directory.appendingPathComponent("out")
    let measured = try NightlyBenchmark.measure(
      binary.path,
      [
        "nightly", "--gp", directory.appendingPathComponent("gp.csv").path, "--pharmacy",
        directory.appendingPathComponent("pharmacy.csv").path, "--as-of", asOf, "--out", out.path,
      ])
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any]
    guard let reading = (manifest?["timings_seconds"] as? [String: Any])?["read_and_decode"] as? Double,
      let rowsRead = (manifest?["totals"] as? [String: Any])?["rows_read"] as? Int
    else {
      throw BenchError("the manifest in \(out.path) has no read_and_decode timing or rows_read total")
    }
    return Sample(cpu: measured.cpu, wall: measured.wall, reading: reading, rowsRead: rowsRead)
  }

  func render(_ rounds: [[Sample]], shape: String) -> String {
    func f(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
    let median = BenchStatistics.median
    func spread(_ values: [Double]) -> String { "\(f(values.min() ?? 0))-\(f(values.max() ?? 0))" }
    var lines = [
      "Marginal cost per row, \(shape) shape: the same area at \(sizes.count) sizes, our nightly alone, \(rounds.count) round(s) each running every size once (order turning), medians",
      "",
      "| rows per export asked | rows read (both exports) | CPU s | wall s | read and decode s |",
      "| ---: | ---: | ---: | ---: | ---: |",
    ]
    let rowsRead = rounds[0].map(\.rowsRead)
    for (index, rows) in sizes.enumerated() {
      lines.append(
        "| \(rows) | \(rowsRead[index]) | \(f(median(rounds.map { $0[index].cpu }), 2)) | \(f(median(rounds.map { $0[index].wall }), 2)) | \(f(median(rounds.map { $0[index].reading }), 2)) |")
    }
    lines += [
      "",
      "Each added million rows read (both exports together), between consecutive sizes that read different rows; per round, then the median and the rounds' range:",
      "",
      "| from rows read | to rows read | CPU s per 1M rows | rounds | read and decode s per 1M rows | rounds |",
      "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    var medians: [Double] = []
    var previous = 0
    for index in 1..<sizes.count where rowsRead[index] > rowsRead[previous] {
      let millions = Double(rowsRead[index] - rowsRead[previous]) / 1_000_000
      let cpu = rounds.map { ($0[index].cpu - $0[previous].cpu) / millions }
      let reading = rounds.map { ($0[index].reading - $0[previous].reading) / millions }
      medians.append(median(cpu))
      lines.append("| \(rowsRead[previous]) | \(rowsRead[index]) | \(f(median(cpu))) | \(spread(cpu)) | \(f(median(reading))) | \(spread(reading)) |")
      previous = index
    }
    if Set(rowsRead).count < rowsRead.count {
      lines += ["", "Sizes that read the same rows (the shape's own patients give more than the size asks) are one size here."]
    }
    if let low = medians.min(), let high = medians.max(), low > 0 {
      lines += ["", "Highest marginal CPU cost over lowest: \(f(high / low, 2)) (1.00 is perfectly flat)."]
    }
    return lines.joined(separator: "\n")
  }
}
