import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Streams the flat records of an XML file: each element named in `records`, no deeper than
/// dm+d files put their records (root, section, record; the VTM and ingredient files have no
/// section), is handed over with the text of its child elements by name, and the name of the
/// element it sits in.
///
/// Why Foundation's `XMLParser` directly: dm+d release files are flat lists of records, the
/// largest hundreds of megabytes. `XMLParser` (libxml2's SAX parser) reads them in chunks in
/// constant memory; XMLCoder and SWXMLHash, both built on it, would first build a tree of the
/// whole file.
final class XMLRecords: NSObject, XMLParserDelegate {
  typealias Record = (name: String, fields: [String: String], parent: String)

  /// How deep records sit at most: inside the root element and a section (`<AMPPS><AMPP>`).
  static let deepestRecord = 3
  private let records: Set<String>
  private let onRecord: (Record) -> Void
  private var stack: [String] = []
  private var current: [String: String]?
  private var recordDepth = 0
  private var text = ""
  private(set) var failure: String?

  private init(records: Set<String>, onRecord: @escaping (Record) -> Void) {
    self.records = records
    self.onRecord = onRecord
  }

  /// Reads the file at `url`, calling `onRecord` for each record in document order.
  /// - Throws: ``DMDReleaseError/malformedXML(file:detail:)`` when the file is not well-formed XML.
  static func read(_ url: URL, records: Set<String>, onRecord: @escaping (Record) -> Void) throws {
    guard let parser = XMLParser(contentsOf: url) else {
      throw DMDReleaseError.unreadable(path: url.path, detail: "cannot be opened")
    }
    let reader = XMLRecords(records: records, onRecord: onRecord)
    parser.delegate = reader
    parser.shouldResolveExternalEntities = false
    guard parser.parse(), reader.failure == nil else {
      let detail = reader.failure ?? parser.parserError.map { "\($0.localizedDescription), line \(parser.lineNumber)" } ?? "line \(parser.lineNumber)"
      throw DMDReleaseError.malformedXML(file: url.lastPathComponent, detail: detail)
    }
  }

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
    attributes attributeDict: [String: String] = [:]
  ) {
    stack.append(elementName)
    // The set is asked only at the records' depth: most elements are fields of records.
    if current == nil, stack.count <= Self.deepestRecord, records.contains(elementName) {
      current = [:]
      recordDepth = stack.count
    }
    if current != nil { text = "" }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if current != nil { text += string }
  }

  func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
    defer { stack.removeLast() }
    guard current != nil else { return }
    if stack.count == recordDepth {
      let parent = stack.count >= 2 ? stack[stack.count - 2] : ""
      onRecord((elementName, current!, parent))
      current = nil
    } else if stack.count == recordDepth + 1 {
      // dm+d values carry no surrounding spaces; trimming is for a file that does.
      let padded = text.first?.isWhitespace == true || text.last?.isWhitespace == true
      current![elementName] = padded ? text.trimmingCharacters(in: .whitespacesAndNewlines) : text
    }
  }

  func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
    if failure == nil { failure = "\(parseError.localizedDescription) at line \(parser.lineNumber)" }
  }
}
