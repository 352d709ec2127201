import CSVReading
import Foundation
import Testing

/// A large export is read in segments on several cores. Segments are cut at line ends, and a
/// line end inside a quoted field is no record boundary: the reader says where it really
/// stopped, so a caller can tell a good cut from a bad one.
struct SegmentReadingTests {
  static func write(_ text: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("segments-\(UUID().uuidString).csv")
    try Data(text.utf8).write(to: url)
    return url.path
  }

  /// Every record with its line, reading the segments one after another as a caller would:
  /// where a segment stopped past the next one's start, the rest is read again from there.
  static func readInSegments(_ path: String, count: Int, chunkSize: Int = 64) throws -> (records: [[String]], recut: Int) {
    let segments = try CSVReader.segments(ofFileAt: path, count: count, chunkSize: chunkSize)
    var records: [[String]] = []
    var recut = 0
    var index = 0
    var next = segments.first
    while let segment = next {
      let summary = try CSVReader.read(fileAt: path, segment: segment, chunkSize: chunkSize) { records.append($0.fields + ["line \($0.lineNumber)"]) }
      index += 1
      guard index < segments.count, summary.endOffset < (try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int) else { break }
      if summary.endOffset == segments[index].start {
        next = segments[index]
      } else {
        recut += 1
        next = CSVSegment(start: summary.endOffset, end: nil, firstLine: segment.firstLine + summary.lines)
        index = segments.count
      }
    }
    return (records, recut)
  }

  @Test func aFileReadInChunksIsEveryByteInOrder() throws {
    let text = (0..<500).map { "row \($0),\"a, b\",\($0 * 7)\n" }.joined()
    let path = try Self.write(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var bytes: [UInt8] = []
    var chunks = 0
    try CSVReader.forEachChunk(ofFileAt: path, chunkSize: 333) { chunk in
      bytes += chunk
      chunks += 1
    }
    #expect(bytes == Array(text.utf8))
    #expect(chunks == (text.utf8.count + 332) / 333)
    #expect(throws: CSVReadingError.self) { try CSVReader.forEachChunk(ofFileAt: path + ".missing") { _ in } }
  }

  static func readWhole(_ path: String) throws -> [[String]] {
    var records: [[String]] = []
    try CSVReader.read(fileAt: path) { records.append($0.fields + ["line \($0.lineNumber)"]) }
    return records
  }

  @Test func segmentsOfPlainLinesReadAsTheWholeFile() throws {
    let rows = (1...400).map { "\($0),name \($0),\($0 * 7)" }
    let path = try Self.write("id,name,quantity\n" + rows.joined(separator: "\n") + "\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    for count in [2, 3, 7, 40] {
      let segments = try CSVReader.segments(ofFileAt: path, count: count, chunkSize: 64)
      #expect(segments.count == count)
      #expect(segments.first?.start == 0 && segments.last?.end == nil)
      let read = try Self.readInSegments(path, count: count)
      #expect(read.recut == 0)
      #expect(read.records == (try Self.readWhole(path)), "\(count) segments")
    }
  }

  /// A file whose lines end in a carriage return alone is never cut (its segments' first lines
  /// are counted in newlines), even where a quoted field holds a newline to cut at.
  @Test func aFileWhoseLinesEndInCarriageReturnsAloneIsOneSegment() throws {
    let rows = (1...400).map { "\($0),\"name\n\($0)\",\($0 * 7)" }
    let path = try Self.write("id,name,quantity\r" + rows.joined(separator: "\r") + "\r")
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try CSVReader.cuts(ofFileAt: path, count: 4, chunkSize: 64).isEmpty)
    let segments = try CSVReader.segments(ofFileAt: path, count: 4, chunkSize: 64)
    #expect(segments == [CSVSegment(start: 0, end: nil, firstLine: 1)])
    let whole = try Self.readWhole(path)
    #expect(whole.count == 401)
    #expect(whole.last == ["400", "name\n400", "2800", "line 401"])
  }

  /// Each segment must start on the line it is at, however the pass that counts the lines
  /// is read in chunks, with lines longer than a read and runs of empty lines about.
  @Test func eachSegmentKnowsTheLineItStartsOnHoweverTheFileIsReadInChunks() throws {
    let rows = (1...600).map { index in
      index % 97 == 0 ? String(repeating: "x", count: 300) + ",\(index)" : index % 31 == 0 ? "\n\n\(index),b" : "\(index),b"
    }
    let text = "id,b\n" + rows.joined(separator: "\n") + "\n"
    let path = try Self.write(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let bytes = Array(text.utf8)
    for count in [2, 5, 16] {
      let starts = [0] + (try CSVReader.cuts(ofFileAt: path, count: count, chunkSize: 64))
      #expect(starts.count == count)
      for chunkSize in [1, 7, 64, 1000, bytes.count] {
        let lines = SegmentLines(starts: starts)
        try CSVReader.forEachChunk(ofFileAt: path, chunkSize: chunkSize) { lines.count($0) }
        lines.finish(path: path)
        for index in starts.indices {
          let segment = try lines.segment(index)
          #expect(segment.start == 0 || bytes[segment.start - 1] == 0x0A)
          #expect(segment.firstLine == bytes[..<segment.start].filter { $0 == 0x0A }.count + 1, "\(count) segments, chunks of \(chunkSize)")
          #expect(segment.end == (index + 1 < starts.count ? starts[index + 1] : nil))
        }
      }
      #expect(try CSVReader.segments(ofFileAt: path, count: count, chunkSize: 64).map(\.firstLine)
        == starts.map { start in bytes[..<start].filter { $0 == 0x0A }.count + 1 })
    }
  }

  /// A segment's reader waits for the count to pass its start, on another thread; if the count
  /// fails, or the file turns out shorter than when it was cut, the waiting reader is told.
  @Test func aSegmentsReaderWaitsForTheCountAndHearsWhenItFails() async throws {
    let text = (1...200).map { "\($0),b\n" }.joined()
    let path = try Self.write(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let starts = [0] + (try CSVReader.cuts(ofFileAt: path, count: 4, chunkSize: 64))
    let lines = SegmentLines(starts: starts)
    #expect(try lines.segment(0).firstLine == 1, "the first segment needs no count")
    let waiting = Task.detached { try lines.segment(3) }
    try await Task.sleep(for: .milliseconds(50))
    try CSVReader.forEachChunk(ofFileAt: path, chunkSize: 16) { lines.count($0) }
    let last = try await waiting.value
    #expect(last.firstLine == Array(text.utf8)[..<starts[3]].filter { $0 == 0x0A }.count + 1)

    let failing = SegmentLines(starts: starts)
    let stillWaiting = Task.detached { try failing.segment(2) }
    try await Task.sleep(for: .milliseconds(50))
    failing.fail(CSVReadingError.readFailed(path: path, reason: "the disk went away"))
    await #expect(throws: CSVReadingError.self) { try await stillWaiting.value }

    let short = SegmentLines(starts: starts)
    try CSVReader.forEachChunk(ofFileAt: path, chunkSize: 64, until: starts[2]) { short.count($0) }
    short.finish(path: path)
    #expect(try short.segment(2).start == starts[2], "a segment starting at the end of what was counted is known")
    #expect(throws: CSVReadingError.self) { try short.segment(3) }
  }

  @Test func aCutInsideAQuotedLineBreakIsFoundAndTheRestReadAgain() throws {
    // Every row's note holds a line break inside quotes: about half the cuts fall inside one.
    let rows = (1...300).map { "\($0),\"first line \($0)\nsecond line\",\($0 * 3)" }
    let path = try Self.write("id,note,quantity\r\n" + rows.joined(separator: "\r\n") + "\r\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    var recuts = 0
    for count in 2...12 {
      let read = try Self.readInSegments(path, count: count)
      recuts += read.recut
      #expect(read.records == (try Self.readWhole(path)), "\(count) segments")
    }
    #expect(recuts > 0, "some cut fell inside a quoted field")
  }

  @Test func theSegmentAfterTheFirstHasNoByteOrderMarkAndCountsLinesFromItsStart() throws {
    let path = try Self.write("\u{FEFF}a,b\n1,2\n\n3,4\n5,6")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let read = try Self.readInSegments(path, count: 3)
    #expect(read.records == (try Self.readWhole(path)))
    #expect(read.records.last == ["5", "6", "line 5"])
  }
}
