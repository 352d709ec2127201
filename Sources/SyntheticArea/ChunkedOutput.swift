import SurveillanceCore

/// Collects CSV text per file and hands it to the sink in chunks of about 256 KB, so that a
/// ten-million-row file never sits in memory; counts rows and remembers where broken ones are.
struct ChunkedOutput {
  private let sink: (SyntheticFile, String) -> Void
  private var buffers: [String]
  private var rowCounts: [Int]
  private var brokenLines: [[Int]]
  private(set) var defectCounts: [RowDefect: Int] = [:]
  private static let chunkSize = 1 << 18

  init(sink: @escaping (SyntheticFile, String) -> Void) {
    self.sink = sink
    buffers = Array(repeating: "", count: SyntheticFile.allCases.count)
    rowCounts = Array(repeating: 0, count: SyntheticFile.allCases.count)
    brokenLines = Array(repeating: [], count: SyntheticFile.allCases.count)
  }

  /// Writes the header row (after a byte-order mark where the file has one).
  mutating func begin(_ file: SyntheticFile) {
    if file.hasByteOrderMark { buffers[Self.index(file)] += "\u{FEFF}" }
    line(file.header, in: file)
  }

  /// One data row.
  mutating func row(_ cells: [String], in file: SyntheticFile) {
    line(cells, in: file)
    rowCounts[Self.index(file)] += 1
  }

  /// One deliberately broken data row.
  mutating func broken(_ cells: [String], defect: RowDefect, in file: SyntheticFile) {
    row(cells, in: file)
    // The header is line 1 and no generated cell holds a line break: row n is on line n + 1.
    brokenLines[Self.index(file)].append(rowCounts[Self.index(file)] + 1)
    defectCounts[defect, default: 0] += 1
  }

  func rows(in file: SyntheticFile) -> Int { rowCounts[Self.index(file)] }
  func brokenLines(in file: SyntheticFile) -> [Int] { brokenLines[Self.index(file)] }

  /// Hands every remaining buffered byte to the sink.
  mutating func finish() {
    for file in SyntheticFile.allCases where !buffers[Self.index(file)].isEmpty { flush(file) }
  }

  private mutating func line(_ cells: [String], in file: SyntheticFile) {
    let index = Self.index(file)
    var first = true
    for cell in cells {
      if !first { buffers[index] += "," }
      first = false
      // Most cells need no quoting; checking bytes first keeps the per-character scan of
      // `CSVOutput.escaped` off the hot path.
      let needsQuoting = cell.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
      buffers[index] += needsQuoting ? CSVOutput.escaped(cell) : cell
    }
    buffers[index] += file.lineEnding
    if buffers[index].utf8.count >= Self.chunkSize { flush(file) }
  }

  private mutating func flush(_ file: SyntheticFile) {
    let index = Self.index(file)
    sink(file, buffers[index])
    buffers[index] = ""
    buffers[index].reserveCapacity(Self.chunkSize + 4096)
  }

  private static func index(_ file: SyntheticFile) -> Int { file.ordinal }
}
