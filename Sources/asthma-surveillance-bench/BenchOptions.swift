import Foundation
import SurveillanceCore

/// The benchmark's few options, parsed by hand: the bench needs no argument parser.
struct BenchOptions {
  var work = FileManager.default.temporaryDirectory.appendingPathComponent("asthma-surveillance-bench").path
  /// Patients in the area. With half of them children with asthma, 700,000 patients give
  /// about 350,000 children in the store.
  var patients = 700_000
  /// Share of patients who are children with asthma (the generator's default, 27%, is for
  /// samples; a large share puts at least 300,000 children in the store).
  var childrenPercent = 50
  var lookUps = 300
  /// Passed to `nightly --pass-rows` when given (0: the whole area in one pass).
  var passRows: Int?
  var seed: UInt64 = 1
  var asOf = CalendarDate(year: 2026, month: 11, day: 21)!

  static func parse(_ arguments: [String]) -> BenchOptions {
    var options = BenchOptions()
    BenchArguments.forEachOption(in: arguments) { flag, value in
      switch flag {
      case "--work": options.work = value
      case "--patients": options.patients = number(Int(value), flag)
      case "--children-percent": options.childrenPercent = number(Int(value), flag)
      case "--lookups": options.lookUps = number(Int(value), flag)
      case "--seed": options.seed = number(UInt64(value), flag)
      case "--pass-rows": options.passRows = number(Int(value), flag)
      default: BenchLog.fail("unknown option \(flag); options: --work DIR --patients N --children-percent P --lookups N --seed S --pass-rows N")
      }
    }
    return options
  }

  private static func number<T>(_ value: T?, _ flag: String) -> T {
    guard let value else { BenchLog.fail("\(flag) takes a whole number") }
    return value
  }
}

/// The benchmarks' arguments, `--flag value` pairs, read the same way by every subcommand.
enum BenchArguments {
  /// Calls `body` with each flag and its value, in order; a flag without a value ends the bench.
  static func forEachOption(in arguments: [String], _ body: (_ flag: String, _ value: String) -> Void) {
    var rest = arguments[...]
    while let flag = rest.popFirst() {
      guard let value = rest.popFirst() else { BenchLog.fail("\(flag) needs a value") }
      body(flag, value)
    }
  }
}

/// Figures over a benchmark's runs.
enum BenchStatistics {
  /// The middle value (the mean of the two middle ones for an even count).
  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  }
}

/// Progress on standard error; never a patient identifier.
enum BenchLog {
  static func info(_ message: String) {
    FileHandle.standardError.write(Data("asthma-surveillance-bench: \(message)\n".utf8))
  }

  static func fail(_ message: String) -> Never {
    info(message)
    exit(1)
  }
}

/// The benchmark's own directory (owner-only: it holds a synthetic area's store).
struct BenchWorkDirectory {
  let url: URL

  init(path: String) throws {
    url = URL(fileURLWithPath: path, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: url.path)
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Seconds elapsed while `body` runs, by the monotonic clock.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
  let clock = ContinuousClock()
  let start = clock.now
  let result = try body()
  let elapsed = clock.now - start
  return (result, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
