import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The area-scale benchmark: `nightly` on generated exports of growing size, side by side
/// with the peer a medicines team would otherwise write (DuckDB SQL, `peer_duckdb.py`), on
/// the same files and the same machine, in the same run.
///
///   asthma-surveillance-bench nightly [--rows 1000000,5000000,10000000] [--patients N]
///     [--runs R] [--threads T] [--work DIR] [--peer PATH] [--shapes NAME,NAME]
///
/// `--shapes` runs each named area shape (``AreaShapes``) at every size instead of the one
/// default area, and prints a table per shape, the worst ratio first.
///
/// For each size: generate the canonical GP and pharmacy exports (`generate --rows N`, reused
/// while the size is unchanged), then R runs of ours and of the peer, alternating, each timed
/// as a whole process (wall, CPU, peak RSS from wait4). Prints medians, MB/s, time per
/// million rows and ours/peer, and compares the per-child 12-month figures both compute.
struct NightlyBenchmark {
  var sizes = [1_000_000, 5_000_000, 10_000_000]
  /// The same area at every size (the padding is adults' other medicines), small enough that
  /// its own rows stay under the smallest size.
  var patients = 100_000
  var runs = 3
  var threads = 2
  var work = FileManager.default.temporaryDirectory.appendingPathComponent("asthma-surveillance-bench-nightly").path
  var peer = "../shared/bench/peer_duckdb.py"
  /// Named area shapes to run; empty for the default area alone (the README's first table).
  var shapes: [AreaShapes.Shape] = []
  let asOf = "2026-11-21"

  static func parse(_ arguments: [String]) -> NightlyBenchmark {
    var bench = NightlyBenchmark()
    BenchArguments.forEachOption(in: arguments) { flag, value in
      switch flag {
      case "--rows": bench.sizes = value.split(separator: ",").map { Int($0) ?? 0 }.filter { $0 > 0 }
      case "--patients": bench.patients = Int(value) ?? bench.patients
      case "--runs": bench.runs = max(1, Int(value) ?? bench.runs)
      case "--threads": bench.threads = max(1, Int(value) ?? bench.threads)
      case "--work": bench.work = value
      case "--peer": bench.peer = value
      case "--shapes": bench.shapes += AreaShapes.named(value)
      default: BenchLog.fail("unknown option \(flag); options: --rows N,N --patients N --runs R --threads T --work DIR --peer PATH --shapes NAME,NAME")
      }
    }
    return bench
  }

  struct Measure {
    var wall: Double
    var cpu: Double
    var peakMiB: Double
  }

  struct SizeResult {
    var shape = ""
    var rows: Int
    var bytes: Int
    var ours: [Measure]
    var peer: [Measure]
    var agreement: FigureAgreement?
  }

  func run(binary: URL) throws {
    let root = try BenchWorkDirectory(path: work)
    guard FileManager.default.fileExists(atPath: peer) else {
      BenchLog.fail("the peer script \(peer) is not there; give --peer PATH (needs `pip install duckdb`)")
    }
    var results: [SizeResult] = []
    let runShapes: [AreaShapes.Shape?] = shapes.isEmpty ? [nil] : shapes
    for shape in runShapes {
    for rows in sizes {
      let directory = root.url.appendingPathComponent(shape.map { "shape-\($0.name)-rows-\(rows)" } ?? "rows-\(rows)")
      try generateIfNeeded(binary: binary, rows: rows, directory: directory, shape: shape)
      let gp = directory.appendingPathComponent("gp.csv").path
      let pharmacy = directory.appendingPathComponent("pharmacy.csv").path
      let bytes = fileSize(gp) + fileSize(pharmacy)
      var ours: [Measure] = []
      var theirs: [Measure] = []
      let oursOut = directory.appendingPathComponent("out").path
      let peerOut = directory.appendingPathComponent("peer.csv").path
      for round in 0...runs {  // round 0 warms the page cache and is not counted
        let a = try Self.measure(binary.path, ["nightly", "--gp", gp, "--pharmacy", pharmacy, "--as-of", asOf, "--out", oursOut])
        let b = try Self.measure("/usr/bin/env", ["python3", peer, gp, pharmacy, asOf, peerOut, String(threads)])
        if round > 0 {
          ours.append(a)
          theirs.append(b)
        }
        BenchLog.info("\(shape?.name ?? "default") \(rows) rows, round \(round): ours \(String(format: "%.2f", a.wall)) s, peer \(String(format: "%.2f", b.wall)) s")
      }
      let agreement = try? FigureAgreement.compare(ours: oursOut + "/children.csv", peer: peerOut)
      results.append(SizeResult(shape: shape?.name ?? "", rows: rows, bytes: bytes, ours: ours, peer: theirs, agreement: agreement))
    }
    }
    print(shapes.isEmpty ? render(results) : renderShapes(results))
  }

  func generateIfNeeded(binary: URL, rows: Int, directory: URL, shape: AreaShapes.Shape? = nil) throws {
    let spec = directory.appendingPathComponent("spec.txt")
    let patients = shape?.patients ?? patients
    let shapeArguments = shape?.arguments(rows: rows) ?? []
    // No deliberately broken rows: the peer's SQL has no way to set them aside.
    let wanted = "rows=\(rows) patients=\(patients) seed=1 as_of=\(asOf) broken_rows=no" + (shape.map { " shape=\($0.name) \(shapeArguments.joined(separator: " "))" } ?? "") + "\n"
    if (try? String(contentsOf: spec, encoding: .utf8)) == wanted { return }
    try? FileManager.default.removeItem(at: directory)
    BenchLog.info("generating \(rows) rows per export (\(patients) patients) into \(directory.path)")
    let status = try Spawn.run(binary, ["generate", "--out", directory.path, "--patients", String(patients), "--rows", String(rows), "--seed", "1", "--as-of", asOf, "--no-broken-rows"] + shapeArguments, showErrors: true)
    guard status == 0 else { throw BenchError("generate exited with status \(status)") }
    try wanted.write(to: spec, atomically: true, encoding: .utf8)
  }

  private func fileSize(_ path: String) -> Int {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
  }

  /// Runs a process to completion and reads the kernel's accounting of it.
  static func measure(_ path: String, _ arguments: [String]) throws -> Measure {
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var pid = pid_t()
    let start = Date()
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard spawned == 0 else { throw BenchError("cannot start \(path): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
      guard errno == EINTR else { throw BenchError("wait4: \(String(cString: strerror(errno)))") }
    }
    let wall = Date().timeIntervalSince(start)
    guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else { throw BenchError("\(path) \(arguments.first ?? "") failed with status \(status)") }
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return Measure(wall: wall, cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime), peakMiB: Double(usage.ru_maxrss) / 1024)
  }

  private func median(_ values: [Double]) -> Double { BenchStatistics.median(values) }

  /// One row per shape and size, the worst ours/peer ratio first.
  func renderShapes(_ results: [SizeResult]) -> String {
    func f(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
    func ratio(_ result: SizeResult) -> Double { median(result.ours.map(\.wall)) / median(result.peer.map(\.wall)) }
    // Each round's own ratio (ours, then the peer's straight after): their spread says how
    // much the machine moved during the shape's runs.
    func spread(_ result: SizeResult) -> String {
      let ratios = zip(result.ours, result.peer).map { $0.wall / $1.wall }
      guard let low = ratios.min(), let high = ratios.max() else { return "" }
      return "\(f(low))-\(f(high))"
    }
    var lines = [
      "nightly vs the DuckDB peer per area shape (\(threads) thread(s)), medians of \(runs) run(s) each, alternating, one machine",
      "",
      "| shape | rows per export | input MB | ours wall s | ours CPU s | ours peak MiB | peer wall s | peer CPU s | peer peak MiB | ours/peer wall | each round's ratio |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results.sorted(by: { ratio($0) > ratio($1) }) {
      lines.append(
        "| \(result.shape) | \(result.rows) | \(f(Double(result.bytes) / 1_000_000, 0)) | \(f(median(result.ours.map(\.wall)))) | \(f(median(result.ours.map(\.cpu)))) | \(f(result.ours.map(\.peakMiB).max() ?? 0, 0)) | \(f(median(result.peer.map(\.wall)))) | \(f(median(result.peer.map(\.cpu)))) | \(f(result.peer.map(\.peakMiB).max() ?? 0, 0)) | \(f(ratio(result))) | \(spread(result)) |")
    }
    if let worst = results.max(by: { ratio($0) < ratio($1) }) { lines += ["", "Worst: \(worst.shape) at \(worst.rows) rows, \(f(ratio(worst))) times the peer's wall time."] }
    lines.append("")
    for result in results {
      lines.append("- \(result.shape), \(result.rows) rows: " + (result.agreement?.summary ?? "could not compare (an output was missing)"))
    }
    for shape in shapes { lines.append("- \(shape.name): \(shape.description)") }
    return lines.joined(separator: "\n")
  }

  func render(_ results: [SizeResult]) -> String {
    func f(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
    var lines = [
      "nightly vs the DuckDB peer (\(threads) thread(s)), medians of \(runs) run(s) each, alternating, one machine",
      "",
      "| rows per export | input MB | ours wall s | ours CPU s | ours MB/s | ours s per 1M rows | ours peak MiB | peer wall s | peer CPU s | peer peak MiB | ours/peer wall |",
      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results {
      let oursWall = median(result.ours.map(\.wall))
      let peerWall = median(result.peer.map(\.wall))
      let megabytes = Double(result.bytes) / 1_000_000
      lines.append(
        "| \(result.rows) | \(f(megabytes, 0)) | \(f(oursWall)) | \(f(median(result.ours.map(\.cpu)))) | \(f(megabytes / oursWall, 0)) | \(f(oursWall / (Double(result.rows * 2) / 1_000_000), 3)) | \(f(result.ours.map(\.peakMiB).max() ?? 0, 0)) | \(f(peerWall)) | \(f(median(result.peer.map(\.cpu)))) | \(f(result.peer.map(\.peakMiB).max() ?? 0, 0)) | \(f(oursWall / peerWall)) |")
    }
    lines.append("")
    lines.append("Per-child 12-month figures, ours against the peer's (children both count):")
    for result in results {
      guard let agreement = result.agreement else {
        lines.append("- \(result.rows) rows: could not compare (an output was missing)")
        continue
      }
      lines.append("- \(result.rows) rows: \(agreement.summary)")
    }
    return lines.joined(separator: "\n")
  }
}

/// How far our per-child figures agree with the peer's. The peer classifies by BNF prefix and
/// takes any quantity above 9 as doses of a 200-dose inhaler, so it differs where the
/// formulary knows better (ICS/formoterol, 120- and 60-dose inhalers, triples).
struct FigureAgreement {
  var childrenInBoth = 0
  var onlyOurs = 0
  var onlyPeer = 0
  var equal: [String: Int] = [:]

  static let figures = ["reliever_devices_12m", "preventer_devices_12m", "nebule_issues_12m"]

  var summary: String {
    let parts = Self.figures.map { figure -> String in
      let share = childrenInBoth == 0 ? 0 : Double(equal[figure] ?? 0) / Double(childrenInBoth) * 100
      return "\(figure) equal for \(String(format: "%.1f", share))%"
    }
    return "\(childrenInBoth) children in both (\(onlyOurs) only in ours, \(onlyPeer) only in the peer's); " + parts.joined(separator: ", ")
  }

  static func compare(ours: String, peer: String) throws -> FigureAgreement {
    let mine = try table(ours)
    let theirs = try table(peer)
    var result = FigureAgreement()
    for (child, figures) in mine {
      guard let other = theirs[child] else { result.onlyOurs += 1; continue }
      result.childrenInBoth += 1
      for figure in figures.keys where figures[figure] == other[figure] { result.equal[figure, default: 0] += 1 }
    }
    result.onlyPeer = theirs.keys.filter { mine[$0] == nil }.count
    return result
  }

  /// nhs_number to the compared figures as numbers (empty cells are 0, as the peer's nulls).
  private static func table(_ path: String) throws -> [String: [String: Double]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    guard !lines.isEmpty else { return [:] }
    let header = lines.removeFirst()
    guard let key = header.firstIndex(of: "nhs_number") else { return [:] }
    var table: [String: [String: Double]] = [:]
    for cells in lines where cells.count == header.count {
      var figures: [String: Double] = [:]
      for figure in figures.keys + Self.figures { if let index = header.firstIndex(of: figure) { figures[figure] = Double(cells[index]) ?? 0 } }
      table[cells[key]] = figures
    }
    return table
  }
}

/// Area shapes for `nightly --shapes`: `generate`'s shape options, named.
enum AreaShapes {
  struct Shape: Sendable {
    var name: String
    var patients: Int
    var description: String
    /// `generate` options besides the size; `rows` is the size per export.
    var extra: @Sendable (Int) -> [String]

    func arguments(rows: Int) -> [String] { extra(rows) }
  }

  /// The shapes a comma-separated list names; an unknown name ends the bench.
  static func named(_ list: String) -> [Shape] {
    list.split(separator: ",").map { name in
      guard let shape = all.first(where: { $0.name == name }) else {
        BenchLog.fail("unknown shape \(name); shapes: \(all.map(\.name).joined(separator: ", "))")
      }
      return shape
    }
  }

  static let all: [Shape] = [
    Shape(name: "default", patients: 100_000, description: "generate's own area: 100,000 patients, 27% children with asthma, 13 other medicines, ids on most rows") { _ in [] },
    Shape(
      name: "wide", patients: 500_000,
      description: "500,000 patients, 8% children with asthma (40,000; 100,000 children in all), 300 made-up other medicines with arbitrary codes, 18% of them with quoted names") { _ in
        ["--children-percent", "8", "--other-products", "300", "--product-codes", "arbitrary", "--quoted-names-percent", "18"]
      },
    Shape(name: "no-ids", patients: 100_000, description: "generate's own area with no prescription ids on any row: every match by product and date") { _ in ["--no-prescription-ids"] },
    Shape(
      name: "wide-no-ids-pharmacy-heavy", patients: 500_000,
      description: "the wide area, no prescription ids, and half as many GP rows as pharmacy rows") { rows in
        ["--children-percent", "8", "--other-products", "300", "--product-codes", "arbitrary", "--quoted-names-percent", "18", "--no-prescription-ids",
         "--pharmacy-rows", String(rows), "--rows", String(rows / 2)]
      },
  ]
}
