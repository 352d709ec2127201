import Foundation
import Testing

/// `nightly --shard I/N` on every shard, then `merge`, gives what one run gives.
@Suite(.serialized)
struct ShardMergeTests {
  @Test func threeShardsMergedEqualTheSingleRunOnTheSamples() throws {
    let work = CommandRunner.temporaryDirectory("shards")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let key = work.appendingPathComponent("key")
    try Data((0..<32).map { UInt8($0 * 13 % 251) }).write(to: key)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
    let environment = ["ASTHMA_SURVEILLANCE_KEY_FILE": key.path]

    // Read in passes of 3,000 rows: a shard plans its passes from its own children's rows,
    // so it reads the exports fewer times than the whole area needs.
    let passRows = ["--pass-rows", "3000"]
    let single = work.appendingPathComponent("single")
    #expect(try CommandRunner.run(NightlyCommandTests.nightlyArguments(out: single) + passRows).status == 0)
    let singlePasses = try #require(Int(try manifest(in: single)["reading_passes"] as? String ?? ""))
    var shardDirectories: [String] = []
    var childrenPerShard: [Int] = []
    for index in 1...3 {
      let out = work.appendingPathComponent("shard-\(index)")
      let result = try CommandRunner.run(NightlyCommandTests.nightlyArguments(out: out) + ["--shard", "\(index)/3"] + passRows, environment: environment)
      #expect(result.status == 0, "\(result.stderr)")
      shardDirectories.append(out.path)
      childrenPerShard.append(try #require((try manifest(in: out)["children"] as? [String: Any])?["count"] as? Int))
      let passes = Int(try manifest(in: out)["reading_passes"] as? String ?? "1") ?? 1
      #expect(passes < singlePasses, "shard \(index) read in \(passes) passes, the whole area in \(singlePasses)")
    }
    #expect(childrenPerShard.allSatisfy { $0 > 0 }, "every shard should hold some children: \(childrenPerShard)")

    let merged = work.appendingPathComponent("merged")
    let result = try CommandRunner.run(["merge", "--out", merged.path] + shardDirectories.reversed())
    #expect(result.status == 0, "\(result.stderr)")
    for name in ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv"] {
      let a = try Data(contentsOf: single.appendingPathComponent(name))
      let b = try Data(contentsOf: merged.appendingPathComponent(name))
      #expect(a == b, "\(name) differs between the single run and the merged shards")
    }
    // The manifests agree on every count.
    let one = try manifest(in: single)
    let many = try manifest(in: merged)
    for section in ["inputs", "totals", "children", "signals"] {
      let a = try JSONSerialization.data(withJSONObject: one[section]!, options: [.sortedKeys])
      let b = try JSONSerialization.data(withJSONObject: many[section]!, options: [.sortedKeys])
      #expect(a == b, "manifest section \(section) differs")
    }
  }

  @Test func mergingAnIncompleteSetOfShardsIsRefused() throws {
    let work = CommandRunner.temporaryDirectory("shards-missing")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let key = work.appendingPathComponent("key")
    try Data(repeating: 9, count: 32).write(to: key)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
    let out = work.appendingPathComponent("shard-1")
    #expect(try CommandRunner.run(NightlyCommandTests.nightlyArguments(out: out) + ["--shard", "1/2"], environment: ["ASTHMA_SURVEILLANCE_KEY_FILE": key.path]).status == 0)
    let result = try CommandRunner.run(["merge", "--out", work.appendingPathComponent("m").path, out.path])
    #expect(result.status != 0)
    #expect(result.stderr.contains("every shard"))
  }

  /// Shards split by different keys hold some children twice and miss others: refused,
  /// naming the difference, without printing either key.
  @Test func shardsMadeWithDifferentKeysAreRefused() throws {
    let work = CommandRunner.temporaryDirectory("shards-keys")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    var shards: [String] = []
    for index in 1...2 {
      let key = work.appendingPathComponent("key-\(index)")
      try Data(repeating: UInt8(index), count: 32).write(to: key)
      try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
      let out = work.appendingPathComponent("shard-\(index)")
      let run = try CommandRunner.run(
        NightlyCommandTests.nightlyArguments(out: out) + ["--shard", "\(index)/2"], environment: ["ASTHMA_SURVEILLANCE_KEY_FILE": key.path])
      #expect(run.status == 0, "\(run.stderr)")
      shards.append(out.path)
    }
    let result = try CommandRunner.run(["merge", "--out", work.appendingPathComponent("merged").path] + shards)
    #expect(result.status != 0)
    #expect(result.stderr.contains("different pseudonymisation keys"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("merged/children.csv").path))
  }

  /// An export that changed between two shards' runs (a late file landing mid-way) makes
  /// shards of two different areas: refused, naming the file.
  @Test func shardsThatReadAnExportWithDifferentContentsAreRefused() throws {
    let work = CommandRunner.temporaryDirectory("shards-exports")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let key = work.appendingPathComponent("key")
    try Data(repeating: 7, count: 32).write(to: key)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
    let gp = work.appendingPathComponent("gp.csv")
    try FileManager.default.copyItem(atPath: "data-samples/gp.csv", toPath: gp.path)
    var shards: [String] = []
    for index in 1...2 {
      if index == 2 {
        let handle = try FileHandle(forWritingTo: gp)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n".utf8))
        try handle.close()
      }
      let out = work.appendingPathComponent("shard-\(index)")
      let arguments = NightlyCommandTests.nightlyArguments(out: out).map { $0 == "data-samples/gp.csv" ? gp.path : $0 }
      let run = try CommandRunner.run(arguments + ["--shard", "\(index)/2"], environment: ["ASTHMA_SURVEILLANCE_KEY_FILE": key.path])
      #expect(run.status == 0, "\(run.stderr)")
      shards.append(out.path)
    }
    let result = try CommandRunner.run(["merge", "--out", work.appendingPathComponent("merged").path] + shards)
    #expect(result.status != 0)
    #expect(result.stderr.contains("shard-1 and shard-2 differ in \(gp.path) (its contents differ"), "\(result.stderr)")
  }

  @Test func aShardWithoutAKeyIsAClearError() throws {
    let out = CommandRunner.temporaryDirectory("shard-nokey")
    let result = try CommandRunner.run(NightlyCommandTests.nightlyArguments(out: out) + ["--shard", "1/2"], environment: ["ASTHMA_SURVEILLANCE_KEY_FILE": "", "ASTHMA_SURVEILLANCE_KEY": ""])
    #expect(result.status != 0)
    #expect(result.stderr.contains("pseudonymisation key"))
  }
}
