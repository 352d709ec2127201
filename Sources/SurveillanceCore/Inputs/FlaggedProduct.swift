/// One product the formulary could not classify, or classified against its name, with how
/// often it occurred: a line of `unclassified-products.csv`, so that a pharmacist can add the
/// product to a class.
public struct FlaggedProduct: Sendable, Hashable {
  public var finding: ProductFinding
  public var dmdCode: String?
  public var bnfCode: String?
  public var name: String?
  /// The classification the run used (`unclassified`, or the conflict's winner).
  public var kept: ProductClassification
  /// Supply rows naming the product with a valid date (children and adults alike).
  public var rows = 0
  public var firstDate: CalendarDate?
  public var lastDate: CalendarDate?
  /// The first row seen, to find one in the exports.
  public var example: SourceRef?

  public init(finding: ProductFinding, dmdCode: String?, bnfCode: String?, name: String?, kept: ProductClassification) {
    self.finding = finding
    self.dmdCode = dmdCode
    self.bnfCode = bnfCode
    self.name = name
    self.kept = kept
  }

  /// What makes two tallies the same product, whichever file they came from.
  public var key: [String] { [finding.kind, dmdCode ?? "", bnfCode ?? "", name.map(NameText.normalise) ?? ""] }

  /// Counts one row of the product.
  public mutating func count(on date: CalendarDate, at source: SourceRef) {
    rows += 1
    firstDate = Swift.min(firstDate ?? date, date)
    lastDate = Swift.max(lastDate ?? date, date)
    if example.map({ source < $0 }) ?? true { example = source }
  }

  /// The tallies of several files, one per product, in the order a pharmacist would work
  /// through them: unclassified before conflicts, most rows first.
  public static func merged(_ tallies: [FlaggedProduct]) -> [FlaggedProduct] {
    var byKey: [[String]: FlaggedProduct] = [:]
    for tally in tallies {
      guard var known = byKey[tally.key] else {
        byKey[tally.key] = tally
        continue
      }
      known.rows += tally.rows
      if let first = tally.firstDate { known.firstDate = Swift.min(known.firstDate ?? first, first) }
      if let last = tally.lastDate { known.lastDate = Swift.max(known.lastDate ?? last, last) }
      if let example = tally.example, known.example.map({ example < $0 }) ?? true { known.example = example }
      byKey[tally.key] = known
    }
    return byKey.values.sorted {
      ($0.finding.kind, -$0.rows, $0.key.joined(separator: "\u{1}")) < ($1.finding.kind, -$1.rows, $1.key.joined(separator: "\u{1}"))
    }
  }
}
