extension Formulary {
  /// The product a rule example means by a bare role: the first formulary class with that
  /// role, with its default numbers. Examples thus count devices and preventer cover with
  /// the same data as real supplies.
  /// `classID`, when given, names the class instead (it must have `role`).
  public func exampleProduct(for role: MedicineRole, classID: String? = nil) -> ProductClassification {
    guard let match = classes.first(where: { $0.role == role && (classID == nil || $0.id == classID) }) else { return Self.other(matchedBy: .name) }
    return match.classification(bnf: nil, terms: nil, matchedBy: .name, presentationLength: bnfFormat.presentationLength)
  }
}
