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
}

/// Reads every export, both exports at once where there are two cores, and settles the
/// child records. Shared by `nightly` and `replay`.
public enum AreaLoader {
  /// `keep` restricts the children held to one shard's; every row is still counted.
  /// `pass`: one pass of an area read in several (``passes(for:rules:earliest:latest:rowsPerPass:)``):
  /// only its children's rows are decoded, and only its rows counted.
  public static func load(
    _ inputs: RunInputs, rules: RuleSet, earliest: CalendarDate, latest: CalendarDate, pass: ReadingPass = .whole,
    keep: @escaping @Sendable (NHSNumber) -> Bool = { _ in true }
  ) throws -> LoadedArea {
    let files = inputs.files
    let read = try eachFile(files) { index in
      try ExportReader.read(files[index], index: index, rules: rules, earliest: earliest, latest: latest, pass: pass, keep: keep)
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
      flaggedProducts: FlaggedProduct.merged(flagged))
    NightlyJob.releaseElsewhere((consume records, consume finished))
    return loaded
  }
}

extension AreaLoader {
  /// The passes in which to read `inputs` so that each holds about `rowsPerPass` rows to
  /// decode: one pass, without looking, when the files are too small to hold that many;
  /// otherwise from one quick read of every file's NHS numbers.
  public static func passes(
    for inputs: RunInputs, rules: RuleSet, earliest: CalendarDate, latest: CalendarDate, rowsPerPass: Int,
    keep: (@Sendable (NHSNumber) -> Bool)? = nil
  ) throws -> [ReadingPass] {
    let files = inputs.files
    // No row of an export is shorter than this (a separator per field and a line end).
    let shortestRow = 20
    let bytes = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1.path)[.size] as? Int) ?? 0) }
    guard bytes / shortestRow > rowsPerPass else { return [.whole] }
    var rows: [UInt64: Int] = [:]
    for counted in try eachFile(files, { try ExportReader.rowsByHolder(files[$0], rules: rules, earliest: earliest, latest: latest) }) {
      rows.merge(counted, uniquingKeysWith: +)
    }
    // A shard holds only its own children's rows: passes planned from everyone's would read
    // the exports several times where one pass holds them. Each NHS number is hashed once.
    if let keep { rows = rows.filter { keep(NHSNumber(validatedValue: $0.key)) } }
    return ReadingPass.plan(rowsByHolder: rows, rowsPerPass: rowsPerPass)
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
