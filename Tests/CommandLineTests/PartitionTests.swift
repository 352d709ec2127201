import CSVReading
import Foundation
import Testing

/// `partition`, then `nightly --partitioned --shard I/N` on each part, then `merge`: what one
/// run gives, with every row of the exports read by exactly one shard.
@Suite(.serialized)
struct PartitionTests {
  static let sampleInputs = [
    "--gp", "data-samples/gp.csv", "data-samples/gp-emis.csv",
    "--pharmacy", "data-samples/pharmacy.csv", "data-samples/pharmacy-pmr.csv",
    "--safeguarding", "data-samples/safeguarding.csv", "data-samples/safeguarding-la.csv",
    "--care-events", "data-samples/care-events.csv", "data-samples/care-events-emis.csv",
  ]

  /// A fresh work directory with an owner-only key in it; returns both.
  static func workWithKey(_ name: String, keyByte: UInt8 = 5) throws -> (URL, [String: String]) {
    let work = CommandRunner.temporaryDirectory(name)
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let key = work.appendingPathComponent("key")
    try Data((0..<32).map { UInt8($0) &* 17 &+ keyByte }).write(to: key)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
    return (work, ["ASTHMA_SURVEILLANCE_KEY_FILE": key.path])
  }

  /// Partitions `inputs` into `shards`, runs every shard and merges them; returns the merged
  /// directory and the shards' directories.
  static func partitionRunAndMerge(
    _ inputs: [String], shards: Int, work: URL, environment: [String: String], nightly extra: [String] = []
  ) throws -> (merged: URL, shards: [URL], mergeResult: CommandRunner.Output) {
    let partition = work.appendingPathComponent("partition")
    let split = try CommandRunner.run(["partition"] + inputs + ["--shards", "\(shards)", "--out", partition.path], environment: environment)
    #expect(split.status == 0, "\(split.stderr)")
    var directories: [URL] = []
    for index in 1...shards {
      let out = work.appendingPathComponent("shard-\(index)")
      let run = try CommandRunner.run(
        ["nightly", "--partitioned", partition.path, "--shard", "\(index)/\(shards)", "--as-of", "2026-11-21", "--out", out.path] + extra,
        environment: environment)
      #expect(run.status == 0, "\(run.stderr)")
      directories.append(out)
    }
    let merged = work.appendingPathComponent("merged")
    let result = try CommandRunner.run(["merge", "--out", merged.path] + directories.reversed().map(\.path))
    return (merged, directories, result)
  }

  static func manifest(in directory: URL) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("manifest.json"))) as? [String: Any] ?? [:]
  }

  /// The merged outputs and the manifest's counts, byte for byte those of one run.
  static func expectSameAsSingleRun(_ merged: URL, _ single: URL) throws {
    for name in ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv", "unclassified-products.csv"] {
      let a = try Data(contentsOf: single.appendingPathComponent(name))
      let b = try Data(contentsOf: merged.appendingPathComponent(name))
      #expect(a == b, "\(name) differs between the single run and the merged partitioned shards")
    }
    let one = try manifest(in: single)
    let many = try manifest(in: merged)
    for section in ["inputs", "totals", "products", "children", "signals"] {
      let a = try JSONSerialization.data(withJSONObject: one[section]!, options: [.sortedKeys])
      let b = try JSONSerialization.data(withJSONObject: many[section]!, options: [.sortedKeys])
      #expect(a == b, "manifest section \(section) differs")
    }
  }

  @Test func partitionedShardsMergedEqualTheSingleRunOnTheSamples() throws {
    let (work, environment) = try Self.workWithKey("partition-samples")
    let single = work.appendingPathComponent("single")
    let run = try CommandRunner.run(["nightly"] + Self.sampleInputs + ["--as-of", "2026-11-21", "--out", single.path])
    #expect(run.status == 0, "\(run.stderr)")
    // Each shard reads its parts in several passes too: the passes' first reads hold the
    // original names and checksums, every pass the original lines.
    let (merged, shards, result) = try Self.partitionRunAndMerge(
      Self.sampleInputs, shards: 3, work: work, environment: environment, nightly: ["--pass-rows", "1000"])
    #expect(result.status == 0, "\(result.stderr)")
    try Self.expectSameAsSingleRun(merged, single)
    #expect((try Self.manifest(in: shards[0])["reading_passes"] as? String).map { Int($0)! > 1 } == true)
    // Each shard read a third or so of the rows, not all of them.
    let total = try #require((try Self.manifest(in: single)["totals"] as? [String: Int])?["rows_read"])
    for shard in shards {
      let read = try #require((try Self.manifest(in: shard)["totals"] as? [String: Int])?["rows_read"])
      #expect(read > 0 && read < total / 2, "\(shard.lastPathComponent) read \(read) of \(total) rows")
    }
  }

  /// Flagged products are tallied in every shard that saw a row of them: merged, one row each
  /// with the area's count, first and last date and earliest example.
  @Test func flaggedProductsSeenInSeveralShardsMergeAsOneRunListsThem() throws {
    let (work, environment) = try Self.workWithKey("partition-products")
    var gp = ProductRecognitionCommandTests.gp
    for (index, child) in ["9998101018", "9998101026", "9998101042", "9998101050", "9998101085"].enumerated() {
      gp += "\(child),2015-01-01,Z80001,2026-0\(index + 2)-03,999000101000001100,,,200,dose,acute,G8000001,\n"
      gp += "\(child),2015-01-01,Z80001,2026-0\(index + 3)-04,222311000001102,,Salbutamol 2.5mg/2.5ml nebuliser liquid unit dose vials,20,unit dose,acute,G8000001,\n"
    }
    let gpFile = work.appendingPathComponent("gp.csv")
    let pharmacyFile = work.appendingPathComponent("pharmacy.csv")
    try Data(gp.utf8).write(to: gpFile)
    try Data(ProductRecognitionCommandTests.pharmacy.utf8).write(to: pharmacyFile)
    let inputs = ["--gp", gpFile.path, "--pharmacy", pharmacyFile.path]
    let single = work.appendingPathComponent("single")
    #expect(try CommandRunner.run(["nightly"] + inputs + ["--as-of", "2026-11-21", "--out", single.path]).status == 0)
    let (merged, _, result) = try Self.partitionRunAndMerge(inputs, shards: 3, work: work, environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    try Self.expectSameAsSingleRun(merged, single)
    let products = try String(contentsOf: merged.appendingPathComponent("unclassified-products.csv"), encoding: .utf8)
    #expect(products.split(separator: "\n").count == 3, "\(products)")
  }

  /// Every record after each export's header is in exactly one shard's part, with the line it
  /// started on in the export; every part starts with the export's header; all owner-only.
  @Test func everyRowLandsInExactlyOneShardWithItsOriginalLine() throws {
    let (work, environment) = try Self.workWithKey("partition-rows")
    // A quoted line break, an escaped quote, a blank line and a row naming no child.
    let gp = work.appendingPathComponent("gp.csv")
    var text = try String(contentsOfFile: "data-samples/gp.csv", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).prefix(40).joined(separator: "\n")
    text += "\n\n9999999999,2015-01-01,Z80001,2026-03-01,,,\"Salbutamol \"\"Easi\n-Breathe\"\"\",1,inhaler,acute,G8000001,\nnot a number,x\n"
    try Data(text.utf8).write(to: gp)
    let inputs = ["--gp", gp.path, "--pharmacy", "data-samples/pharmacy.csv", "--care-events", "data-samples/care-events.csv"]
    let partition = work.appendingPathComponent("partition")
    let split = try CommandRunner.run(["partition"] + inputs + ["--shards", "4", "--out", partition.path], environment: environment)
    #expect(split.status == 0, "\(split.stderr)")
    let mode = try FileManager.default.attributesOfItem(atPath: partition.path)[.posixPermissions] as? Int
    #expect(mode == 0o700)
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: partition.appendingPathComponent("partition.json"))) as? [String: Any] ?? [:]
    let described = try #require(manifest["inputs"] as? [[String: Any]])
    #expect(described.map { $0["path"] as? String } == [gp.path, "data-samples/pharmacy.csv", "data-samples/care-events.csv"])
    for input in described {
      let path = try #require(input["path"] as? String)
      var original: [(line: Int, fields: [String])] = []
      try CSVReader.read(fileAt: path) { original.append(($0.lineNumber, $0.fields)) }
      let header = original.removeFirst()
      #expect(input["rows"] as? Int == original.count)
      var fromParts: [(line: Int, fields: [String])] = []
      for part in try #require(input["parts"] as? [[String: Any]]) {
        let file = partition.appendingPathComponent(try #require(part["file"] as? String))
        let lines = try String(contentsOf: partition.appendingPathComponent(try #require(part["line_numbers"] as? String)), encoding: .utf8)
          .split(separator: "\n").map { Int($0)! }
        for name in [file.path, file.path + ".lines"] {
          #expect(try FileManager.default.attributesOfItem(atPath: name)[.posixPermissions] as? Int == 0o600, "\(name)")
        }
        var records: [[String]] = []
        try CSVReader.read(fileAt: file.path) { records.append($0.fields) }
        #expect(records.count == lines.count, "\(file.lastPathComponent): one line number a record")
        #expect(records.first == header.fields && lines.first == header.line, "\(file.lastPathComponent) starts with the export's header")
        fromParts += zip(lines, records).dropFirst().map { ($0, $1) }
      }
      let sortedParts = fromParts.sorted { $0.line < $1.line }
      #expect(sortedParts.map(\.line) == original.map(\.line), "\(path): every row once, by its original line")
      #expect(sortedParts.map(\.fields) == original.map(\.fields), "\(path): every row's fields as read")
    }
  }

  /// A rejected row read by a shard names the original export and the row's line in it.
  @Test func aRejectInAShardNamesTheOriginalFileAndLine() throws {
    let (work, environment) = try Self.workWithKey("partition-reject")
    let gp = work.appendingPathComponent("gp.csv")
    var lines = try String(contentsOfFile: "data-samples/gp.csv", encoding: .utf8).split(separator: "\n").prefix(60).map(String.init)
    // Line 50: a child's reliever (line 12's) with a date that is not one, the child's NHS
    // number kept, so the row goes to that child's shard, not to shard 1.
    var cells = lines[11].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    cells[3] = "31/02/2026x"
    lines[49] = cells.joined(separator: ",")
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: gp)
    let single = work.appendingPathComponent("single")
    let inputs = ["--gp", gp.path, "--pharmacy", "data-samples/pharmacy.csv"]
    #expect(try CommandRunner.run(["nightly"] + inputs + ["--as-of", "2026-11-21", "--out", single.path]).status == 0)
    let (merged, shards, result) = try Self.partitionRunAndMerge(inputs, shards: 3, work: work, environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    var found: [String] = []
    for shard in shards {
      try CSVReader.read(fileAt: shard.appendingPathComponent("rejects.csv").path) { record in
        let fields = record.fields
        if fields[0] == gp.path && fields[1] == "50" { found.append(shard.lastPathComponent + ":" + fields[2]) }
      }
    }
    #expect(found.count == 1 && found[0].hasSuffix(":invalid_date"), "\(found)")
    try Self.expectSameAsSingleRun(merged, single)
  }

  @Test func aPartitionMadeWithAnotherKeyIsRefused() throws {
    let (work, environment) = try Self.workWithKey("partition-key")
    let partition = work.appendingPathComponent("partition")
    #expect(try CommandRunner.run(["partition", "--gp", "data-samples/gp.csv", "--shards", "2", "--out", partition.path], environment: environment).status == 0)
    let (_, other) = try Self.workWithKey("partition-key-other", keyByte: 9)
    let run = try CommandRunner.run(
      ["nightly", "--partitioned", partition.path, "--shard", "1/2", "--as-of", "2026-11-21", "--out", work.appendingPathComponent("s").path], environment: other)
    #expect(run.status == 1)
    #expect(run.stderr.contains("partitioned with a different pseudonymisation key"), "\(run.stderr)")
    let count = try CommandRunner.run(
      ["nightly", "--partitioned", partition.path, "--shard", "1/3", "--as-of", "2026-11-21", "--out", work.appendingPathComponent("s").path], environment: environment)
    #expect(count.status == 1)
    #expect(count.stderr.contains("holds 2 shards, but --shard 1/3"), "\(count.stderr)")
    let mixed = try CommandRunner.run(
      ["nightly", "--partitioned", partition.path, "--gp", "data-samples/gp.csv", "--shard", "1/2", "--out", work.appendingPathComponent("s").path], environment: environment)
    #expect(mixed.status == 64, "\(mixed.stderr)")
  }

  /// A part changed after partitioning would have its rows named by the wrong lines: refused.
  @Test func aPartChangedAfterPartitioningIsRefused() throws {
    let (work, environment) = try Self.workWithKey("partition-changed")
    let partition = work.appendingPathComponent("partition")
    #expect(try CommandRunner.run(["partition", "--gp", "data-samples/gp.csv", "--shards", "2", "--out", partition.path], environment: environment).status == 0)
    let part = partition.appendingPathComponent("shard-2.1-gp.csv")
    let handle = try FileHandle(forWritingTo: part)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("\n".utf8))
    try handle.close()
    let run = try CommandRunner.run(
      ["nightly", "--partitioned", partition.path, "--shard", "2/2", "--as-of", "2026-11-21", "--out", work.appendingPathComponent("s").path], environment: environment)
    #expect(run.status == 1)
    #expect(run.stderr.contains("is not the one `partition` wrote"), "\(run.stderr)")
  }

  /// Shards of a partition each see a share of a file's rows (shard 1 all that name no child),
  /// so the reject rate is the merge's to check, over the whole file.
  @Test func mergeFailsWhenTheShardsTogetherRejectTooManyOfAFilesRows() throws {
    let (work, environment) = try Self.workWithKey("partition-rate")
    let (merged, _, result) = try Self.partitionRunAndMerge(
      ["--gp", "data-samples/gp.csv", "--pharmacy", "data-samples/pharmacy.csv"], shards: 2, work: work, environment: environment,
      nightly: ["--max-reject-rate", "0"])
    #expect(result.status == 3, "\(result.stderr)")
    #expect(result.stderr.contains("data-samples/gp.csv:") && result.stderr.contains("across the shards"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: merged.appendingPathComponent("children.csv").path))
  }

  @Test func shardsOfAPartitionAndOfTheWholeExportsAreNotMerged() throws {
    let (work, environment) = try Self.workWithKey("partition-mixed")
    let inputs = ["--gp", "data-samples/gp.csv", "--pharmacy", "data-samples/pharmacy.csv"]
    let (_, shards, _) = try Self.partitionRunAndMerge(inputs, shards: 2, work: work, environment: environment)
    let whole = work.appendingPathComponent("whole-2")
    #expect(try CommandRunner.run(["nightly"] + inputs + ["--as-of", "2026-11-21", "--shard", "2/2", "--out", whole.path], environment: environment).status == 0)
    let result = try CommandRunner.run(["merge", "--out", work.appendingPathComponent("m").path, shards[0].path, whole.path])
    #expect(result.status == 1)
    #expect(result.stderr.contains("some shards read a partition"), "\(result.stderr)")
  }
}
