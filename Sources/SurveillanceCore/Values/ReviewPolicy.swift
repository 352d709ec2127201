/// What a clinician may record after looking at a signal, and what each outcome does to the
/// worklist (`rules/reviews.json`): policy for a medicines team to set, so it lives in the rules.
public struct ReviewPolicy: Decodable, Sendable, Equatable {
  public struct Outcome: Decodable, Sendable, Equatable {
    public var id: String
    public var description: String
    /// Whether a signal reviewed with this outcome leaves the worklist until something changes.
    public var leavesWorklist: Bool
    /// Whether the review must say when to look again (`--until`), as a booked review does.
    public var requiresUntil: Bool

    public init(id: String, description: String, leavesWorklist: Bool, requiresUntil: Bool) {
      self.id = id
      self.description = description
      self.leavesWorklist = leavesWorklist
      self.requiresUntil = requiresUntil
    }

    private enum CodingKeys: String, CodingKey {
      case id, description
      case leavesWorklist = "leaves_worklist"
      case requiresUntil = "requires_until"
    }
  }

  public var outcomes: [Outcome]

  public init(outcomes: [Outcome]) { self.outcomes = outcomes }

  public func outcome(_ id: String) -> Outcome? { outcomes.first { $0.id == id } }

  /// What is wrong with the file, beyond its shape.
  public var problems: [String] {
    var problems: [String] = []
    if outcomes.isEmpty { problems.append("outcomes is empty: a review needs at least one outcome to record") }
    for id in Dictionary(grouping: outcomes, by: \.id).filter({ $0.value.count > 1 }).keys.sorted() {
      problems.append("two outcomes share the id '\(id)'")
    }
    for outcome in outcomes where outcome.id.isEmpty || !outcome.id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
      problems.append("outcome id '\(outcome.id)' should be letters, digits and hyphens, as typed after --outcome")
    }
    return problems
  }
}
