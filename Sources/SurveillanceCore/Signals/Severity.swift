/// How soon a signal needs someone's attention. Ordered: `review` < `priority` < `urgent`.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
  /// Look at this at the next routine opportunity (asthma review, medication review).
  case review
  /// Contact the family or the practice soon.
  case priority
  /// Act now: this pattern precedes asthma deaths.
  case urgent

  public static func < (lhs: Severity, rhs: Severity) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }

  /// One level higher; `urgent` stays `urgent`.
  public func raised(by levels: Int) -> Severity {
    let index = min(Self.allCases.count - 1, Self.allCases.firstIndex(of: self)! + levels)
    return Self.allCases[index]
  }
}
