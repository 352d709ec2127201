import CFieldSplitting
import CLibCSV
import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Streams RFC 4180 CSV through libcsv, one record at a time, with the line each record
/// starts on.
///
/// Why a wrapper: libcsv is fast, battle-tested and tolerant, but it knows nothing of lines,
/// encodings or Swift errors, and its callbacks cannot capture context. This type owns the
/// `csv_parser` lifetime, feeds it fixed-size chunks (memory does not grow with the file),
/// splits each chunk at newlines so that every record can be given its starting line number
/// (what a rejected row must carry), strips a UTF-8 byte-order mark and refuses UTF-16.
///
/// Plain lines skip libcsv. Most lines of an export are one record whose fields are either
/// bare or wrapped in quotes with no quote, line break or carriage return inside. For such a
/// line, splitting at commas is all libcsv would do, and doing it in place, without libcsv's
/// per-byte callbacks and copies, is most of the reading time saved. Anything else (an escaped
/// `""`, a quoted line break, a stray quote, a lone carriage return, a record already begun)
/// goes through libcsv as before. `plainLinesInPlace: false` sends every byte through libcsv,
/// which is how the tests show that both give the same records.
public enum CSVReader {
  /// Which of the line splitter's implementations this machine uses (`avx2`, `sse2` or
  /// `scalar`), for benchmarks to report.
  public static var splitterImplementation: String { String(cString: csv_split_implementation()) }

  /// How far past its end a segment that starts mid-file may read to finish its last record.
  public static let segmentOverrunBytes = 8 << 20

  /// Bytes read from the file per `read(2)` call.
  public static let defaultChunkSize = 1 << 20

  static let newline = UInt8(ascii: "\n")
  static let carriageReturn = UInt8(ascii: "\r")

  /// What ends the first line in `bytes` (the start of a file): ``newline`` (for `\n` and
  /// `\r\n`), ``carriageReturn`` for a carriage return alone, or `nil` when `bytes` does not
  /// show it (no line end yet, or a carriage return as the last byte).
  static func firstLineEnd(in bytes: UnsafeRawBufferPointer) -> UInt8? {
    for index in bytes.indices {
      switch bytes[index] {
      case newline: return newline
      case carriageReturn:
        guard index + 1 < bytes.count else { return nil }
        return bytes[index + 1] == newline ? newline : carriageReturn
      default: continue
      }
    }
    return nil
  }

  /// Reads the file at `path`, calling `body` once per record (the header included).
  /// `observeBytes` sees every byte read, chunk by chunk (to hash the file in the same pass).
  @discardableResult
  public static func read(
    fileAt path: String,
    chunkSize: Int = defaultChunkSize,
    plainLinesInPlace: Bool = true,
    observeBytes: (UnsafeRawBufferPointer) -> Void = { _ in },
    _ body: (CSVRecord) throws -> Void
  ) throws -> CSVReadSummary {
    try read(
      fileAt: path, from: CSVSegment(start: 0, end: nil, firstLine: 1), chunkSize: chunkSize, plainLinesInPlace: plainLinesInPlace,
      observeBytes: observeBytes, body)
  }

  /// Reads part of the file at `path`: from `segment.start` (the first byte of a record) to
  /// the first record boundary at or after `segment.end`, numbering lines from
  /// `segment.firstLine`. The summary's ``CSVReadSummary/endOffset`` says where it stopped:
  /// the byte after the last record read, which is `segment.end` exactly when `segment.end`
  /// was a record boundary (not inside a quoted field's line break). Reading a file's
  /// segments side by side is how one large export is read on several cores.
  @discardableResult
  public static func read(
    fileAt path: String,
    segment: CSVSegment,
    chunkSize: Int = defaultChunkSize,
    observeBytes: (UnsafeRawBufferPointer) -> Void = { _ in },
    _ body: (CSVRecord) throws -> Void
  ) throws -> CSVReadSummary {
    try read(fileAt: path, from: segment, chunkSize: chunkSize, plainLinesInPlace: true, observeBytes: observeBytes, body)
  }

  /// The one loop over a file's bytes behind both: the whole file is the segment from 0 with no end.
  private static func read(
    fileAt path: String, from segment: CSVSegment, chunkSize: Int, plainLinesInPlace: Bool,
    observeBytes: (UnsafeRawBufferPointer) -> Void, _ body: (CSVRecord) throws -> Void
  ) throws -> CSVReadSummary {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw CSVReadingError.cannotOpen(path: path, reason: errnoText()) }
    defer { close(fd) }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buffer.deallocate() }
    return try withoutActuallyEscaping(body) { body in
      let session = ParseSession(source: path, plainLinesInPlace: plainLinesInPlace, onRecord: body)
      defer { session.free() }
      session.begin(at: segment)
      var offset = segment.start
      while !session.stopped {
        let n = pread(fd, buffer.baseAddress, chunkSize, off_t(offset))
        if n < 0 {
          if errno == EINTR { continue }
          throw CSVReadingError.readFailed(path: path, reason: errnoText())
        }
        if n == 0 { break }
        let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
        let used = try session.feed(chunk)
        observeBytes(UnsafeRawBufferPointer(rebasing: chunk[0..<used]))
        offset += used
        // Mid-file, a cut inside a quoted field can make the rest of the file look like one
        // open field: stop well before holding it, and let the caller read on from before.
        if segment.start > 0, let end = segment.end, !session.stopped, offset - end > Self.segmentOverrunBytes {
          throw CSVReadingError.segmentOverrun(source: path, start: segment.start)
        }
      }
      var summary = try session.finish()
      summary.endOffset = offset
      return summary
    }
  }

  /// Calls `body` with each chunk of the file at `path` (up to byte `end`, if given), in
  /// order, read into one buffer of `chunkSize` bytes: for work over a file's raw bytes (its
  /// SHA-256, its lines) apart from parsing it.
  public static func forEachChunk(
    ofFileAt path: String, chunkSize: Int = defaultChunkSize, until end: Int? = nil, _ body: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw CSVReadingError.cannotOpen(path: path, reason: errnoText()) }
    defer { close(fd) }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buffer.deallocate() }
    try readChunks(fd: fd, path: path, from: 0, to: end, into: buffer) { chunk, _ in
      try body(chunk)
      return true
    }
  }

  /// Reads the file open at `fd` from `start` up to `end` (its end when `nil`) into `buffer`
  /// one chunk at a time, calling `body` with each chunk and the offset it was read from until
  /// `body` returns false.
  private static func readChunks(
    fd: Int32, path: String, from start: Int, to end: Int? = nil, into buffer: UnsafeMutableRawBufferPointer,
    _ body: (_ chunk: UnsafeRawBufferPointer, _ offset: Int) throws -> Bool
  ) throws {
    var offset = start
    while offset < end ?? Int.max {
      let n = pread(fd, buffer.baseAddress, min(buffer.count, (end ?? Int.max) - offset), off_t(offset))
      if n < 0 {
        if errno == EINTR { continue }
        throw CSVReadingError.readFailed(path: path, reason: errnoText())
      }
      if n == 0 { return }
      guard try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), offset) else { return }
      offset += n
    }
  }

  /// Where to cut a file into about `count` segments of whole lines: the byte after a newline
  /// at or past each even share (see ``read(fileAt:segment:chunkSize:observeBytes:_:)``,
  /// which finds out whether each cut is also a record boundary). Fewer when lines are long.
  /// The first segment starts at 0, which is not among them.
  public static func cuts(ofFileAt path: String, count: Int, chunkSize: Int = defaultChunkSize) throws -> [Int] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw CSVReadingError.cannotOpen(path: path, reason: errnoText()) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw CSVReadingError.readFailed(path: path, reason: errnoText()) }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buffer.deallocate() }
    // A file whose lines end in a carriage return alone is read whole: its segments' first
    // lines are counted in newlines.
    if try endsLinesWithCarriageReturns(fd: fd, path: path, buffer: buffer) { return [] }
    return try cutOffsets(fd: fd, path: path, size: Int(info.st_size), count: count, buffer: buffer)
  }

  /// The file cut into about `count` segments of whole lines (``cuts(ofFileAt:count:chunkSize:)``),
  /// each with the line it starts on, counted in one read up to the last cut. A run reading
  /// segments side by side learns their lines from the pass that hashes the file instead
  /// (``SegmentLines``), and does not read the file an extra time for them.
  public static func segments(ofFileAt path: String, count: Int, chunkSize: Int = defaultChunkSize) throws -> [CSVSegment] {
    let lines = SegmentLines(starts: [0] + (try cuts(ofFileAt: path, count: count, chunkSize: chunkSize)))
    if let last = lines.starts.last, last > 0 {
      try forEachChunk(ofFileAt: path, chunkSize: chunkSize, until: last) { lines.count($0) }
    }
    lines.finish(path: path)
    return try lines.starts.indices.map { try lines.segment($0) }
  }

  /// Whether the first line of the file open at `fd` ends in a carriage return alone.
  private static func endsLinesWithCarriageReturns(fd: Int32, path: String, buffer: UnsafeMutableRawBufferPointer) throws -> Bool {
    var lineEnd: UInt8?
    try readChunks(fd: fd, path: path, from: 0, into: buffer) { chunk, _ in
      lineEnd = firstLineEnd(in: chunk)
      return false
    }
    return lineEnd == carriageReturn
  }

  /// The byte after the first newline at or past each of `count - 1` even shares of the file,
  /// in order, each past the one before and before the end.
  private static func cutOffsets(fd: Int32, path: String, size: Int, count: Int, buffer: UnsafeMutableRawBufferPointer) throws -> [Int] {
    var cuts: [Int] = []
    var offset = 0
    for share in 1..<max(1, count) {
      let target = size * share / count
      guard target > offset else { continue }
      var found: Int?
      try readChunks(fd: fd, path: path, from: target, into: buffer) { chunk, at in
        guard let newline = memchr(chunk.baseAddress!, 0x0A, chunk.count) else { return true }
        found = at + chunk.baseAddress!.distance(to: UnsafeRawPointer(newline)) + 1
        return false
      }
      guard let found, found < size else { break }
      cuts.append(found)
      offset = found
    }
    return cuts
  }

  /// Reads CSV held in memory; `source` names it in errors.
  @discardableResult
  public static func read(
    bytes: [UInt8],
    source: String = "<memory>",
    chunkSize: Int = defaultChunkSize,
    plainLinesInPlace: Bool = true,
    _ body: (CSVRecord) throws -> Void
  ) throws -> CSVReadSummary {
    try withoutActuallyEscaping(body) { body in
      let session = ParseSession(source: source, plainLinesInPlace: plainLinesInPlace, onRecord: body)
      defer { session.free() }
      try bytes.withUnsafeBytes { all in
        var start = 0
        while start < all.count {
          let end = min(start + chunkSize, all.count)
          try session.feed(UnsafeRawBufferPointer(rebasing: all[start..<end]))
          start = end
        }
      }
      return try session.finish()
    }
  }

  private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// A part of a file to read on its own: from `start`, the first byte of a record, to the first
/// record boundary at or after `end` (`nil`: the end of the file), its first line numbered
/// `firstLine`. A segment that does not start the file has no byte-order mark and no header.
public struct CSVSegment: Sendable, Equatable {
  public var start: Int
  public var end: Int?
  public var firstLine: Int

  public init(start: Int, end: Int?, firstLine: Int) {
    self.start = start
    self.end = end
    self.firstLine = firstLine
  }
}

/// What reading a whole file found, for the run manifest.
public struct CSVReadSummary: Sendable, Equatable {
  /// Bytes read, the byte-order mark included.
  public var bytes: Int = 0
  /// Records delivered, the header included.
  public var records: Int = 0
  /// Physical lines in the file.
  public var lines: Int = 0
  /// Whether the file began with a UTF-8 byte-order mark.
  public var hadByteOrderMark = false
  /// Records with at least one field that was not valid UTF-8 (read as Windows-1252).
  public var windows1252Records = 0
  /// For a segment, the byte after the last record read (see ``CSVSegment``).
  public var endOffset = 0

  /// The summaries of a file's consecutive segments, taken together.
  public mutating func add(segment other: CSVReadSummary) {
    bytes += other.bytes
    records += other.records
    lines += other.lines
    windows1252Records += other.windows1252Records
    endOffset = other.endOffset
  }

  /// A short name for the encoding found: `utf-8`, `utf-8-bom` or `windows-1252`.
  public var encoding: String {
    if windows1252Records > 0 { return "windows-1252" }
    return hadByteOrderMark ? "utf-8-bom" : "utf-8"
  }
}

/// One pass of libcsv over one source. A class because libcsv's callbacks reach it through
/// an unretained pointer.
private final class ParseSession {
  let source: String
  let plainLinesInPlace: Bool
  let onRecord: (CSVRecord) throws -> Void
  // Touched only from this session's own calls; checked statically, not on every line.
  @exclusivity(unchecked) var parser = csv_parser()
  let record = CSVRecord()
  @exclusivity(unchecked) var summary = CSVReadSummary()
  /// 1-based line of the bytes being fed; every piece fed holds at most one line end, at its end.
  @exclusivity(unchecked) var currentLine = 1
  /// The byte that ends a line: a newline (`\n` or `\r\n`), or a carriage return in a file
  /// whose lines end in one alone (classic Mac OS, and Excel for Mac's older "CSV" format),
  /// as the file's first line end shows.
  @exclusivity(unchecked) var lineEnd = CSVReader.newline
  /// Whether a read from the file's start has yet to see its first line end; until then no
  /// piece holds one, so either byte splits it the same.
  @exclusivity(unchecked) var lineEndUnknown = true
  /// Whether the bytes fed so far end in a carriage return that may be a line end alone.
  @exclusivity(unchecked) var endedInCarriageReturn = false
  /// The line on which the record being parsed began; `nil` between records.
  @exclusivity(unchecked) var recordStartLine: Int?
  @exclusivity(unchecked) var lastByte: UInt8?
  @exclusivity(unchecked) var sawAnyByte = false
  @exclusivity(unchecked) var pendingError: (any Error)?
  /// For a segment: the offset, from its start, of the record boundary to stop at or after.
  @exclusivity(unchecked) var stopAfter: Int?
  /// Bytes fed so far.
  @exclusivity(unchecked) var fed = 0
  /// Whether a segment reached its end: the rest of the file is another segment's.
  @exclusivity(unchecked) private(set) var stopped = false

  init(source: String, plainLinesInPlace: Bool, onRecord: @escaping (CSVRecord) throws -> Void) {
    self.source = source
    self.plainLinesInPlace = plainLinesInPlace
    self.onRecord = onRecord
    // Not CSV_STRICT: exports with a stray quote inside a field are common and libcsv keeps
    // the quote as data. `finish()` still catches a quote left open at end of file.
    csv_init(&parser, 0)
    // RFC 4180: spaces are part of a field. Trimming is the row decoder's decision.
    csv_set_space_func(&parser) { _ in 0 }
    // Grow the field buffer in 64 KiB steps, not 128 bytes: a runaway field of megabytes
    // must not cost thousands of reallocations.
    csv_set_blk_size(&parser, 1 << 16)
  }

  func free() { csv_free(&parser) }

  /// Starts reading at `segment`: a segment after the first begins mid-file, where no
  /// byte-order mark can be.
  func begin(at segment: CSVSegment) {
    currentLine = segment.firstLine
    // A file is cut only at newlines (``CSVReader/cuts(ofFileAt:count:chunkSize:)``).
    if segment.start > 0 {
      sawAnyByte = true
      lineEndUnknown = false
    }
    stopAfter = segment.end.map { $0 - segment.start }
  }

  /// Parses `chunk`, and returns how many of its bytes were used: all of them, unless a
  /// segment's end was reached in it.
  @discardableResult
  func feed(_ chunk: UnsafeRawBufferPointer) throws -> Int {
    var bytes = chunk
    var skipped = 0
    if !sawAnyByte, !bytes.isEmpty {
      sawAnyByte = true
      bytes = try skipByteOrderMark(bytes)
      skipped = chunk.count - bytes.count
    }
    guard let base = bytes.baseAddress else {
      summary.bytes += chunk.count
      fed += chunk.count
      return chunk.count
    }
    if lineEndUnknown { settleLineEnd(UnsafeRawBufferPointer(start: base, count: bytes.count)) }
    var offset = 0
    let count = bytes.count
    let lineEnd = Int32(lineEnd)
    while offset < count, !stopped {
      let rest = count - offset
      let newline = memchr(base + offset, lineEnd, rest)
      let pieceLength = newline.map { (base + offset).distance(to: UnsafeRawPointer($0)) + 1 } ?? rest
      let piece = UnsafeRawBufferPointer(start: base + offset, count: pieceLength)
      var readInPlace = false
      if plainLinesInPlace, newline != nil, recordStartLine == nil, record.count == 0, clibcsv_between_records(&parser) != 0 {
        readInPlace = try readPlainLine(piece)
      }
      if !readInPlace {
        if recordStartLine == nil, piece.contains(where: { $0 != 0x0A && $0 != 0x0D }) {
          recordStartLine = currentLine
        }
        try parse(piece)
      }
      offset += pieceLength
      if newline != nil {
        currentLine += 1
        summary.lines += 1
        // A segment ends at the first line end past its end that is also a record's.
        if let stopAfter, fed + skipped + offset >= stopAfter, recordStartLine == nil, record.count == 0,
          clibcsv_between_records(&parser) != 0 {
          stopped = true
        }
      }
    }
    let used = skipped + offset
    summary.bytes += used
    fed += used
    if offset > 0 { lastByte = base.load(fromByteOffset: offset - 1, as: UInt8.self) }
    return used
  }

  /// Learns from `bytes`, the next fed, whether the file's lines end in a carriage return
  /// alone, once its first line end is in sight. The bytes before it went through libcsv as
  /// one piece (they hold no newline), which ends a record at a lone carriage return too; only
  /// the line count learns of that one late.
  private func settleLineEnd(_ bytes: UnsafeRawBufferPointer) {
    guard !bytes.isEmpty else { return }
    if endedInCarriageReturn {
      lineEndUnknown = false
      if bytes[0] != CSVReader.newline { startLinesAtCarriageReturns(countingOneBehind: true) }
      return
    }
    switch CSVReader.firstLineEnd(in: bytes) {
    case CSVReader.newline?: lineEndUnknown = false
    case CSVReader.carriageReturn?:
      lineEndUnknown = false
      startLinesAtCarriageReturns(countingOneBehind: false)
    case nil: endedInCarriageReturn = bytes[bytes.count - 1] == CSVReader.carriageReturn
    default: break
    }
  }

  private func startLinesAtCarriageReturns(countingOneBehind: Bool) {
    lineEnd = CSVReader.carriageReturn
    if countingOneBehind {
      currentLine += 1
      summary.lines += 1
    }
  }

  func finish() throws -> CSVReadSummary {
    if clibcsv_inside_open_quote(&parser) != 0 {
      throw CSVReadingError.unterminatedQuote(source: source, line: recordStartLine ?? currentLine)
    }
    let context = Unmanaged.passUnretained(self).toOpaque()
    csv_fini(&parser, onField, onRecordEnd, context)
    if let error = pendingError { throw error }
    if let lastByte, lastByte != lineEnd { summary.lines += 1 }
    return summary
  }

  private func parse(_ piece: UnsafeRawBufferPointer) throws {
    let context = Unmanaged.passUnretained(self).toOpaque()
    let used = csv_parse(&parser, piece.baseAddress, piece.count, onField, onRecordEnd, context)
    if let error = pendingError { throw error }
    if used != piece.count {
      let message = String(cString: csv_strerror(csv_error(&parser)))
      throw CSVReadingError.parser(source: source, line: currentLine, reason: message)
    }
  }

  /// Reads `piece`, one whole line with its newline, as a record without libcsv when it is
  /// plain (see `CSVReader`); returns `false`, having delivered nothing, when it is not.
  private func readPlainLine(_ piece: UnsafeRawBufferPointer) throws -> Bool {
    let bytes = piece.bindMemory(to: UInt8.self)
    let carriageReturn = UInt8(ascii: "\r")
    var count = bytes.count - 1  // the line end
    if count > 0, bytes[count - 1] == carriageReturn { count -= 1 }
    // A blank line is no record; libcsv skips it without a callback.
    guard count > 0, let base = bytes.baseAddress else { return false }
    // Where lines end in a carriage return alone, a newline inside one ends a record for
    // libcsv as a lone carriage return does elsewhere: such a line is not plain.
    if lineEnd != CSVReader.newline, memchr(base, Int32(CSVReader.newline), count) != nil { return false }
    record.beginInPlace(UnsafeBufferPointer(start: base, count: count))
    guard splitFields(base, count) else { return abandonPlainLine() }
    recordStartLine = currentLine
    endRecord()
    if let error = pendingError { throw error }
    return true
  }

  /// Splits a line at its commas outside quotes, with the CPU's vector compares
  /// (`csv_split_line`: quoted fields that hold no quote, and no carriage return outside
  /// them), noting whether it is all ASCII; returns `false` for any other line.
  private func splitFields(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var found: Int32 = 0
    // A line of `count` bytes has at most `count + 1` fields; their bounds are written
    // straight into the record's buffers, which is most of the work on a row.
    record.appendFieldsInPlace(upTo: count + 1) { starts, ends in
      csv_split_line(base, count, starts, ends, &found)
    }
    guard found & Int32(CSV_SPLIT_NOT_PLAIN) == 0 else { return false }
    record.knownASCII = found & Int32(CSV_SPLIT_NON_ASCII) == 0
    record.freeOfNUL = found & Int32(CSV_SPLIT_NUL) == 0
    return true
  }

  private func abandonPlainLine() -> Bool {
    record.reset()
    return false
  }

  private func skipByteOrderMark(_ bytes: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer {
    if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
      throw CSVReadingError.unsupportedEncoding(source: source, encoding: "UTF-16")
    }
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
      summary.hadByteOrderMark = true
      return UnsafeRawBufferPointer(rebasing: bytes[3...])
    }
    return bytes
  }

  fileprivate func field(_ bytes: UnsafeRawBufferPointer) {
    record.appendField(bytes)
  }

  fileprivate func endRecord() {
    guard pendingError == nil else { return }
    summary.records += 1
    record.number = summary.records
    record.line = recordStartLine ?? currentLine
    recordStartLine = nil
    if record.hasNonASCII, (0..<record.count).contains(where: { !record.isUTF8(at: $0) }) {
      summary.windows1252Records += 1
    }
    do { try onRecord(record) } catch { pendingError = error }
    record.reset()
  }
}

private func onField(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
  let session = Unmanaged<ParseSession>.fromOpaque(context!).takeUnretainedValue()
  session.field(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length))
}

private func onRecordEnd(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
  let session = Unmanaged<ParseSession>.fromOpaque(context!).takeUnretainedValue()
  session.endRecord()
}
