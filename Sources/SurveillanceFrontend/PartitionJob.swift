import CSVReading
import Crypto
import Foundation
import SurveillanceCore
import SurveillanceStore

/// `partition`: one pass over an area's exports that splits each into N parts by the keyed
/// hash `nightly --shard` uses, so that shard I reads only its own children's rows instead of
/// every row of every export.
///
/// Each part is a CSV file with the export's header and its rows, field for field, beside a
/// file of the line each row had in the export (`.lines`, one decimal number a line): a
/// shard's rejects, products and manifest then name the original export and line. A row that
/// names no valid NHS number belongs to no child and goes to shard 1, so every row of every
/// export is in exactly one part. Safeguarding and care-events files are split too: they are
/// per child like the supplies, and a shard that read them whole would count their rows N
/// times, which `merge` could not tell from a partitioned supply file's counts.
public struct PartitionJob: Sendable {
  public var inputs: RunInputs
  public var shards: Int
  public var outputPath: String
  public var rules: RuleSet
  public var pseudonymiser: Pseudonymiser
  public var toolVersion: String

  public init(inputs: RunInputs, shards: Int, outputPath: String, rules: RuleSet, pseudonymiser: Pseudonymiser, toolVersion: String) {
    self.inputs = inputs
    self.shards = shards
    self.outputPath = outputPath
    self.rules = rules
    self.pseudonymiser = pseudonymiser
    self.toolVersion = toolVersion
  }

  public func run() throws -> PartitionManifest {
    var clock = Stopwatch()
    let output = try OutputDirectory(path: outputPath)
    let lock = try RunLock.acquire(at: RunLock.path(besideOutput: output.url), for: "partition --out \(outputPath)")
    defer { lock.release() }
    // Written beside the directory and swapped in whole: a shard never reads half a partition.
    let generation = try output.beginGeneration()
    let files = inputs.files
    let (rules, pseudonymiser, shards) = (self.rules, self.pseudonymiser, self.shards)
    let split = try AreaLoader.concurrently(files.count) { index in
      try Self.split(files[index], index: index, into: shards, generation: generation, rules: rules, pseudonymiser: pseudonymiser)
    }
    // Before any part is published: an empty export would mislead every shard alike.
    if let failure = EmptySupplyExports.failure(
      zip(files, split).map { (path: $0.path, kind: $0.kind, rows: $1.rows) })
    {
      throw EmptySupplyExportError(description: failure)
    }
    var manifest = PartitionManifest(
      toolVersion: toolVersion, shards: shards, keyFingerprint: pseudonymiser.keyFingerprint, createdAt: clock.startedAt,
      profiles: Dictionary(uniqueKeysWithValues: inputs.profiles.map { ($0.key.rawValue, $0.value) }), inputs: split)
    manifest.seconds = (clock.lap() * 1000).rounded() / 1000
    try generation.write(try manifest.json(), to: PartitionManifest.fileName)
    try generation.publish()
    return manifest
  }

  /// The part's file names: shard, then the export's place and name, so a listing reads in order.
  static func partName(shard: Int, index: Int, of file: ExportFile) -> String {
    let base = String((file.path as NSString).lastPathComponent.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
    return "shard-\(shard).\(index + 1)-\(base)"
  }

  /// Reads one export once, sending each row to its shard's part.
  static func split(
    _ file: ExportFile, index: Int, into count: Int, generation: OutputGeneration, rules: RuleSet, pseudonymiser: Pseudonymiser
  ) throws -> PartitionManifest.Input {
    var hasher = SHA256()
    var decoder: RowDecoder?
    // Only the header and the NHS number are read: no date is looked at.
    let context = DecodeContext(
      fileIndex: index, latestEvaluationDate: CalendarDate(dayNumber: 0), earliestEvaluationDate: CalendarDate(dayNumber: 0),
      policy: rules.timeline, rejectedNumberRanges: rules.nhsNumbers.rejectedRanges)
    let parts = try (1...count).map { shard in
      try PartWriter(generation: generation, name: partName(shard: shard, index: index, of: file))
    }
    var rows = 0
    var unattributed = 0
    var profile = ""
    var buckets = BucketCache(pseudonymiser: pseudonymiser, count: count)
    let summary = try CSVReader.read(fileAt: file.path, observeBytes: { hasher.update(bufferPointer: $0) }) { record in
      guard let decoder else {
        let made: RowDecoder
        do {
          made = try ExportReader.decoder(forHeader: record, of: file, rules: rules, context: context)
        } catch let error as InputError {
          throw ExportReader.explained(error, in: file, rules: rules, context: context)
        }
        decoder = made
        profile = made.layout.profile.id
        for part in parts { try part.append(record) }
        return
      }
      rows += 1
      if let holder = decoder.holder(of: record) {
        try parts[buckets.bucket(for: holder)].append(record)
      } else {
        unattributed += 1
        try parts[0].append(record)
      }
    }
    guard decoder != nil else { throw InputError.emptyFile(file: file.path) }
    var written: [PartitionManifest.Part] = []
    for (shard, part) in parts.enumerated() {
      written.append(try part.finish(shard: shard + 1))
    }
    return PartitionManifest.Input(
      path: file.path, kind: file.kind.rawValue, profile: profile, sha256: hasher.finalize().lowercaseHex,
      bytes: summary.bytes, encoding: summary.encoding, rows: rows, unattributedRows: unattributed, parts: written)
  }
}

/// Each NHS number's shard, remembered: the keyed hash costs more than the rest of a row's
/// work, and an export names the same child on many rows. Direct-mapped, so it stays a few
/// megabytes however many children an export names.
struct BucketCache {
  private let pseudonymiser: Pseudonymiser
  private let count: Int
  private var numbers: [UInt64]
  private var buckets: [UInt16]
  private static let slotsLog2 = 20

  init(pseudonymiser: Pseudonymiser, count: Int) {
    precondition(count <= Int(UInt16.max), "shards are counted in 16 bits")
    self.pseudonymiser = pseudonymiser
    self.count = count
    numbers = Array(repeating: UInt64.max, count: 1 << Self.slotsLog2)
    buckets = Array(repeating: 0, count: 1 << Self.slotsLog2)
  }

  mutating func bucket(for number: NHSNumber) -> Int {
    let slot = Int(truncatingIfNeeded: (number.value &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - Self.slotsLog2))
    if numbers[slot] == number.value { return Int(buckets[slot]) }
    let bucket = pseudonymiser.bucket(for: number, of: count)
    numbers[slot] = number.value
    buckets[slot] = UInt16(bucket)
    return bucket
  }
}

/// One shard's part of one export being written: the rows as CSV, their original lines beside.
final class PartWriter {
  private let name: String
  private let rows: OutputFileWriter
  private let lines: OutputFileWriter
  private var rowBytes: [UInt8] = []
  private var lineBytes: [UInt8] = []
  private var hasher = SHA256()
  private var records = 0
  /// Bytes held per file before a write: enough to keep system calls rare with N x exports open.
  private static let flushAt = 1 << 17

  init(generation: OutputGeneration, name: String) throws {
    self.name = name
    rows = try generation.writer(for: name)
    lines = try generation.writer(for: name + ".lines")
    rowBytes.reserveCapacity(Self.flushAt + 4096)
    lineBytes.reserveCapacity(Self.flushAt / 8)
  }

  /// The record's fields exactly as read (quoted where they need it, so they read back the
  /// same bytes), and the line it started on.
  func append(_ record: CSVRecord) throws {
    let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
    record.withFieldRanges { bytes, starts, ends in
      guard let base = bytes.baseAddress, starts.count > 0 else { return }
      func holds(_ from: Int, _ to: Int, comma withComma: Bool) -> Bool {
        var index = from
        while index < to {
          let byte = base[index]
          if byte == quote || byte == newline || byte == carriageReturn || (withComma && byte == comma) { return true }
          index += 1
        }
        return false
      }
      // Most rows are a plain line read in place: fields one comma apart, no quote, no line
      // break. Then the line itself is the row, copied whole.
      var plain = !(starts.count == 1 && starts[0] == ends[0])
      var field = 1
      while plain, field < starts.count {
        plain = starts[field] == ends[field - 1] + 1 && base[ends[field - 1]] == comma
        field += 1
      }
      let first = starts[0], last = ends[starts.count - 1]
      if plain, !holds(first, last, comma: false) {
        rowBytes.append(contentsOf: UnsafeBufferPointer(start: base + first, count: last - first))
        return
      }
      for field in 0..<starts.count {
        if field > 0 { rowBytes.append(comma) }
        // A lone empty field is quoted: written bare it would be a blank line, which is no record.
        if !(starts.count == 1 && starts[field] == ends[field]), !holds(starts[field], ends[field], comma: true) {
          rowBytes.append(contentsOf: UnsafeBufferPointer(start: base + starts[field], count: ends[field] - starts[field]))
          continue
        }
        rowBytes.append(quote)
        var index = starts[field]
        while index < ends[field] {
          if base[index] == quote { rowBytes.append(quote) }
          rowBytes.append(base[index])
          index += 1
        }
        rowBytes.append(quote)
      }
    }
    rowBytes.append(newline)
    lineBytes.append(contentsOf: String(record.lineNumber).utf8)
    lineBytes.append(newline)
    records += 1
    if rowBytes.count >= Self.flushAt { try flush() }
  }

  private func flush() throws {
    hasher.update(data: rowBytes)
    try rows.append(rowBytes)
    try lines.append(lineBytes)
    rowBytes.removeAll(keepingCapacity: true)
    lineBytes.removeAll(keepingCapacity: true)
  }

  func finish(shard: Int) throws -> PartitionManifest.Part {
    try flush()
    try rows.finish()
    try lines.finish()
    return PartitionManifest.Part(
      shard: shard, file: name, lineNumbers: name + ".lines", records: records, sha256: hasher.finalize().lowercaseHex)
  }
}

/// `partition.json`: what a partition holds, for `nightly --partitioned` to read one shard's
/// parts as the original exports and to refuse parts it cannot use.
public struct PartitionManifest: Codable, Sendable {
  public static let fileName = "partition.json"
  public var tool = "asthma-surveillance"
  public var toolVersion: String
  public var command = "partition"
  public var shards: Int
  /// Which key split the rows (never the key): a run with another key would hold other children.
  public var keyFingerprint: String
  public var createdAt: String
  /// Input profiles given on the command line instead of detected, by kind.
  public var profiles: [String: String]
  public var inputs: [Input]
  public var seconds: Double = 0

  /// One original export and its parts.
  public struct Input: Codable, Sendable {
    public var path: String
    public var kind: String
    public var profile: String
    public var sha256: String
    public var bytes: Int
    public var encoding: String
    /// Records after the header; every one is in exactly one part.
    public var rows: Int
    /// Rows naming no valid NHS number, all in shard 1's part.
    public var unattributedRows: Int
    public var parts: [Part]
  }

  /// One shard's part of an export.
  public struct Part: Codable, Sendable {
    public var shard: Int
    public var file: String
    public var lineNumbers: String
    /// The header included.
    public var records: Int
    public var sha256: String
  }

  func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
  }

  /// The partition in `directory`, with its fingerprint (the SHA-256 of `partition.json`).
  public static func load(directory: String) throws -> (manifest: PartitionManifest, sha256: String) {
    let url = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(fileName)
    guard let data = FileManager.default.contents(atPath: url.path) else { throw PartitionError.notAPartition(directory) }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    guard let manifest = try? decoder.decode(PartitionManifest.self, from: data), manifest.command == "partition" else {
      throw PartitionError.notAPartition(directory)
    }
    return (manifest, SHA256.hash(data: data).lowercaseHex)
  }

  /// Shard `shard`'s parts of every export, read as the originals, for a run whose key has
  /// `keyFingerprint`.
  public static func inputs(directory: String, shard: Shard, keyFingerprint: String) throws -> RunInputs {
    let (manifest, sha256) = try load(directory: directory)
    guard manifest.keyFingerprint == keyFingerprint else {
      throw PartitionError.differentKey(directory, partition: manifest.keyFingerprint, run: keyFingerprint)
    }
    guard manifest.shards == shard.count else { throw PartitionError.differentShardCount(directory, shards: manifest.shards, asked: shard) }
    let folder = URL(fileURLWithPath: directory, isDirectory: true)
    var byKind: [InputKind: [String]] = [:]
    var origins: [String: PartitionedPart] = [:]
    for input in manifest.inputs {
      guard let kind = InputKind(rawValue: input.kind), let part = input.parts.first(where: { $0.shard == shard.index }) else {
        throw PartitionError.notAPartition(directory)
      }
      let path = folder.appendingPathComponent(part.file).path
      byKind[kind, default: []].append(path)
      origins[path] = PartitionedPart(
        source: .init(path: input.path, sha256: input.sha256, bytes: input.bytes, encoding: input.encoding),
        lineNumbersPath: folder.appendingPathComponent(part.lineNumbers).path, sha256: part.sha256, records: part.records)
    }
    var profiles: [InputKind: String] = [:]
    for (kind, profile) in manifest.profiles { if let kind = InputKind(rawValue: kind) { profiles[kind] = profile } }
    var inputs = RunInputs(
      gp: byKind[.gpPrescriptions] ?? [], pharmacy: byKind[.pharmacyDispensing] ?? [], safeguarding: byKind[.safeguarding] ?? [],
      careEvents: byKind[.careEvents] ?? [], profiles: profiles)
    inputs.origins = origins
    inputs.partition = sha256
    return inputs
  }
}

/// One shard's part of a partitioned export, and the export it came from.
public struct PartitionedPart: Sendable {
  /// The original export, as `partition` read it.
  public struct Source: Sendable {
    public var path: String
    public var sha256: String
    public var bytes: Int
    public var encoding: String
  }

  public var source: Source
  public var lineNumbersPath: String
  /// The part's own checksum and records (the header included), as written.
  public var sha256: String
  public var records: Int

  /// Refuses a part that is not what `partition` wrote, or whose line numbers do not match
  /// its rows: its rows would be named by the wrong lines.
  func check(read sha256: String, records: Int, lineNumbers: LineNumberReader, part: String) throws {
    guard sha256 == self.sha256, records == self.records else { throw PartitionError.partChanged(part) }
    guard try lineNumbers.isAtEnd() else { throw PartitionError.lineNumbersMismatch(lineNumbersPath) }
  }
}

/// Reads a part's `.lines` file as its rows are read: one original line number a row.
final class LineNumberReader {
  private let path: String
  private let fd: Int32
  private var buffer = [UInt8](repeating: 0, count: 1 << 16)
  private var position = 0
  private var end = 0

  init(path: String) throws {
    self.path = path
    fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw PartitionError.lineNumbersMissing(path) }
  }

  deinit { close(fd) }

  /// The next row's line in the original export.
  func next() throws -> Int {
    var value = 0
    var digits = 0
    while true {
      if position == end {
        try refill()
        if end == 0 { throw PartitionError.lineNumbersMismatch(path) }
      }
      let byte = buffer[position]
      position += 1
      if byte == 0x0A {
        guard digits > 0 else { throw PartitionError.lineNumbersMismatch(path) }
        return value
      }
      guard byte >= 0x30, byte <= 0x39, digits < 12 else { throw PartitionError.lineNumbersMismatch(path) }
      value = value * 10 + Int(byte - 0x30)
      digits += 1
    }
  }

  func isAtEnd() throws -> Bool {
    if position < end { return false }
    try refill()
    return end == 0
  }

  private func refill() throws {
    position = 0
    end = 0
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw PartitionError.lineNumbersMissing(path)
      }
      end = n
      return
    }
  }
}

/// Why a partition cannot be written or read.
public enum PartitionError: Error, CustomStringConvertible {
  /// The directory holds no `partition.json` that `partition` wrote.
  case notAPartition(String)
  /// The partition was split with another pseudonymisation key than this run's.
  case differentKey(String, partition: String, run: String)
  /// `--shard I/N` names another N than the partition's.
  case differentShardCount(String, shards: Int, asked: Shard)
  /// A part's bytes are not those `partition` wrote (changed, truncated or swapped).
  case partChanged(String)
  /// A part's `.lines` file is missing or unreadable.
  case lineNumbersMissing(String)
  /// A part's `.lines` file does not hold one line number for each of its rows.
  case lineNumbersMismatch(String)

  public var description: String {
    switch self {
    case .notAPartition(let directory):
      return "\(directory): no partition.json written by `partition`; make one with: asthma-surveillance partition --gp ... --pharmacy ... --shards N --out \(directory)"
    case .differentKey(let directory, let partition, let run):
      return "\(directory) was partitioned with a different pseudonymisation key (key fingerprint \(partition); this run's key has \(run)): its shards hold other children than this key's shards would; run with the key the partition was made with (ASTHMA_SURVEILLANCE_KEY_FILE), or partition again with this one"
    case .differentShardCount(let directory, let shards, let asked):
      return "\(directory) holds \(shards) shards, but --shard \(asked) asks for one of \(asked.count); give --shard I/\(shards)"
    case .partChanged(let part):
      return "\(part): this part of the partition is not the one `partition` wrote (its checksum or row count differs); partition the exports again"
    case .lineNumbersMissing(let path):
      return "\(path): the line numbers of a partition's part cannot be read; partition the exports again"
    case .lineNumbersMismatch(let path):
      return "\(path): the line numbers do not match the part's rows (one number a row); partition the exports again"
    }
  }
}
