import CSVReading
import Foundation
import SurveillanceCore
import SurveillanceFrontend
import Testing

@testable import SyntheticArea

/// The repository root, three levels up from this file (tests read rules/ and data-samples/
/// where they are, never a copy).
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The shipped rules and the product catalogue built from them, loaded once.
enum Shipped {
  static let rulesURL = repositoryRoot.appendingPathComponent("rules")
  private static let loadedRules = Result { try RuleSource.directory(rulesURL).load().readingTestData() }
  private static let loadedCatalogue = Result { () throws -> ProductCatalogue in
    let definition = try FormularyDefinition(jsonData: try Data(contentsOf: rulesURL.appendingPathComponent("formulary/formulary.json")))
    var codelists: [String: [[String]]] = [:]
    for file in Set(definition.classes.flatMap { ($0.codelists ?? []).map(\.file) }) {
      var rows: [[String]] = []
      try CSVReader.read(fileAt: rulesURL.appendingPathComponent("codelists").appendingPathComponent(file).path) { rows.append($0.fields) }
      codelists[file] = rows
    }
    return ProductCatalogue(definition: definition, codelists: codelists, formulary: try loadedRules.get().formulary)
  }

  static func rules() throws -> RuleSet { try loadedRules.get() }
  static func catalogue() throws -> ProductCatalogue { try loadedCatalogue.get() }
}

/// A generation held in memory: each file's bytes, exactly as `generate` writes them.
struct GeneratedFiles {
  var bytes: [SyntheticFile: [UInt8]] = [:]
  var summary = GenerationSummary()

  init(_ spec: AreaSpec) throws {
    let area = SyntheticArea(spec: spec, catalogue: try Shipped.catalogue())
    var collected: [SyntheticFile: [UInt8]] = [:]
    summary = area.generate { file, text in collected[file, default: []] += file.encode(text) }
    bytes = collected
  }

  init(hakeemCase: Void) throws {
    var collected: [SyntheticFile: [UInt8]] = [:]
    summary = HakeemCase.generate(catalogue: try Shipped.catalogue()) { file, text in collected[file, default: []] += file.encode(text) }
    bytes = collected
  }

  /// The file's records, header first, as the tool's CSV reader sees them.
  func records(_ file: SyntheticFile) throws -> [[String]] {
    var rows: [[String]] = []
    try CSVReader.read(bytes: bytes[file] ?? []) { rows.append($0.fields) }
    return rows
  }

  /// Records as dictionaries keyed by header, data rows only, with their line numbers.
  func rows(_ file: SyntheticFile) throws -> [(line: Int, fields: [String: String])] {
    let all = try records(file)
    guard let header = all.first else { return [] }
    return all.dropFirst().enumerated().map { index, record in
      (index + 2, Dictionary(zip(header, record), uniquingKeysWith: { first, _ in first }))
    }
  }

  /// Writes every file into `directory`, as the command would.
  func write(to directory: URL) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (file, content) in bytes { try Data(content).write(to: directory.appendingPathComponent(file.fileName)) }
  }
}

/// A small area for behaviour tests: every pattern appears at least once in 400 children.
let smallSpec = AreaSpec(patients: 1_500, seed: 7, asOf: CalendarDate(year: 2026, month: 11, day: 21)!, layouts: .all)

/// A fresh temporary directory.
func temporaryDirectory(_ name: String) throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-area-tests-\(name)-\(getpid())")
  try? FileManager.default.removeItem(at: url)
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
