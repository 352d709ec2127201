import CFieldSplitting
import CLibCSV

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

  /// Bytes read from the file per `read(2)` call.
  public static let defaultChunkSize = 1 << 20

  /// Reads the file at `path`, calling `body` once per record (the header included).
  /// `observeBytes` sees every chunk as read, before parsing (to hash the file in the same pass).
  @discardableResult
  public static func read(
    fileAt path: String,
    chunkSize: Int = defaultChunkSize,
    plainLinesInPlace: Bool = true,
    observeBytes: (UnsafeRawBufferPointer) -> Void = { _ in },
    _ body: (CSVRecord) throws -> Void
  ) throws -> CSVReadSummary {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw CSVReadingError.cannotOpen(path: path, reason: errnoText()) }
    defer { close(fd) }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buffer.deallocate() }
    return try withoutActuallyEscaping(body) { body in
      let session = ParseSession(source: path, plainLinesInPlace: plainLinesInPlace, onRecord: body)
      defer { session.free() }
      while true {
        let n = Glibc.read(fd, buffer.baseAddress, chunkSize)
        if n < 0 {
          if errno == EINTR { continue }
          throw CSVReadingError.readFailed(path: path, reason: errnoText())
        }
        if n == 0 { break }
        let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
        observeBytes(chunk)
        try session.feed(chunk)
      }
      return try session.finish()
    }
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
  /// 1-based line of the bytes being fed; every piece fed holds at most one newline, at its end.
  @exclusivity(unchecked) var currentLine = 1
  /// The line on which the record being parsed began; `nil` between records.
  @exclusivity(unchecked) var recordStartLine: Int?
  @exclusivity(unchecked) var lastByte: UInt8?
  @exclusivity(unchecked) var sawAnyByte = false
  @exclusivity(unchecked) var pendingError: (any Error)?

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

  func feed(_ chunk: UnsafeRawBufferPointer) throws {
    var bytes = chunk
    if !sawAnyByte, !bytes.isEmpty {
      sawAnyByte = true
      bytes = try skipByteOrderMark(bytes)
    }
    summary.bytes += chunk.count
    guard let base = bytes.baseAddress else { return }
    var offset = 0
    let count = bytes.count
    while offset < count {
      let rest = count - offset
      let newline = memchr(base + offset, 0x0A, rest)
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
      }
    }
    lastByte = bytes.last ?? lastByte
  }

  func finish() throws -> CSVReadSummary {
    if clibcsv_inside_open_quote(&parser) != 0 {
      throw CSVReadingError.unterminatedQuote(source: source, line: recordStartLine ?? currentLine)
    }
    let context = Unmanaged.passUnretained(self).toOpaque()
    csv_fini(&parser, onField, onRecordEnd, context)
    if let error = pendingError { throw error }
    if let lastByte, lastByte != 0x0A { summary.lines += 1 }
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
    var count = bytes.count - 1  // the newline
    if count > 0, bytes[count - 1] == carriageReturn { count -= 1 }
    // A blank line is no record; libcsv skips it without a callback.
    guard count > 0, let base = bytes.baseAddress else { return false }
    record.beginInPlace(UnsafeBufferPointer(start: base, count: count))
    if !splitBareFields(base, count) {
      // A quote or carriage return somewhere: split again, field by field.
      record.reset()
      record.beginInPlace(UnsafeBufferPointer(start: base, count: count))
      guard splitQuotedFields(base, count) else { return abandonPlainLine() }
    }
    recordStartLine = currentLine
    endRecord()
    if let error = pendingError { throw error }
    return true
  }

  /// Splits a line whose quoted fields hold no quote: returns `false` on anything else.
  private func splitQuotedFields(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), carriageReturn = UInt8(ascii: "\r")
    var index = 0
    while true {
      if index < count, base[index] == quote {
        // A quoted field: its content runs to the next quote, which must end the field.
        let contentStart = index + 1
        guard let close = memchr(base + contentStart, Int32(quote), count - contentStart) else { return false }
        let contentEnd = base.distance(to: close.assumingMemoryBound(to: UInt8.self))
        let after = contentEnd + 1
        guard after == count || base[after] == comma else { return false }
        record.appendFieldInPlace(from: contentStart, to: contentEnd)
        if after == count { break }
        index = after + 1
        continue
      }
      let start = index
      while index < count {
        let byte = base[index]
        if byte == comma { break }
        if byte == quote || byte == carriageReturn { return false }
        index += 1
      }
      record.appendFieldInPlace(from: start, to: index)
      if index == count { break }
      index += 1
    }
    return true
  }

  /// Splits a line that holds no quote and no carriage return at its commas, with the CPU's
  /// vector compares (`csv_split_bare_line`), noting whether it is all ASCII; returns `false`
  /// at the first quote or carriage return.
  private func splitBareFields(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var found: Int32 = 0
    // A line of `count` bytes has at most `count + 1` fields; their bounds are written
    // straight into the record's buffers, which is most of the work on a row.
    record.appendFieldsInPlace(upTo: count + 1) { starts, ends in
      csv_split_bare_line(base, count, starts, ends, &found)
    }
    guard found & Int32(CSV_SPLIT_NOT_BARE) == 0 else { return false }
    record.knownASCII = found & Int32(CSV_SPLIT_NON_ASCII) == 0
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
    record.recordNumber = summary.records
    record.lineNumber = recordStartLine ?? currentLine
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
