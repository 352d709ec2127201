import CSVReading
import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SyntheticArea

/// The synthetic area's exports in the work directory, generated with the SyntheticArea
/// generator's public API (the `generate` subcommand has no option for the share of children).
struct AreaExports {
  var directory: URL
  var rows: [SyntheticFile: Int]
  var generateSeconds: Double?

  var arguments: [String] {
    func path(_ file: SyntheticFile) -> String { directory.appendingPathComponent(file.fileName).path }
    return ["--gp", path(.gp), "--pharmacy", path(.pharmacy), "--safeguarding", path(.safeguarding), "--care-events", path(.careEvents)]
  }

  /// Reuses the exports when a previous bench made them with the same spec.
  static func generateIfNeeded(options: BenchOptions, work: BenchWorkDirectory) throws -> AreaExports {
    let directory = work.url.appendingPathComponent("exports", isDirectory: true)
    let specFile = directory.appendingPathComponent("spec.txt")
    let spec = "patients=\(options.patients) children_percent=\(options.childrenPercent) seed=\(options.seed) as_of=\(options.asOf) broken_rows=false\n"
    let rowsFile = directory.appendingPathComponent("rows.txt")
    if (try? String(contentsOf: specFile, encoding: .utf8)) == spec, let rows = try? String(contentsOf: rowsFile, encoding: .utf8) {
      BenchLog.info("reusing the exports in \(directory.path)")
      return AreaExports(directory: directory, rows: Self.parseRows(rows), generateSeconds: nil)
    }
    try? FileManager.default.removeItem(at: directory)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    BenchLog.info("generating \(options.patients) patients, \(options.childrenPercent)% children with asthma, into \(directory.path)")
    let area = SyntheticArea(
      spec: AreaSpec(
        patients: options.patients, seed: options.seed, asOf: options.asOf, layouts: .canonical, brokenRows: false,
        childrenWithAsthmaPercent: options.childrenPercent),
      catalogue: try catalogue())
    var handles: [SyntheticFile: FileHandle] = [:]
    for file in area.files {
      let path = directory.appendingPathComponent(file.fileName).path
      guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
        let handle = FileHandle(forWritingAtPath: path)
      else { throw BenchError("cannot create \(path)") }
      handles[file] = handle
    }
    let (summary, seconds) = timed { area.generate { file, text in handles[file]!.write(Data(file.encode(text))) } }
    for handle in handles.values { try handle.close() }
    let rows = summary.rows.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: "\n") + "\n"
    try rows.write(to: rowsFile, atomically: true, encoding: .utf8)
    try spec.write(to: specFile, atomically: true, encoding: .utf8)
    return AreaExports(directory: directory, rows: summary.rows, generateSeconds: seconds)
  }

  private static func parseRows(_ text: String) -> [SyntheticFile: Int] {
    var rows: [SyntheticFile: Int] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: "=")
      if parts.count == 2, let file = SyntheticFile(rawValue: String(parts[0])), let count = Int(parts[1]) { rows[file] = count }
    }
    return rows
  }

  /// The product catalogue from `rules/`, as `generate` builds it (that code lives in the
  /// executable target, which a benchmark cannot import).
  private static func catalogue() throws -> ProductCatalogue {
    let rules = RuleSource.locate(nil)
    let formulary = try rules.load().formulary
    let (definition, codelists) = try rules.formularyFiles()
    return ProductCatalogue(definition: definition, codelists: codelists, formulary: formulary)
  }
}

struct BenchError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
