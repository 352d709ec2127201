extension FormularyBuilder {
  /// Indexes every codelist row that a class claims by dm+d code, BNF code and exact name.
  /// Classes go in priority order, so where lists overlap the first class keeps the code.
  mutating func indexCodelists(_ codelists: [String: [[String]]]) throws {
    for (classIndex, medicineClass) in definition.classes.enumerated() {
      for (sourceIndex, source) in (medicineClass.codelists ?? []).enumerated() {
        guard let rows = codelists[source.file] else {
          throw FormularyError.missingCodelist(file: source.file, classID: medicineClass.id)
        }
        try index(rows, from: source, classIndex: classIndex, filters: rowFilters[classIndex][sourceIndex])
      }
    }
  }

  private mutating func index(
    _ rows: [[String]], from source: FormularyDefinition.CodelistSource, classIndex: Int, filters: CodelistRowFilter
  ) throws {
    let classID = classes[classIndex].id
    guard let header = rows.first else { throw FormularyError.emptyCodelist(file: source.file, classID: classID) }
    func column(_ name: String?, neededBy use: String? = nil) throws -> Int? {
      guard let name else {
        if let use { throw FormularyError.missingColumn(file: source.file, column: "(a name_column, for \(use))", classID: classID) }
        return nil
      }
      let wanted = NameText.normalise(name)
      guard let position = header.firstIndex(where: { NameText.normalise($0) == wanted }) else {
        throw FormularyError.missingColumn(file: source.file, column: name, classID: classID)
      }
      return position
    }
    let dmdColumn = try column(source.dmdColumn)!
    let bnfColumn = try column(source.bnfColumn, neededBy: source.includeBnf == nil ? nil : "include_bnf")
    let needsName = source.includeNames != nil || source.excludeNames != nil
    let nameColumn = try column(source.nameColumn, neededBy: needsName ? "include_names/exclude_names" : nil)
    let includeBnf = try bnfPatterns(source.includeBnf ?? [], classID: classID)
    let (includeNames, excludeNames) = (filters.include, filters.exclude)
    let length = bnfFormat.presentationLength

    for row in rows.dropFirst() {
      func field(_ position: Int?) -> String? {
        guard let position, position < row.count else { return nil }
        return row[position]
      }
      guard let dmd = ProductCodes.cleanDMD(field(dmdColumn)) else { continue }
      let bnf = ProductCodes.cleanBNF(field(bnfColumn))
      let name = field(nameColumn).map(NameText.normalise).flatMap { $0.isEmpty ? nil : $0 }
      let terms = name.map(matcher.matches(in:))
      if !includeBnf.isEmpty, !(bnf.map { code in includeBnf.contains { $0.matches(code, presentationLength: length) } } ?? false) {
        continue
      }
      if !includeNames.isEmpty, !(terms.map { found in includeNames.contains { $0.matches(found) } } ?? false) { continue }
      if let terms, excludeNames.contains(where: { $0.matches(terms) }) { continue }

      let medicineClass = classes[classIndex]
      func classified(_ method: MatchMethod) -> ProductClassification {
        medicineClass.classification(bnf: bnf, terms: terms, matchedBy: method, presentationLength: length)
      }
      if byDMD[dmd] == nil { byDMD[dmd] = classified(.dmdCode) }
      if let bnf, byBNF[bnf] == nil { byBNF[bnf] = classified(.bnfCode) }
      if let name, byName[name] == nil { byName[name] = classified(.name) }
    }
  }
}
