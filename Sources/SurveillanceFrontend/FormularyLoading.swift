import CSVReading
import Foundation
import SurveillanceCore

extension Formulary {
  /// Reads `formulary/formulary.json` under `rulesDirectory` and every codelist it names from
  /// `codelists/`, with the package's own CSV reader (codelists come byte for byte from
  /// OpenSAFELY repositories: no trailing newline, an empty header name, quoted fields).
  ///
  /// Why here and not in the core: the core takes values and never opens a file.
  /// - Throws: ``FormularyError`` naming the file (and the class, for a codelist it lacks).
  public static func load(rulesDirectory: URL) throws -> Formulary {
    let definitionURL = rulesDirectory.appendingPathComponent("formulary/formulary.json")
    let data: Data
    do {
      data = try Data(contentsOf: definitionURL)
    } catch {
      throw FormularyError.unreadable(file: definitionURL.path, detail: error.localizedDescription)
    }
    let definition = try FormularyDefinition(jsonData: data, fileName: "formulary/formulary.json")

    let names = Set(definition.classes.flatMap { ($0.codelists ?? []).map(\.file) })
    var codelists: [String: [[String]]] = [:]
    for name in names.sorted() {
      // Only plain file names: a codelist lives in rules/codelists/ and nowhere else.
      guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
        throw FormularyError.unreadable(file: name, detail: "a codelist must be named by its file name in codelists/")
      }
      let url = rulesDirectory.appendingPathComponent("codelists").appendingPathComponent(name)
      // A missing file is reported by the formulary, naming the class that needs it.
      guard FileManager.default.fileExists(atPath: url.path) else { continue }
      var rows: [[String]] = []
      do {
        try CSVReader.read(fileAt: url.path) { record in rows.append(record.fields) }
      } catch {
        throw FormularyError.unreadable(file: "codelists/\(name)", detail: "\(error)")
      }
      codelists[name] = rows
    }
    return try Formulary(definition: definition, codelists: codelists)
  }
}
