import CSVReading
import Crypto
import Foundation
import SurveillanceCore

extension CSVRecord: RecordFields {
  public var fieldCount: Int { count }
  public func text(at index: Int) -> String { string(at: index) }
  public func withFieldBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try withBytes(at: index, body)
  }
  public func withSlices<R>(_ body: (FieldSlices) throws -> R) rethrows -> R {
    try withFieldRanges { try body(FieldSlices(bytes: $0, starts: $1, ends: $2)) }
  }
}

/// One export to read: its path, what it is, and optionally the profile to read it with.
public struct ExportFile: Sendable {
  public var path: String
  public var kind: InputKind
  public var profile: String?
  /// For one shard's part of a partitioned export (`partition`), the export it came from:
  /// outputs and the manifest name that file and its lines, not the part.
  public var origin: PartitionedPart?

  public init(path: String, kind: InputKind, profile: String? = nil, origin: PartitionedPart? = nil) {
    self.path = path
    self.kind = kind
    self.profile = profile
    self.origin = origin
  }

  /// The name outputs give the file: the original export's for a partitioned part.
  public var name: String { origin?.source.path ?? path }
}

/// What reading one export produced.
public struct ExportContents: Sendable {
  public var report: InputFileReport
  public var records = AreaRecords()
  public var rejects: [RejectedRow] = []
  /// Products the formulary could not classify or classified against their name.
  public var flaggedProducts: [FlaggedProduct] = []
}

/// Streams one export through libcsv and the row decoder. Memory holds only the rows that
/// build children's asthma timelines and the rejected rows, never the file.
public enum ExportReader {
  /// `keep` says which children this run holds (all but other shards' children); rows of
  /// the others are still read, validated and counted.
  ///
  /// `pass`: for an area read in passes, the rows this pass decodes and counts (its children's,
  /// and for the first pass the rows that name no valid NHS number); the other rows are
  /// skipped, to be counted by their own pass.
  public static func read(
    _ file: ExportFile, index: Int, rules: RuleSet, earliest: CalendarDate, latest: CalendarDate,
    pass: ReadingPass = .whole, keep: @Sendable (NHSNumber) -> Bool = { _ in true }
  ) throws -> ExportContents {
    var hasher = SHA256()
    var decoder: RowDecoder?
    var contents = ExportContents(report: InputFileReport(path: file.path, kind: file.kind, profile: file.profile ?? ""))
    let context = DecodeContext(
      fileIndex: index, latestEvaluationDate: latest, earliestEvaluationDate: earliest, policy: rules.timeline,
      rejectedNumberRanges: rules.nhsNumbers.rejectedRanges)
    // A partitioned part's rows carry their line in the original export beside them.
    let originalLines = try file.origin.map { try LineNumberReader(path: $0.lineNumbersPath) }
    let summary = try CSVReader.read(fileAt: file.path, observeBytes: { hasher.update(bufferPointer: $0) }) { record in
      let line = try originalLines?.next() ?? record.lineNumber
      guard let decoder else {
        let made = try Self.decoder(forHeader: record, of: file, rules: rules, context: context)
        decoder = made
        contents.report.profile = made.layout.profile.id
        return
      }
      // Most rows of an unfiltered export: a known other medicine, settled from the slices.
      // In passes, a row is counted by the pass that holds the child it names, however it is
      // settled: which rows the quick check settles depends on what the decoder has seen.
      let held = pass.count == 1 || pass.holds(decoder.holder(of: record))
      if record.withSlices({ decoder.isOtherMedicine($0) }) {
        if held { contents.report.countOutOfScope(.notAsthmaRelated) }
        return
      }
      if !held { return }
      let row = decoder.decode(record, line: line)
      contents.report.count(row)
      switch row {
      case .supply(let supply): if keep(supply.nhsNumber) { contents.records.add(supply) }
      case .plan(let plan): if keep(plan.nhsNumber) { contents.records.add(plan) }
      case .event(let event): if keep(event.nhsNumber) { contents.records.add(event) }
      case .rejected(let rejected): contents.rejects.append(rejected)
      case .outOfScope: break
      }
    }
    guard let decoder else { throw InputError.emptyFile(file: file.path) }
    contents.flaggedProducts = decoder.flaggedProducts.filter { $0.rows > 0 }
    contents.report.countFlagged(contents.flaggedProducts)
    contents.report.sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
    contents.report.bytes = summary.bytes
    contents.report.encoding = summary.encoding
    if let origin = file.origin {
      try origin.check(read: contents.report.sha256, records: summary.records, lineNumbers: originalLines!, part: file.path)
      contents.report.path = origin.source.path
      contents.report.sha256 = origin.source.sha256
      contents.report.bytes = origin.source.bytes
      contents.report.encoding = origin.source.encoding
    }
    return contents
  }

  /// The decoder for the rows under `header`, the file's first record.
  static func decoder(forHeader header: CSVRecord, of file: ExportFile, rules: RuleSet, context: DecodeContext) throws -> RowDecoder {
    // Checked before the fields become strings: a megabyte "header" is a broken file.
    let longest = header.longestFieldBytes
    if longest > rules.timeline.maxFieldBytes { throw InputError.notAHeader(file: file.path, longestFieldBytes: longest) }
    let layout = try ColumnLayout.detect(header: header.fields, kind: file.kind, profiles: rules.profiles, named: file.profile, file: file.path)
    return RowDecoder(layout: layout, formulary: rules.formulary, context: context)
  }

  /// How many rows each NHS number has to decode in `file` (rows settled without decoding,
  /// and rows naming no valid NHS number, left out): what ``ReadingPass/plan(rowsByHolder:rowsPerPass:)``
  /// divides an area by. Reads the file's fields, decodes nothing.
  public static func rowsByHolder(_ file: ExportFile, rules: RuleSet, earliest: CalendarDate, latest: CalendarDate) throws -> [UInt64: Int] {
    var decoder: RowDecoder?
    var rows: [UInt64: Int] = [:]
    let context = DecodeContext(
      fileIndex: 0, latestEvaluationDate: latest, earliestEvaluationDate: earliest, policy: rules.timeline,
      rejectedNumberRanges: rules.nhsNumbers.rejectedRanges)
    _ = try CSVReader.read(fileAt: file.path) { record in
      guard let decoder else {
        decoder = try Self.decoder(forHeader: record, of: file, rules: rules, context: context)
        return
      }
      if record.withSlices({ decoder.isOtherMedicine($0) }) { return }
      if let holder = decoder.holder(of: record) { rows[holder.value, default: 0] += 1 }
    }
    return rows
  }
}
