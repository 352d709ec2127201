/// How printed reports are marked, and how pseudonymised ones keep small numbers back
/// (`rules/reports.json`): words and thresholds are policy, so they live in the rules with
/// their source, not in the renderer.
public struct ReportPolicy: Decodable, Sendable, Equatable {
  public struct ProtectiveMarking: Decodable, Sendable, Equatable {
    /// On every printed page of a report that identifies children; `nil` for none.
    public var identified: String?

    public init(identified: String?) { self.identified = identified }
  }

  public var protectiveMarking: ProtectiveMarking
  /// Small-number suppression in reports that do not identify children.
  public var disclosureControl: DisclosureControl

  public init(protectiveMarking: ProtectiveMarking, disclosureControl: DisclosureControl) {
    self.protectiveMarking = protectiveMarking
    self.disclosureControl = disclosureControl
  }

  private enum CodingKeys: String, CodingKey {
    case protectiveMarking = "protective_marking"
    case disclosureControl = "disclosure_control"
  }

  /// What is wrong with the file, beyond its shape.
  public var problems: [String] {
    var problems: [String] = []
    if let marking = protectiveMarking.identified, marking.allSatisfy(\.isWhitespace) {
      problems.append("protective_marking.identified is empty: give the marking, or leave the key out for none")
    }
    problems.append(contentsOf: disclosureControl.problems.map { "disclosure_control.\($0)" })
    return problems
  }
}

/// Statistical disclosure control for reports that do not identify children: a count of a
/// few children, read beside a practice or a signal, can point to one child, so counts from 1
/// to `suppressBelow - 1` are not published. Zero is: it describes no child.
public struct DisclosureControl: Decodable, Sendable, Equatable {
  /// The smallest count published; smaller ones, except zero, are shown as "fewer than" it.
  public var suppressBelow: Int

  public init(suppressBelow: Int) { self.suppressBelow = suppressBelow }

  private enum CodingKeys: String, CodingKey { case suppressBelow = "suppress_below" }

  /// Whether the count describes so few children that it is not published.
  public func isSmall(_ count: Int) -> Bool { count > 0 && count < suppressBelow }

  var problems: [String] {
    // "Fewer than 2" would say the count is 1.
    suppressBelow >= 3 ? [] : ["suppress_below is \(suppressBelow): it must be at least 3, or 'fewer than' gives the count away"]
  }
}
