import Foundation
import ZIPFoundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Reads NHSBSA's "BNF SNOMED mapping" spreadsheet: dm+d (SNOMED CT) code to BNF code, from
/// the columns headed `SNOMED Code` and `BNF Code` of its first sheet.
///
/// An xlsx file is a zip of XML parts: the sheet (`xl/worksheets/sheet1.xml`), and the shared
/// strings it may point to (`xl/sharedStrings.xml`). Both are read with ZIPFoundation and
/// streamed through `XMLParser`. NHSBSA writes the codes as text with a leading apostrophe
/// (`'3549611000001100`), so that a spreadsheet does not round them; a code stored as a number
/// is taken only when it is a whole number a `Double` holds exactly.
enum BNFMappingReader {
  static func read(_ url: URL) throws -> [UInt64: String] {
    let archive: Archive
    do { archive = try Archive(url: url, accessMode: .read) } catch {
      throw DMDReleaseError.badMapping(file: url.lastPathComponent, detail: "not an xlsx file (\(error))")
    }
    let folder = try DMDReleaseReader.privateTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    func part(_ path: String) throws -> URL? {
      guard let entry = archive[path] else { return nil }
      let target = folder.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent)
      _ = try archive.extract(entry, to: target)
      return target
    }
    let sheetPath = archive.first { $0.path.hasPrefix("xl/worksheets/") && $0.path.hasSuffix(".xml") }.map(\.path).map { first in
      archive["xl/worksheets/sheet1.xml"] != nil ? "xl/worksheets/sheet1.xml" : first
    }
    guard let sheetPath, let sheet = try part(sheetPath) else {
      throw DMDReleaseError.badMapping(file: url.lastPathComponent, detail: "no worksheet")
    }
    let shared = try part("xl/sharedStrings.xml").map(sharedStrings) ?? []
    var header: (snomed: String, bnf: String)?
    var codes: [UInt64: String] = [:]
    try SheetRows.read(sheet, sharedStrings: shared) { row in
      guard let columns = header else {
        func column(_ title: String) -> String? {
          row.first { $0.value.trimmingCharacters(in: .whitespaces).lowercased() == title }?.key
        }
        if let snomed = column("snomed code"), let bnf = column("bnf code") { header = (snomed, bnf) }
        return
      }
      guard let snomed = row[columns.snomed].flatMap(code), let bnf = row[columns.bnf].map(cleaned), !bnf.isEmpty else { return }
      codes[snomed] = bnf
    }
    guard header != nil else {
      throw DMDReleaseError.badMapping(file: url.lastPathComponent, detail: "no header row with 'SNOMED Code' and 'BNF Code' columns")
    }
    return codes
  }

  /// A cell's text without NHSBSA's leading apostrophe and surrounding spaces.
  static func cleaned(_ text: String) -> String {
    var text = text.trimmingCharacters(in: .whitespaces)
    if text.hasPrefix("'") { text.removeFirst() }
    return text.uppercased()
  }

  /// A dm+d code from a cell: digits, or a whole number written by a spreadsheet (`123.0`).
  static func code(_ text: String) -> UInt64? {
    let text = cleaned(text)
    if let exact = UInt64(text) { return exact }
    guard let number = Double(text), number == number.rounded(), number > 0, number < 9_007_199_254_740_992 else { return nil }
    return UInt64(number)
  }

  static func sharedStrings(_ url: URL) throws -> [String] {
    let reader = SharedStrings()
    guard let parser = XMLParser(contentsOf: url) else { return [] }
    parser.delegate = reader
    guard parser.parse() else { throw DMDReleaseError.badMapping(file: url.lastPathComponent, detail: "unreadable shared strings") }
    return reader.strings
  }

  /// `<si>` items of `sharedStrings.xml`, the text of their `<t>` runs joined.
  private final class SharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    private var current: String?
    private var inText = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
      if name == "si" { current = "" }
      if name == "t" { inText = true }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current? += string } }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
      if name == "t" { inText = false }
      if name == "si", let current { strings.append(current) }
    }
  }
}

/// The rows of a worksheet, each as column letters to cell text, in order.
private final class SheetRows: NSObject, XMLParserDelegate {
  private let shared: [String]
  private let onRow: ([String: String]) -> Void
  private var row: [String: String] = [:]
  private var column: String?
  private var type: String?
  private var text = ""
  private var inValue = false

  private init(shared: [String], onRow: @escaping ([String: String]) -> Void) {
    self.shared = shared
    self.onRow = onRow
  }

  static func read(_ url: URL, sharedStrings: [String], onRow: @escaping ([String: String]) -> Void) throws {
    guard let parser = XMLParser(contentsOf: url) else { return }
    let reader = SheetRows(shared: sharedStrings, onRow: onRow)
    parser.delegate = reader
    guard parser.parse() else {
      throw DMDReleaseError.badMapping(file: url.lastPathComponent, detail: "unreadable worksheet, line \(parser.lineNumber)")
    }
  }

  func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
    switch name {
    case "row": row = [:]
    case "c":
      column = attributes["r"].map { String($0.prefix { $0.isLetter }) }
      type = attributes["t"]
      text = ""
    case "v", "t": inValue = true
    default: break
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) { if inValue { text += string } }

  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
    switch name {
    case "v", "t": inValue = false
    case "c":
      guard let column else { return }
      if type == "s", let index = Int(text), shared.indices.contains(index) { row[column] = shared[index] } else { row[column] = text }
    case "row": onRow(row)
    default: break
    }
  }
}
