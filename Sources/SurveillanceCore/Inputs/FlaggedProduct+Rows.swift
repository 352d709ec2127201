extension FlaggedProduct {
  /// Rows of several `unclassified-products.csv` tables (partitioned shards, each of which saw
  /// a share of every product's rows), as one table: what ``merged(_:)`` makes of the tallies
  /// behind them, one row per product in the same order. `example` is `file:line`, `file`
  /// one of `fileNames`, which give the files' order; the other cells are the first-seen
  /// row's, as the tally first seen gives them.
  public static func mergedRows(_ rows: [[String]], fileNames: [String]) -> [[String]] {
    let position = Dictionary(fileNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    func example(_ cell: String) -> (Int, Int)? {
      guard let colon = cell.lastIndex(of: ":"), let line = Int(cell[cell.index(after: colon)...]), let file = position[String(cell[..<colon])] else { return nil }
      return (file, line)
    }
    // Columns: finding, dmd_code, bnf_code, drug_name, class_used, role_used, detail, rows, first_date, last_date, example.
    var byKey: [[String]: [String]] = [:]
    for row in rows where row.count == 11 {
      let key = [row[0], row[1], row[2], NameText.normalise(row[3])]
      guard var known = byKey[key] else {
        byKey[key] = row
        continue
      }
      let earlier = example(row[10]).map { mine in example(known[10]).map { mine < $0 } ?? true } ?? false
      if earlier { (known[3], known[4], known[5], known[6], known[10]) = (row[3], row[4], row[5], row[6], row[10]) }
      known[7] = String((Int(known[7]) ?? 0) + (Int(row[7]) ?? 0))
      if !row[8].isEmpty, known[8].isEmpty || row[8] < known[8] { known[8] = row[8] }
      if !row[9].isEmpty, known[9].isEmpty || row[9] > known[9] { known[9] = row[9] }
      byKey[key] = known
    }
    return byKey.map { (key: $0.key, row: $0.value) }.sorted {
      ($0.row[0], -(Int($0.row[7]) ?? 0), $0.key.joined(separator: "\u{1}")) < ($1.row[0], -(Int($1.row[7]) ?? 0), $1.key.joined(separator: "\u{1}"))
    }.map(\.row)
  }
}
