import CSVReading
import Crypto
import Foundation
import SurveillanceCore
import SurveillanceFrontend

/// `asthma-surveillance-bench read FILE KIND`: where reading one export's time goes, layer by
/// layer, on one core: the CSV reader alone (plain lines in place, then every byte through
/// libcsv), with the file's SHA-256, then the whole export reader (hashing and decoding). For profiling the reading
/// path; the nightly benchmark is the one whose figures count.
enum ReadingBenchmark {
  static func run(_ arguments: [String]) throws {
    guard arguments.count == 2, let kind = InputKind(rawValue: arguments[1]) else {
      BenchLog.fail("usage: asthma-surveillance-bench read FILE gp_prescriptions|pharmacy_dispensing")
    }
    let path = arguments[0]
    let rules = try RuleSource.locate(nil).load().readingTestData()
    func timed(_ label: String, _ body: () throws -> Int) rethrows {
      let start = Date()
      let records = try body()
      print("\(label): \(String(format: "%.2f", Date().timeIntervalSince(start))) s, \(records) records")
    }
    print("line splitter: \(CSVReader.splitterImplementation)")
    try timed("reader, plain lines in place") {
      var records = 0
      try CSVReader.read(fileAt: path) { _ in records += 1 }
      return records
    }
    try timed("reader, all through libcsv") {
      var records = 0
      try CSVReader.read(fileAt: path, plainLinesInPlace: false) { _ in records += 1 }
      return records
    }
    try timed("reader and SHA-256") {
      var records = 0
      var hasher = SHA256()
      try CSVReader.read(fileAt: path, observeBytes: { hasher.update(bufferPointer: $0) }) { _ in records += 1 }
      _ = hasher.finalize()
      return records
    }
    try timed("export reader (hash, decode)") {
      let asOf = CalendarDate(year: 2026, month: 11, day: 21)!
      let contents = try ExportReader.read(ExportFile(path: path, kind: kind), index: 0, rules: rules, earliest: asOf, latest: asOf)
      return contents.report.rowsRead
    }
  }
}
