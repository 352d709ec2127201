import CSVReading
import Foundation
import SurveillanceCore

/// `merge` of shards that read a partition (`nightly --partitioned`): each shard read only its
/// own rows, so rejected rows and flagged products are put together from all of them, and
/// each file's counts (and its reject rate) are the sum of theirs.
extension MergeJob {
  /// Whether the shards read a partition; all of them, or none, and the same one.
  static func readPartitions(_ shards: [ShardOutputs]) throws -> Bool {
    let partitions = shards.map { $0.manifest["partition_sha256"] as? String }
    if partitions.allSatisfy({ $0 == nil }) { return false }
    guard partitions.allSatisfy({ $0 != nil }) else {
      throw MergeError.inconsistent("some shards read a partition (nightly --partitioned) and others the whole exports; run every shard the same way")
    }
    guard Set(partitions).count == 1 else {
      throw MergeError.inconsistent("the shards read different partitions of the exports (partition.json differs); run every shard on the same `partition` output")
    }
    return true
  }

  /// Every shard's rejected rows after one header, in file and line order, as one run writes them.
  static func mergeRejects(_ files: [URL], fileNames: [String]) throws -> String {
    let position = Dictionary(fileNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    var header: [String]?
    var rows: [(file: Int, line: Int, cells: [String])] = []
    for file in files {
      var first = true
      try CSVReader.read(fileAt: file.path) { record in
        let cells = record.fields
        if first {
          first = false
          if header == nil { header = cells } else if header != cells { throw MergeError.inconsistent("rejects.csv headers differ between shards") }
          return
        }
        guard cells.count >= 2, let index = position[cells[0]], let line = Int(cells[1]) else {
          throw MergeError.inconsistent("\(file.path): a rejected row names a file the shards did not read")
        }
        rows.append((index, line, cells))
      }
    }
    var csv = CSVOutput(header: header ?? [])
    for row in rows.sorted(by: { ($0.file, $0.line) < ($1.file, $1.line) }) { csv.append(row.cells) }
    return csv.text
  }

  /// Every shard's flagged products, one row a product, with how many of each finding.
  static func mergeProducts(_ files: [URL], fileNames: [String]) throws -> (csv: String, unclassified: Int, conflicting: Int) {
    var header: [String]?
    var rows: [[String]] = []
    for file in files {
      var first = true
      try CSVReader.read(fileAt: file.path) { record in
        let cells = record.fields
        if first {
          first = false
          if header == nil { header = cells } else if header != cells { throw MergeError.inconsistent("unclassified-products.csv headers differ between shards") }
          return
        }
        rows.append(cells)
      }
    }
    let merged = FlaggedProduct.mergedRows(rows, fileNames: fileNames)
    var csv = CSVOutput(header: header ?? [])
    for row in merged { csv.append(row) }
    let unclassified = merged.filter { $0.first == "unclassified_respiratory" }.count
    return (csv.text, unclassified, merged.count - unclassified)
  }

  /// The first file whose rows, all shards together, were rejected above the run's maximum.
  static func rejectRateFailure(_ manifest: RunManifest) -> String? {
    for report in manifest.inputs where report.rejectRate > manifest.maxRejectRate {
      return "\(report.path): \(Self.percent(report.rejectRate)) of rows rejected (\(report.rowsRejected) of \(report.rowsRead)) across the shards, above the maximum of \(Self.percent(manifest.maxRejectRate)); nothing merged; see each shard's rejects.csv for each row and reason"
    }
    return nil
  }

  private static func percent(_ rate: Double) -> String {
    let tenths = Int((rate * 1000).rounded())
    return "\(tenths / 10).\(tenths % 10)%"
  }
}
