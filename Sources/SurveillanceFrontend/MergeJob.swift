import CSVReading
import Foundation
import SurveillanceCore
import SurveillanceStore

/// `merge`: puts the outputs of `nightly --shard I/N` runs back together into exactly the
/// files one run over the whole area would have written.
///
/// Each child lives in one shard and every table is ordered by NHS number, so a stable sort
/// of all shards' rows by NHS number restores the single run's order. Shards of the whole
/// exports read every row alike, so their rejected rows are taken once; shards of a partition
/// each read their own rows, so theirs are put together (`MergeJob+Partitioned.swift`). The
/// shards must come from the same exports, the same rules and the same evaluation date, and
/// all N of them must be present.
public struct MergeJob: Sendable {
  public var shardDirectories: [String]
  public var outputPath: String
  public var toolVersion: String

  public init(shardDirectories: [String], outputPath: String, toolVersion: String) {
    self.shardDirectories = shardDirectories
    self.outputPath = outputPath
    self.toolVersion = toolVersion
  }

  public func run() throws -> RunManifest {
    var clock = Stopwatch()
    let shards = try shardDirectories.map(ShardOutputs.init(directory:))
    try Self.checkCompatible(shards)
    let output = try OutputDirectory(path: outputPath)
    let lock = try RunLock.acquire(at: RunLock.path(besideOutput: output.url), for: "merge --out \(outputPath)")
    defer { lock.release() }
    let generation = try output.beginGeneration()
    for table in ["children.csv", "signals.csv"] {
      try generation.write(try Self.mergeCSV(shards.map { $0.directory.appendingPathComponent(table) }), to: table)
    }
    try generation.write(try Self.mergeJSONLines(shards.map { $0.directory.appendingPathComponent("signals.jsonl") }), to: "signals.jsonl")
    let partitioned = try Self.readPartitions(shards)
    var products: (unclassified: Int, conflicting: Int)?
    if partitioned {
      // Each shard read its own rows: their rejects and products together are the area's.
      let fileNames = (shards[0].manifest["inputs"] as? [[String: Any]] ?? []).map { $0["path"] as? String ?? "" }
      try generation.write(try Self.mergeRejects(shards.map { $0.directory.appendingPathComponent("rejects.csv") }, fileNames: fileNames), to: "rejects.csv")
      let merged = try Self.mergeProducts(shards.map { $0.directory.appendingPathComponent("unclassified-products.csv") }, fileNames: fileNames)
      try generation.write(merged.csv, to: "unclassified-products.csv")
      products = (merged.unclassified, merged.conflicting)
    } else {
      // Every shard reads every row, so these are the same in each: taken once, checked alike.
      for table in ["rejects.csv", "unclassified-products.csv"] {
        let copies = try shards.map { try Data(contentsOf: $0.directory.appendingPathComponent(table)) }
        guard Set(copies).count == 1 else { throw MergeError.inconsistent("\(table) differs between shards") }
        try generation.write(String(decoding: copies[0], as: UTF8.self), to: table)
      }
    }
    var manifest = try Self.mergedManifest(shards, toolVersion: toolVersion, seconds: clock.lap(), startedAt: clock.startedAt, summingRows: partitioned)
    if let products {
      manifest.unclassifiedProducts = products.unclassified
      manifest.conflictingProducts = products.conflicting
    }
    if partitioned, let failure = Self.rejectRateFailure(manifest) { throw MergeError.tooManyRejected(failure) }
    try generation.write(manifest.json, to: "manifest.json")
    try generation.publish()
    return manifest
  }

  // MARK: Tables

  /// All shards' rows after one header, stably ordered by their first cell (the NHS number).
  static func mergeCSV(_ files: [URL]) throws -> String {
    var header: [String]?
    var rows: [(key: String, shard: Int, order: Int, cells: [String])] = []
    for (shard, file) in files.enumerated() {
      var first = true
      try CSVReader.read(fileAt: file.path) { record in
        let cells = record.fields
        if first {
          first = false
          if header == nil { header = cells } else if header != cells { throw MergeError.inconsistent("\(file.lastPathComponent) headers differ between shards") }
          return
        }
        rows.append((cells.first ?? "", shard, rows.count, cells))
      }
    }
    var csv = CSVOutput(header: header ?? [])
    for row in rows.sorted(by: { ($0.key, $0.order) < ($1.key, $1.order) }) { csv.append(row.cells) }
    return csv.text
  }

  /// All shards' JSON lines, stably ordered by NHS number.
  static func mergeJSONLines(_ files: [URL]) throws -> String {
    let prefix = "{\"nhs_number\":\""
    var lines: [(key: Substring, order: Int, line: Substring)] = []
    for file in files {
      let text = try String(contentsOf: file, encoding: .utf8)
      for line in text.split(separator: "\n") {
        guard line.hasPrefix(prefix) else { throw MergeError.inconsistent("\(file.path): a line without its nhs_number first") }
        lines.append((line.dropFirst(prefix.count).prefix(10), lines.count, line))
      }
    }
    return lines.sorted { ($0.key, $0.order) < ($1.key, $1.order) }.map { $0.line + "\n" }.joined()
  }

  // MARK: Manifests

  /// Which export two shards' manifests disagree on, in words: a file only one read, or the
  /// same file with different contents (SHA-256).
  static func exportDifference(_ one: [(path: String, sha256: String)], _ other: [(path: String, sha256: String)]) -> String {
    for (a, b) in zip(one, other) where a != b {
      if a.path == b.path { return "\(a.path) (its contents differ: SHA-256 \(a.sha256.prefix(12))... and \(b.sha256.prefix(12))...)" }
      return "which files they read (\(a.path) and \(b.path))"
    }
    return "how many exports they read (\(one.count) and \(other.count))"
  }

  static func checkCompatible(_ shards: [ShardOutputs]) throws {
    guard let first = shards.first else { throw MergeError.inconsistent("no shard directories given") }
    for key in ["as_of", "rules_sha256", "command"] {
      let values = Set(shards.map { $0.manifest[key] as? String ?? "" })
      guard values.count == 1 else { throw MergeError.inconsistent("the shards differ in \(key): \(values.sorted().joined(separator: ", "))") }
    }
    // Shards split by a keyed hash: made with different keys, they hold overlapping children
    // and miss others. The fingerprint shows it without the key.
    let keys = Set(shards.map { $0.manifest["key_fingerprint"] as? String ?? "" })
    guard keys.count == 1, keys.first?.isEmpty == false else {
      throw MergeError.inconsistent(
        "the shards were made with different pseudonymisation keys (key fingerprints \(keys.sorted().map { $0.isEmpty ? "none" : $0 }.joined(separator: ", "))): some children would be in two shards and others in none; run every shard with the same ASTHMA_SURVEILLANCE_KEY_FILE")
    }
    let inputs = shards.map { ($0.manifest["inputs"] as? [[String: Any]] ?? []).map { ($0["path"] as? String ?? "", $0["sha256"] as? String ?? "") } }
    for (shard, read) in zip(shards, inputs) where !read.elementsEqual(inputs[0], by: ==) {
      throw MergeError.inconsistent(
        "the shards read different exports: \(first.directory.lastPathComponent) and \(shard.directory.lastPathComponent) differ in "
          + Self.exportDifference(inputs[0], read))
    }
    let parts = shards.compactMap { ($0.manifest["shard"] as? String).flatMap(Shard.init) }
    guard parts.count == shards.count, let count = parts.first?.count, parts.allSatisfy({ $0.count == count }),
      Set(parts.map(\.index)) == Set(1...count)
    else {
      throw MergeError.inconsistent("need every shard 1/N to N/N exactly once; got \(parts.map(\.description).joined(separator: ", ")) from \(shards.count) director\(shards.count == 1 ? "y" : "ies")")
    }
    _ = first
  }

  /// `summingRows`: the shards read a partition, each its own rows, so each file's counts are
  /// the sum of theirs; otherwise every shard counted every row, and the first's are taken.
  static func mergedManifest(_ shards: [ShardOutputs], toolVersion: String, seconds: Double, startedAt: String, summingRows: Bool = false) throws -> RunManifest {
    let first = shards[0].manifest
    let inputsPerShard = shards.map { $0.manifest["inputs"] as? [[String: Any]] ?? [] }
    var reports: [InputFileReport] = []
    for (index, input) in inputsPerShard[0].enumerated() {
      guard let kind = InputKind(rawValue: input["kind"] as? String ?? "") else { throw MergeError.inconsistent("unknown input kind in a manifest") }
      var report = InputFileReport(
        path: input["path"] as? String ?? "", kind: kind, profile: input["profile"] as? String ?? "",
        sha256: input["sha256"] as? String ?? "", bytes: input["bytes"] as? Int ?? 0, encoding: input["encoding"] as? String ?? "")
      let counted = summingRows ? inputsPerShard.map { $0[index] } : [input]
      func sum(_ key: String) -> Int { counted.reduce(0) { $0 + ($1[key] as? Int ?? 0) } }
      func sum(_ section: String, _ key: String) -> Int? {
        let values = counted.compactMap { ($0[section] as? [String: Int])?[key] }
        return values.isEmpty ? nil : values.reduce(0, +)
      }
      report.rowsRead = sum("rows_read")
      report.rowsRejected = sum("rows_rejected")
      // Duplicates are found among each shard's own children: add them up.
      report.duplicates = inputsPerShard.reduce(0) { $0 + (($1[index]["accepted"] as? [String: Int])?["duplicate"] ?? 0) }
      report.used = (sum("accepted", "used") ?? 0) + (sum("accepted", "duplicate") ?? 0)
      for why in OutOfScope.allCases { report.outOfScope[why] = sum("accepted", why.rawValue) }
      for reason in RejectReason.allCases {
        if let count = sum("rejected_by_reason", reason.rawValue) { report.rejectedByReason[reason] = count }
      }
      report.unclassifiedRespiratoryRows = sum("products", "unclassified_respiratory_rows") ?? 0
      report.codeNameConflictRows = sum("products", "code_name_conflict_rows") ?? 0
      reports.append(report)
    }
    var excluded: [Exclusion: Int] = [:]
    var signals: [String: [Severity: Int]] = [:]
    var children = 0
    for shard in shards {
      let section = shard.manifest["children"] as? [String: Any] ?? [:]
      children += section["count"] as? Int ?? 0
      for (why, count) in section["excluded"] as? [String: Int] ?? [:] {
        if let why = Exclusion(rawValue: why) { excluded[why, default: 0] += count }
      }
      let byRule = (shard.manifest["signals"] as? [String: Any])?["by_rule"] as? [String: [String: Int]] ?? [:]
      for (rule, counts) in byRule {
        for (severity, count) in counts { if let severity = Severity(rawValue: severity) { signals[rule, default: [:]][severity, default: 0] += count } }
      }
    }
    let failures = shards.compactMap { $0.manifest["failure"] as? String }
    var manifest = RunManifest(
      command: "nightly", toolVersion: toolVersion, asOf: CalendarDate(iso: first["as_of"] as? String ?? "") ?? CalendarDate(dayNumber: 0),
      rulesVersion: first["rules_version"] as? String ?? "", rulesSHA256: first["rules_sha256"] as? String ?? "",
      status: failures.isEmpty ? "ok" : "failed", failure: failures.first, maxRejectRate: first["max_reject_rate"] as? Double ?? 0,
      inputs: reports, childrenCount: children, excluded: excluded, signalsByRule: signals,
      outputs: ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv", "unclassified-products.csv", "manifest.json"],
      timings: [("merge", seconds)], startedAt: startedAt, extra: [("merged_shards", String(shards.count))] + ["test_data", RunManifest.pharmacyDataFromKey].compactMap { key in (first[key] as? String).map { (key, $0) } })
    manifest.rulesSource = first["rules_source"] as? String
    let products = first["products"] as? [String: Int] ?? [:]
    manifest.unclassifiedProducts = products["unclassified_respiratory"] ?? 0
    manifest.conflictingProducts = products["code_name_conflict"] ?? 0
    let formulary = first["formulary"] as? [String: String] ?? [:]
    // In the order a nightly run writes them.
    manifest.formulary = Formulary.provenanceKeys.compactMap { key in formulary[key].map { (key, $0) } }
    return manifest
  }
}

/// One shard's output directory and its manifest.
struct ShardOutputs {
  let directory: URL
  let manifest: [String: Any]

  init(directory path: String) throws {
    directory = URL(fileURLWithPath: path, isDirectory: true)
    let data: Data
    do {
      data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
    } catch {
      throw MergeError.inconsistent("\(path): no manifest.json; is this the output of a nightly --shard run?")
    }
    manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  }
}

/// Why shard outputs cannot be merged.
public enum MergeError: Error, CustomStringConvertible {
  case inconsistent(String)
  /// Partitioned shards that together rejected more of a file's rows than the run allows.
  case tooManyRejected(String)
  public var description: String {
    switch self {
    case .inconsistent(let why): return "cannot merge: \(why)"
    case .tooManyRejected(let why): return "run failed: \(why)"
    }
  }
}
