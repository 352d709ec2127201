import CSVReading
import Crypto
import Foundation
import SurveillanceCore

/// How an area's exports are read on the machine's cores. Each file is one task, read and
/// hashed in one go, one per core; but when one export is much larger than the rest (a
/// pharmacy system's export twice the GP's), reading file by file leaves a core idle while
/// that one finishes. Then the large file is cut into segments at line ends
/// (``CSVReader/cuts(ofFileAt:count:chunkSize:)``), each read on whichever core is free,
/// and its SHA-256 is one more task beside them, which also counts the lines each segment
/// starts on (``SegmentLines``). Largest tasks start first, but a file's hashing always
/// before its segments: they may wait for its count.
struct ReadingPlan {
  /// The smallest segment worth its own task (a header read, a decoder, a merge).
  static let defaultSegmentBytes = 64 << 20

  enum Task {
    /// Reading a file's segment (its index in ``lines``), or (`nil`) the whole file with its
    /// hash. `slot`: the part's place in the first read's ``HoldingShare``.
    case part(file: Int, slot: Int, segment: Int?)
    /// Hashing a file read in segments, and counting the lines its segments start on.
    case hash(file: Int)
  }

  enum Result: Sendable {
    case part(ExportReader.PartRead)
    case hash(String?)
  }

  /// Every task, largest first.
  private(set) var tasks: [Task] = []
  /// Each file's tasks (indices into ``tasks``), its parts in file order.
  private(set) var tasksByFile: [[Int]] = []
  /// How many parts are read, each with its slot.
  private(set) var slots = 0
  /// For each file read in segments, where they start and (once counted) on which line.
  private(set) var lines: [Int: SegmentLines] = [:]

  /// `segmentBytes`: with ``defaultSegmentBytes``, a file is cut only when it is more than a
  /// fair share of the reading (the area's bytes over the cores, with a tenth to spare), into
  /// segments of about a quarter of a core's share (finer than half: the last segments end
  /// closer together, so less of the reading's tail runs on one core; 0.93 of the wall time
  /// on the pharmacy-heavy shape); any other value cuts every file that is not one shard's
  /// part of a partition into segments of that size (tests, to read small files so).
  init(files: [ExportFile], cores: Int, segmentBytes: Int) throws {
    let sizes = files.map(AreaLoader.size(of:))
    let total = max(1, sizes.reduce(0, +))
    let balancing = segmentBytes == Self.defaultSegmentBytes
    let fairShare = Double(total) / Double(max(1, cores))
    let pieceBytes = balancing ? max(segmentBytes, total / (4 * max(1, cores))) : max(1, segmentBytes)
    // Costs, to start the largest first: reading and decoding a byte costs about three times
    // hashing it (`asthma-surveillance-bench read`).
    var planned: [(task: Task, file: Int, cost: Double)] = []
    for (file, size) in sizes.enumerated() {
      var count = Int((Double(size) / Double(pieceBytes)).rounded())
      let uneven = Double(size) > fairShare * 1.1
      if cores < 2 || files[file].origin != nil || (balancing && !uneven) { count = 1 }
      let cuts = count >= 2 ? try CSVReader.cuts(ofFileAt: files[file].path, count: count) : []
      if !cuts.isEmpty {
        let starts = [0] + cuts
        lines[file] = SegmentLines(starts: starts)
        planned.append((.hash(file: file), file, Double(size)))
        for (index, start) in starts.enumerated() {
          let bytes = (index + 1 < starts.count ? starts[index + 1] : size) - start
          planned.append((.part(file: file, slot: slots, segment: index), file, Double(bytes) * 3))
          slots += 1
        }
      } else {
        planned.append((.part(file: file, slot: slots, segment: nil), file, Double(size) * 4))
        slots += 1
      }
    }
    // Sorted by cost, then each hashing task moved before its file's first segment if a
    // segment cost more: tasks are started in order, so the count a segment may wait for has
    // always started, and no core waits for work that no core is doing.
    var order = planned.indices.sorted { (planned[$0].cost, -$0) > (planned[$1].cost, -$1) }
    for (index, entry) in planned.enumerated() {
      guard case .hash(let file) = entry.task, let at = order.firstIndex(of: index),
        let firstPart = order.firstIndex(where: { planned[$0].file == file })
      else { continue }
      if firstPart < at { order.insert(order.remove(at: at), at: firstPart) }
    }
    tasks = order.map { planned[$0].task }
    tasksByFile = Array(repeating: [], count: files.count)
    let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    for index in planned.indices { tasksByFile[planned[index].file].append(position[index]!) }
  }
}

extension ExportReader {
  /// The SHA-256 of the file at `path` (`nil` when not `hashing`), read in 1 MiB chunks into
  /// one buffer: the manifest's record of exactly which bytes were read, for a file read in
  /// segments. The same chunks give `lines` each segment's first line; if reading fails, the
  /// segments waiting for them are told. Not hashing (a later pass), the file is read only up
  /// to its last segment's start. (`FileHandle`'s reads went to the kernel 4 KiB at a time,
  /// each into a new `Data`.)
  static func sha256(ofFileAt path: String, hashing: Bool = true, counting lines: SegmentLines) throws -> String? {
    var hasher = SHA256()
    do {
      try CSVReader.forEachChunk(ofFileAt: path, until: hashing ? nil : lines.starts.last) { chunk in
        if hashing { hasher.update(bufferPointer: chunk) }
        lines.count(chunk)
      }
    } catch {
      lines.fail(error)
      throw error
    }
    lines.finish(path: path)
    return hashing ? hasher.finalize().lowercaseHex : nil
  }
}
