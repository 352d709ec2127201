import CSVReading
import Foundation
import SurveillanceCore

extension RuleSource {
  /// `formulary/formulary.json` decoded, and every codelist it names that is in `codelists/`,
  /// read with the package's own CSV reader (codelists come byte for byte from OpenSAFELY
  /// repositories: no trailing newline, an empty header name, quoted fields).
  ///
  /// A codelist the definition names but the rules lack is left out here and reported by the
  /// formulary, which names the class that needs it.
  /// - Throws: ``FormularyError`` naming the file.
  public func formularyFiles() throws -> (definition: FormularyDefinition, codelists: [String: [[String]]]) {
    let definitionPath = "formulary/formulary.json"
    let data: Data
    do { data = try contents(of: definitionPath) } catch { throw FormularyError.unreadable(file: definitionPath, detail: error.description) }
    let definition = try FormularyDefinition(jsonData: data, fileName: definitionPath)

    let names = Set(definition.classes.flatMap { ($0.codelists ?? []).map(\.file) })
    var codelists: [String: [[String]]] = [:]
    for name in names.sorted() {
      // Only plain file names: a codelist lives in rules/codelists/ and nowhere else.
      guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
        throw FormularyError.unreadable(file: name, detail: "a codelist must be named by its file name in codelists/")
      }
      let path = "codelists/\(name)"
      guard exists(path) else { continue }
      var rows: [[String]] = []
      do {
        let bytes = Array(try contents(of: path))
        try CSVReader.read(bytes: bytes, source: path) { record in rows.append(record.fields) }
      } catch {
        throw FormularyError.unreadable(file: path, detail: "\(error)")
      }
      codelists[name] = rows
    }
    return (definition, codelists)
  }
}

extension Formulary {
  /// The formulary these rules define: `formulary/formulary.json`, its codelists and, unless
  /// `pinnedProductTable` is false, the product table it pins in `formulary/`.
  ///
  /// Why here and not in the core: the core takes values and never opens a file.
  /// - Throws: ``FormularyError`` naming the file (and the class, for a codelist it lacks).
  public static func load(rules: RuleSource, pinnedProductTable: Bool = true) throws -> Formulary {
    let (definition, codelists) = try rules.formularyFiles()
    let formulary = try Formulary(definition: definition, codelists: codelists)
    guard pinnedProductTable, let pinned = definition.productTable else { return formulary }
    guard !pinned.isEmpty, !pinned.contains("/"), pinned != ".", pinned != ".." else {
      throw FormularyError.unreadable(file: pinned, detail: "product_table must be a file name in formulary/")
    }
    let path = "formulary/\(pinned)"
    let bytes: Data
    do { bytes = try rules.contents(of: path) } catch { throw FormularyError.unreadable(file: path, detail: error.description) }
    let table = try ProductTableFile.read(bytes: Array(bytes), named: path)
    do { return try formulary.adding(table, from: "pinned product table rules/\(path)", pinnedTable: path) } catch {
      throw FormularyError.unreadable(file: path, detail: error.description)
    }
  }

  /// This formulary with a dm+d release's asthma products: the release read, classified and
  /// added. `log` hears what was read, never a patient's data.
  public func adding(releaseAt path: String, log: (String) -> Void) throws -> Formulary {
    let started = Date()
    let table = productTable(for: try DMDReleaseReader.read(path))
    let seconds = Date().timeIntervalSince(started)
    log("dm+d release \(table.release.name) (\(table.release.date?.description ?? "date unknown")): \(table.productsRead) products read, \(table.rows.count) asthma products, in \(String(format: "%.1f", seconds)) s")
    do { return try adding(table, from: "dm+d release \(path)") } catch {
      throw FormularyError.unreadable(file: path, detail: error.description)
    }
  }
}

/// A product table's file: `# key: value` lines, then the CSV.
public enum ProductTableFile {
  /// - Throws: ``FormularyError/unreadable(file:detail:)`` naming `name`.
  public static func read(_ url: URL, named name: String) throws -> ProductTable {
    let bytes: [UInt8]
    do { bytes = Array(try Data(contentsOf: url)) } catch {
      throw FormularyError.unreadable(file: name, detail: error.localizedDescription)
    }
    return try read(bytes: bytes, named: name)
  }

  /// A product table from its bytes (a pinned table is read through the rules' ``RuleSource``).
  /// - Throws: ``FormularyError/unreadable(file:detail:)`` naming `name`.
  public static func read(bytes: [UInt8], named name: String) throws -> ProductTable {
    var metadata: [String: String] = [:]
    var start = 0
    // The `#` lines come first; the CSV starts at the first line that is not one.
    while start < bytes.count, bytes[start] == UInt8(ascii: "#") {
      let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
      let line = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
      if let colon = line.firstIndex(of: ":") {
        metadata[line[..<colon].trimmingCharacters(in: .whitespaces)] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
      start = end + 1
    }
    var records: [[String]] = []
    do {
      try CSVReader.read(bytes: Array(bytes[min(start, bytes.count)...]), source: name) { records.append($0.fields) }
      return try ProductTable(metadata: metadata, records: records)
    } catch let error as ProductTableError {
      throw FormularyError.unreadable(file: name, detail: error.description)
    } catch {
      throw FormularyError.unreadable(file: name, detail: "\(error)")
    }
  }
}
