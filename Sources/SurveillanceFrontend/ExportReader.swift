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
    try withFieldRanges { try body(FieldSlices(bytes: $0, starts: $1, ends: $2, mayHoldNUL: !knownFreeOfNUL)) }
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
  /// For a first read (``ReadingRole/first(holdingLimit:)``): what it held and tallied.
  public var holding: FirstReadHolding?
}

/// The rows each part's first read holds, for files (and segments of files) read side by side
/// within one limit.
public final class HoldingShare: Sendable {
  /// How many more rows a reader holds before it says so again.
  static let rowsBetweenUpdates = 256
  private let held: Mutex<[Int]>

  public init(slots: Int) {
    held = Mutex(Array(repeating: 0, count: slots))
  }

  /// Records that the part in `slot` holds `rows` and returns what the other parts hold.
  func update(slot: Int, holding rows: Int) -> Int {
    held.withLock { held in
      held[slot] = rows
      return held.reduce(0, +) - rows
    }
  }
}

/// One part's reading state, touched only from its reader's callbacks, on one thread. A class
/// with unchecked exclusivity: a `var` captured by the callback is checked at run time on
/// every access, twice a row, which cost about 5% of reading an export (`perf`).
private final class PartState {
  @exclusivity(unchecked) var contents: ExportContents
  /// Whether the read has yet to pass the header: a read from the file's first byte meets it
  /// first, and the decoder was made from it already.
  @exclusivity(unchecked) var headerAhead: Bool
  /// What the other parts' first reads hold, as they last said, and what this one held then.
  @exclusivity(unchecked) var heldElsewhere = 0
  @exclusivity(unchecked) var heldWhenTold = 0

  init(_ contents: ExportContents, headerAhead: Bool) {
    self.contents = contents
    self.headerAhead = headerAhead
  }
}

/// Stops a read once it has the header.
private struct HeaderRead: Error {}

/// What one read of an export is for.
public enum ReadingRole: Sendable {
  /// The only read: every row counted, every child's rows held.
  case whole
  /// The first read of an area that may be too large to hold at once: every row counted,
  /// every child's rows tallied, and rows held only while they number at most the limit
  /// (``FirstReadHolding``), shared with the other files read at the same time.
  case first(holdingLimit: Int, shared: HoldingShare? = nil)
  /// A later pass: only its children's rows decoded and held. Nothing is counted or hashed:
  /// the first read counted every row of the same bytes.
  case later(ReadingPass)
}

/// Streams one export through libcsv and the row decoder. Memory holds only the rows that
/// build children's asthma timelines and the rejected rows, never the file.
public enum ExportReader {
  /// `keep` says which children this run holds (all but other shards' children); rows of
  /// the others are still read, validated and counted.
  ///
  /// `role`: for an area that may be read in passes, whether this is the first read (every row
  /// counted, and the rows held kept within a limit, ``ReadingRole/first(holdingLimit:)``)
  /// or a later pass (only that pass's children's rows decoded, nothing counted).
  public static func read(
    _ file: ExportFile, index: Int, rules: RuleSet, earliest: CalendarDate, latest: CalendarDate,
    role: ReadingRole = .whole, keep: @Sendable (NHSNumber) -> Bool = { _ in true }
  ) throws -> ExportContents {
    let part = try readPart(file, index: index, slot: index, segment: nil, rules: rules, earliest: earliest, latest: latest, role: role, keep: keep)
    return try finished(file, parts: [part], sha256: part.sha256)
  }

  /// What reading one segment of an export (or the whole of it) gave.
  public struct PartRead: Sendable {
    public var contents: ExportContents
    public var summary: CSVReadSummary
    /// The file's SHA-256, when the part was the whole file read in one go (and counted).
    var sha256: String?
    /// The decoder's flagged products, tallied over this part's rows.
    var flagged: [FlaggedProduct]
    /// The part's place in a first read's ``HoldingShare``, and where its segment began.
    var slot: Int
    var segmentStart: Int
    var segmentFirstLine: Int
  }

  /// Reads `segment` of `file` (`nil`: all of it, hashed as it is read). A segment after the
  /// first reads the file's header first, for its layout. `slot`: this part's place in the
  /// first read's ``HoldingShare``.
  public static func readPart(
    _ file: ExportFile, index: Int, slot: Int, segment: CSVSegment?, rules: RuleSet, earliest: CalendarDate, latest: CalendarDate,
    role: ReadingRole = .whole, keep: @Sendable (NHSNumber) -> Bool = { _ in true }
  ) throws -> PartRead {
    var hasher = SHA256()
    let state = PartState(
      ExportContents(report: InputFileReport(path: file.path, kind: file.kind, profile: file.profile ?? "")),
      headerAhead: (segment?.start ?? 0) == 0)
    let context = DecodeContext(
      fileIndex: index, latestEvaluationDate: latest, earliestEvaluationDate: earliest, policy: rules.timeline,
      rejectedNumberRanges: rules.nhsNumbers.rejectedRanges)
    // A later pass reads bytes the first read has hashed and counted.
    // Constants, not `var`s, where the callback reads them on every row.
    let later: ReadingPass? = if case .later(let pass) = role { pass } else { nil }
    let counts = later == nil
    let hashes = counts && segment == nil
    let sharing: HoldingShare? = if case .first(_, let share) = role { share } else { nil }
    if case .first(let limit, _) = role { state.contents.holding = FirstReadHolding(limit: limit) }
    // What the other parts' first reads hold, as they last said: told and asked every few
    // hundred rows held, not on every row.
    func hold(_ number: NHSNumber, _ add: (inout AreaRecords) -> Void) {
      guard keep(number) else { return }
      guard state.contents.holding != nil else { return add(&state.contents.records) }
      let verdict = state.contents.holding!.admit(number.value, heldElsewhere: state.heldElsewhere)
      if verdict.hold { add(&state.contents.records) }
      if let cutoff = verdict.droppingFrom { state.contents.records.removeAll(from: cutoff) }
      let held = state.contents.holding!.held
      if let sharing, verdict.droppingFrom != nil || held - state.heldWhenTold >= HoldingShare.rowsBetweenUpdates {
        state.heldElsewhere = sharing.update(slot: slot, holding: held)
        state.heldWhenTold = held
      }
    }
    // The header first, for the layout: the file's first record, wherever it lies (blank lines
    // may come before it), read and then stopped. The decoder made from it is a constant of
    // the reading loop below, which then neither checks for it nor retains and releases it on
    // every row.
    var madeDecoder: RowDecoder?
    do {
      try CSVReader.read(fileAt: file.path) { record in
        madeDecoder = try Self.decoder(forHeader: record, of: file, rules: rules, context: context)
        throw HeaderRead()
      }
    } catch is HeaderRead {
    } catch let error as InputError {
      throw Self.explained(error, in: file, rules: rules, context: context)
    }
    guard let decoder = madeDecoder else { throw InputError.emptyFile(file: file.path) }
    state.contents.report.profile = decoder.layout.profile.id
    // A partitioned part's rows carry their line in the original export beside them.
    let originalLines = try file.origin.map { try LineNumberReader(path: $0.lineNumbersPath) }
    let onRecord = { (record: CSVRecord) throws in
      let line = try originalLines?.next() ?? record.lineNumber
      if state.headerAhead {
        state.headerAhead = false
        return
      }
      // Most rows of an unfiltered export: a known other medicine, settled from the slices.
      if record.withSlices({ decoder.isOtherMedicine($0) }) {
        if counts { state.contents.report.countOutOfScope(.notAsthmaRelated) }
        return
      }
      if let later, !later.holds(decoder.holder(of: record)) { return }
      let row = decoder.decode(record, line: line)
      if counts { state.contents.report.count(row) }
      switch row {
      case .supply(let supply): hold(supply.nhsNumber) { $0.add(supply) }
      case .plan(let plan): hold(plan.nhsNumber) { $0.add(plan) }
      case .event(let event): hold(event.nhsNumber) { $0.add(event) }
      case .rejected(let rejected): if counts { state.contents.rejects.append(rejected) }
      case .outOfScope: break
      }
    }
    let summary: CSVReadSummary
    if let segment {
      summary = try CSVReader.read(fileAt: file.path, segment: segment, onRecord)
    } else {
      summary = try CSVReader.read(fileAt: file.path, observeBytes: { if hashes { hasher.update(bufferPointer: $0) } }, onRecord)
    }
    let sha256 = hashes ? hasher.finalize().lowercaseHex : nil
    // A partitioned part is read whole (never in segments), and checked on its first read.
    if let origin = file.origin, let sha256 {
      try origin.check(read: sha256, records: summary.records, lineNumbers: originalLines!, part: file.path)
    }
    return PartRead(
      contents: state.contents, summary: summary, sha256: sha256, flagged: counts ? decoder.flaggedProducts.filter { $0.rows > 0 } : [],
      slot: slot, segmentStart: segment?.start ?? 0, segmentFirstLine: segment?.firstLine ?? 1)
  }

  /// A file's contents from its parts, read in order (one part for a file read whole).
  public static func finished(_ file: ExportFile, parts: [PartRead], sha256: String?) throws -> ExportContents {
    var contents = parts[0].contents
    var summary = parts[0].summary
    var flagged = parts[0].flagged
    for part in parts.dropFirst() {
      contents.report.add(countsOf: part.contents.report)
      contents.records.merge(part.contents.records)
      if let holding = part.contents.holding { contents.holding?.absorb(holding) }
      contents.rejects += part.contents.rejects
      summary.add(segment: part.summary)
      flagged += part.flagged
    }
    contents.flaggedProducts = parts.count == 1 ? flagged : FlaggedProduct.merged(flagged)
    contents.report.countFlagged(contents.flaggedProducts)
    contents.report.sha256 = sha256 ?? ""
    contents.report.bytes = summary.bytes
    contents.report.encoding = summary.encoding
    if let origin = file.origin {
      contents.report.path = origin.source.path
      contents.report.sha256 = origin.source.sha256
      contents.report.bytes = origin.source.bytes
      contents.report.encoding = origin.source.encoding
    }
    return contents
  }

  /// How many records after the first are looked at for a header written below a title.
  static let linesSearchedForAHeader = 20

  /// `error`, the first record's failure to be a header, or what explains it better: that a
  /// header lies a few lines further down, under a report's title or run details.
  static func explained(_ error: InputError, in file: ExportFile, rules: RuleSet, context: DecodeContext) -> InputError {
    switch error {
    case .missingColumns, .headerless: break
    default: return error
    }
    var headerLine: Int?
    var seen = 0
    _ = try? CSVReader.read(fileAt: file.path) { record in
      seen += 1
      if seen > 1, (try? Self.decoder(forHeader: record, of: file, rules: rules, context: context)) != nil {
        headerLine = record.lineNumber
        throw HeaderRead()
      }
      if seen > linesSearchedForAHeader { throw HeaderRead() }
    }
    return headerLine.map { .headerBelowFirstLine(file: file.path, line: $0) } ?? error
  }

  /// The decoder for the rows under `header`, the file's first record.
  static func decoder(forHeader header: CSVRecord, of file: ExportFile, rules: RuleSet, context: DecodeContext) throws -> RowDecoder {
    // Checked before the fields become strings: a megabyte "header" is a broken file.
    let longest = header.longestFieldBytes
    if longest > rules.timeline.maxFieldBytes { throw InputError.notAHeader(file: file.path, longestFieldBytes: longest) }
    let layout = try ColumnLayout.detect(header: header.fields, kind: file.kind, profiles: rules.profiles, named: file.profile, file: file.path)
    return RowDecoder(layout: layout, formulary: rules.formulary, context: context)
  }
}
