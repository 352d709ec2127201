import CSVReading
import Dispatch
import Foundation
import SurveillanceCore

/// The inputs of a run, as the command line gave them.
public struct RunInputs: Sendable {
  public var gp: [String]
  public var pharmacy: [String]
  public var safeguarding: [String]
  public var careEvents: [String]
  /// Input profile ids to use instead of detecting them from headers, by kind.
  public var profiles: [InputKind: String]
  /// For a shard reading a partition (`nightly --partitioned`): each part's original export.
  public var origins: [String: PartitionedPart] = [:]
  /// The SHA-256 of the partition's `partition.json`, when these are one shard's parts.
  public var partition: String?

  public init(gp: [String], pharmacy: [String], safeguarding: [String] = [], careEvents: [String] = [], profiles: [InputKind: String] = [:]) {
    self.gp = gp
    self.pharmacy = pharmacy
    self.safeguarding = safeguarding
    self.careEvents = careEvents
    self.profiles = profiles
  }

  /// Every file with its kind, in the order their rows are numbered in outputs.
  public var files: [ExportFile] {
    gp.map { ExportFile(path: $0, kind: .gpPrescriptions, profile: profiles[.gpPrescriptions], origin: origins[$0]) }
      + pharmacy.map { ExportFile(path: $0, kind: .pharmacyDispensing, profile: profiles[.pharmacyDispensing], origin: origins[$0]) }
      + safeguarding.map { ExportFile(path: $0, kind: .safeguarding, profile: profiles[.safeguarding], origin: origins[$0]) }
      + careEvents.map { ExportFile(path: $0, kind: .careEvents, profile: profiles[.careEvents], origin: origins[$0]) }
  }

  /// Whether these are one shard's parts of partitioned exports.
  public var isPartitioned: Bool { !origins.isEmpty }

  public var kinds: Set<InputKind> { Set(files.map(\.kind)) }
}

/// Everything read from a run's exports, ready to evaluate on any date in its range.
public struct LoadedArea: Sendable {
  public var reports: [InputFileReport]
  public var records: [ChildRecord]
  public var rejects: [RejectedRow]
  public var fileNames: [String]
  public var kinds: Set<InputKind>
  /// Products the formulary could not classify or classified against their name, one entry
  /// per product across every file.
  public var flaggedProducts: [FlaggedProduct] = []
  /// Every pass of the area's reading, this one first: `[.whole]` unless a first read
  /// (``ReadingRole/first(holdingLimit:)``) could not hold every child's rows.
  public var passes: [ReadingPass] = [.whole]

  /// Refuses an area whose GP or pharmacy exports were given but hold no rows
  /// (``EmptySupplyExports``), for the commands that read exports to report or look up.
  public func refusingEmptySupplyExports() throws -> LoadedArea {
    if let failure = EmptySupplyExports.failure(reports) { throw EmptySupplyExportError(description: failure) }
    return self
  }
}

/// A GP or pharmacy export given with no rows in it.
public struct EmptySupplyExportError: Error, CustomStringConvertible {
  public var description: String
}

/// Reads every export, both exports at once where there are two cores, and settles the
/// child records. Shared by `nightly` and `replay`.
public enum AreaLoader {
  /// `keep` restricts the children held to one shard's; every row is still counted.
  /// `role`: for an area that may be read in passes, the first read or a later pass (see
  /// ``ReadingRole``); after a first read, ``LoadedArea/passes`` says what remains.
  ///
  /// `segmentBytes`: files are cut into segments of about this many bytes or more, read side
  /// by side with their hashing, so that one export much larger than the others does not
  /// leave a core idle; `nil` for the default (``ReadingPlan/defaultSegmentBytes``).
  public static func load(
    _ inputs: RunInputs, rules: RuleSet, earliest: CalendarDate, latest: CalendarDate, role: ReadingRole = .whole,
    segmentBytes: Int? = nil, keep: @escaping @Sendable (NHSNumber) -> Bool = { _ in true }
  ) throws -> LoadedArea {
    let files = inputs.files
    let plan = try ReadingPlan(files: files, cores: ProcessInfo.processInfo.activeProcessorCount, segmentBytes: segmentBytes ?? ReadingPlan.defaultSegmentBytes)
    // The parts read side by side hold their rows within one limit between them.
    var shared = role
    var sharing: HoldingShare?
    if case .first(let limit, nil) = role {
      sharing = HoldingShare(slots: plan.slots)
      shared = .first(holdingLimit: limit, shared: sharing)
    }
    // Errors are kept, not thrown, until each file's parts are checked: a segment cut inside
    // a quoted field may fail or read nonsense, and is then read again from a good boundary.
    let results = try concurrently(plan.tasks.count) { [shared] task in
      Result { () throws -> ReadingPlan.Result in
        switch plan.tasks[task] {
        case .part(let file, let slot, let segment):
          let segment = try segment.map { try plan.lines[file]!.segment($0) }
          return .part(try ExportReader.readPart(
            files[file], index: file, slot: slot, segment: segment, rules: rules, earliest: earliest, latest: latest, role: shared, keep: keep))
        case .hash(let file):
          // A later pass's manifest takes the first read's hashes, but its segments still need their lines.
          var hashing = true
          if case .later = shared { hashing = false }
          return .hash(try ExportReader.sha256(ofFileAt: files[file].path, hashing: hashing, counting: plan.lines[file]!))
        }
      }
    }
    var read: [ExportContents] = []
    for (file, tasks) in plan.tasksByFile.enumerated() {
      var parts: [ExportReader.PartRead] = []
      var sha256: String?
      var segments: [(task: Int, slot: Int, start: Int)] = []
      for task in tasks {
        switch plan.tasks[task] {
        case .hash: if case .hash(let digest) = try results[task].get() { sha256 = digest }
        case .part(_, let slot, let segment): segments.append((task, slot, segment.map { plan.lines[file]!.starts[$0] } ?? 0))
        }
      }
      // The first part's error is the file's. A later part counts only if it read without
      // error from exactly where the part before it ended; from the first that did not, the
      // rest of the file is read again in one go.
      guard case .part(let first) = try results[segments[0].task].get() else { preconditionFailure("a file's first task reads it") }
      parts.append(first)
      for (position, segment) in segments.enumerated().dropFirst() {
        let previous = parts[position - 1]
        if previous.summary.endOffset == segment.start, case .success(.part(let part)) = results[segment.task] {
          parts.append(part)
          continue
        }
        for dropped in segments[position...] { _ = sharing?.update(slot: dropped.slot, holding: 0) }
        let rest = CSVSegment(start: previous.summary.endOffset, end: nil, firstLine: previous.segmentFirstLine + previous.summary.lines)
        parts.append(try ExportReader.readPart(
          files[file], index: file, slot: segment.slot, segment: rest, rules: rules, earliest: earliest, latest: latest, role: shared, keep: keep))
        break
      }
      if parts.count == 1 { sha256 = parts[0].sha256 ?? sha256 }
      read.append(try ExportReader.finished(files[file], parts: parts, sha256: sha256))
    }
    // Each file let go of its own highest children; the first pass is those every file held in full.
    var passes = [ReadingPass.whole]
    if case .first(let limit, _) = role {
      let cutoff = read.compactMap { $0.holding?.cutoff }.min()
      var rows: [UInt64: Int] = [:]
      for index in read.indices {
        rows.merge(read[index].holding?.rowsByHolder ?? [:], uniquingKeysWith: +)
        read[index].holding = nil
        if let cutoff { read[index].records.removeAll(from: cutoff) }
      }
      passes = ReadingPass.plan(afterFirstBelow: cutoff, rowsByHolder: rows, rowsPerPass: limit)
    }
    var reports: [InputFileReport] = []
    var parts: [AreaRecords] = []
    var rejects: [RejectedRow] = []
    var flagged: [FlaggedProduct] = []
    for contents in consume read {
      reports.append(contents.report)
      parts.append(contents.records)
      rejects.append(contentsOf: contents.rejects)
      flagged.append(contentsOf: contents.flaggedProducts)
    }
    let records = consume parts
    let finished = NightlyJob.parallelMap(AreaRecords.patients(in: records)) { AreaRecords.finishedRecord(for: $0, in: records) }
    for (_, duplicates) in finished {
      for (file, count) in duplicates { reports[file].duplicates += count }
    }
    let loaded = LoadedArea(
      reports: reports, records: finished.map(\.record), rejects: rejects, fileNames: files.map(\.name), kinds: inputs.kinds,
      flaggedProducts: FlaggedProduct.merged(flagged), passes: passes)
    NightlyJob.releaseElsewhere((consume records, consume finished))
    return loaded
  }
}

extension AreaLoader {
  /// How `inputs` are read with at most `rowsPerPass` rows to decode held at a time: in one
  /// read, without looking, when the files are too small to hold that many; otherwise as a
  /// first read that plans any further passes as it goes.
  public static func firstRole(for inputs: RunInputs, rowsPerPass: Int?) -> ReadingRole {
    guard let rowsPerPass else { return .whole }
    // No row of an export is shorter than this (a separator per field and a line end).
    let shortestRow = 20
    let bytes = inputs.files.reduce(0) { $0 + Self.size(of: $1) }
    return bytes / shortestRow > rowsPerPass ? .first(holdingLimit: rowsPerPass) : .whole
  }

  /// The file's size in bytes, 0 when it cannot be read (reading it then says why).
  static func size(of file: ExportFile) -> Int {
    (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
  }

  /// `work` for each index below `count`, side by side (one per core, each core taking the
  /// next index when it is free), results in index order; the first error, in index order,
  /// is thrown.
  static func concurrently<T: Sendable>(_ count: Int, _ work: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let results = Mutex<[Result<T, any Error>?]>(Array(repeating: nil, count: count))
    DispatchQueue.concurrentPerform(iterations: count) { index in
      let result = Result { try work(index) }
      results.withLock { $0[index] = result }
    }
    return try results.withLock { $0 }.map { try $0!.get() }
  }
}

/// A tiny lock around a value, for results gathered from concurrent work.
public final class Mutex<Value>: @unchecked Sendable {
  private var value: Value
  private let lock = NSLock()
  public init(_ value: Value) { self.value = value }
  public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}
