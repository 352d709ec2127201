/// How printed reports are marked (`rules/reports.json`): words are policy, so they live in
/// the rules with their source, not in the renderer.
public struct ReportPolicy: Decodable, Sendable, Equatable {
  public struct ProtectiveMarking: Decodable, Sendable, Equatable {
    /// On every printed page of a report that identifies children; `nil` for none.
    public var identified: String?

    public init(identified: String?) { self.identified = identified }
  }

  public var protectiveMarking: ProtectiveMarking

  public init(protectiveMarking: ProtectiveMarking) { self.protectiveMarking = protectiveMarking }

  private enum CodingKeys: String, CodingKey { case protectiveMarking = "protective_marking" }

  /// What is wrong with the file, beyond its shape.
  public var problems: [String] {
    if let marking = protectiveMarking.identified, marking.allSatisfy(\.isWhitespace) {
      return ["protective_marking.identified is empty: give the marking, or leave the key out for none"]
    }
    return []
  }
}
