import CSVReading
import Foundation
import SurveillanceFrontend
import Testing

@testable import SurveillanceCore

/// The repository's `rules/` and its formulary, loaded once for all formulary tests.
enum FormularyFixture {
  /// Three levels up from this file: Tests/SurveillanceCoreTests/<file>.
  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let rulesDirectory = repositoryRoot.appendingPathComponent("rules")

  private static let loaded = Result { try Formulary.load(rules: .directory(rulesDirectory)) }

  /// The shipped formulary; a test that needs it fails with the loading error if it does not load.
  static func formulary() throws -> Formulary { try loaded.get() }

  /// The shipped definition, decoded.
  static func definition() throws -> FormularyDefinition {
    let url = rulesDirectory.appendingPathComponent("formulary/formulary.json")
    return try FormularyDefinition(jsonData: try Data(contentsOf: url))
  }

  /// Every codelist the definition names, parsed, header row first.
  static func codelists() throws -> [String: [[String]]] {
    var lists: [String: [[String]]] = [:]
    for file in Set(try definition().classes.flatMap { ($0.codelists ?? []).map(\.file) }) {
      lists[file] = try rows(file)
    }
    return lists
  }

  /// The rows of one codelist file under `rules/codelists/`, header row first.
  static func rows(_ file: String) throws -> [[String]] {
    var rows: [[String]] = []
    let path = rulesDirectory.appendingPathComponent("codelists").appendingPathComponent(file).path
    try CSVReader.read(fileAt: path) { rows.append($0.fields) }
    return rows
  }
}

/// One product as a codelist lists it.
struct ListedProduct: CustomStringConvertible {
  var file: String
  var dmd: String
  var bnf: String
  var name: String

  var description: String { "\(file): dm+d \(dmd), BNF \(bnf), '\(name)'" }

  /// The products of a codelist, whichever of the two header layouts it uses.
  static func all(in file: String) throws -> [ListedProduct] {
    let rows = try FormularyFixture.rows(file)
    let header = try #require(rows.first)
    func column(_ names: String...) throws -> Int {
      try #require(header.firstIndex(where: names.contains), "\(file) has none of the columns \(names)")
    }
    let dmd = try column("snomed_id", "id")
    let bnf = try column("bnf_code")
    let name = try column("dmd_name", "nm")
    return rows.dropFirst().map { ListedProduct(file: file, dmd: $0[dmd], bnf: $0[bnf], name: $0[name]) }
  }
}
