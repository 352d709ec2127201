import SurveillanceCore

/// What a report's data was made of, so that it can state its own limits: which exports were
/// present, how many rows each gave and rejected, and which kinds were missing.
///
/// Filled from the run's ``InputFileReport``s when the report reads CSV exports; a
/// store-backed source fills it from the run manifest it kept.
public struct DataCoverage: Sendable {
  /// Every input file of the run, in ``SourceRef/file`` order.
  public var files: [InputFileReport]

  public init(files: [InputFileReport]) { self.files = files }

  /// The kinds of export the run had.
  public var kinds: Set<InputKind> { Set(files.map(\.kind)) }

  /// The kinds it did not have, in a fixed order.
  public var missingKinds: [InputKind] { InputKind.allCases.filter { !kinds.contains($0) } }

  public var rowsRead: Int { files.reduce(0) { $0 + $1.rowsRead } }
  public var rowsRejected: Int { files.reduce(0) { $0 + $1.rowsRejected } }

  /// `gp.csv:12` for a row reference.
  public func describe(_ ref: SourceRef) -> String {
    let index = Int(ref.file)
    let name = files.indices.contains(index) ? files[index].path : "file \(index + 1)"
    return "\(name):\(ref.line)"
  }
}

/// Which tool and which rules made a report: printed in its header, so that a printed copy
/// can be traced to the exact logic behind it.
public struct ReportProvenance: Sendable {
  public var toolVersion: String
  public var rulesVersion: String
  /// SHA-256 of the whole rules folder, when known.
  public var rulesFingerprint: String?

  public init(toolVersion: String, rulesVersion: String, rulesFingerprint: String? = nil) {
    self.toolVersion = toolVersion
    self.rulesVersion = rulesVersion
    self.rulesFingerprint = rulesFingerprint
  }

  var headerFacts: [(String, String)] {
    var facts = [("Rules", rulesVersion)]
    // Grouped like pseudonyms: twelve hex digits can be ten digits in a row, which a reader
    // or a data-loss scanner would take for an NHS number.
    if let rulesFingerprint { facts.append(("Rules fingerprint", AreaReport.displayPseudonym(String(rulesFingerprint.prefix(12))))) }
    facts.append(("Tool", "asthma-surveillance \(toolVersion)"))
    return facts
  }
}
