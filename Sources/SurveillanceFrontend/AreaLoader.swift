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
}

/// Reads every export, both exports at once where there are two cores, and settles the
/// child records. Shared by `nightly` and `replay`.
public enum AreaLoader {
  /// `keep` restricts the children held to one shard's; every row is still counted.
  /// `role`: for an area that may be read in passes, the first read or a later pass (see
  /// ``ReadingRole``); after a first read, ``LoadedArea/passes`` says what remains.
  public static func load(
    _ inputs: RunInputs, rules: RuleSet, earliest: CalendarDate, latest: CalendarDate, role: ReadingRole = .whole,
    keep: @escaping @Sendable (NHSNumber) -> Bool = { _ in true }
  ) throws -> LoadedArea {
    let files = inputs.files
    // Files read side by side hold their rows within one limit between them.
    var shared = role
    if case .first(let limit, nil) = role { shared = .first(holdingLimit: limit, shared: HoldingShare(files: files.count)) }
    var read = try eachFile(files) { [shared] index in
      try ExportReader.read(files[index], index: index, rules: rules, earliest: earliest, latest: latest, role: shared, keep: keep)
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

  private static func size(of file: ExportFile) -> Int {
    (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
  }

  /// `read` of each file's index, the files side by side (one per core), results in file
  /// order; the first file's error, in file order, is thrown.
  static func eachFile<T: Sendable>(_ files: [ExportFile], _ read: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let results = Mutex<[Result<T, any Error>?]>(Array(repeating: nil, count: files.count))
    DispatchQueue.concurrentPerform(iterations: files.count) { index in
      let result = Result { try read(index) }
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
