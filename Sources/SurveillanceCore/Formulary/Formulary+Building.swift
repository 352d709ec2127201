extension Formulary {
  /// Builds a formulary from its definition and the codelists it names.
  ///
  /// - Parameter codelists: file name (as `formulary.json` writes it) to parsed CSV rows, header
  ///   row first.
  /// - Throws: ``FormularyError`` naming the file and class: a missing codelist or column, an
  ///   unknown term set or source, a number that is not positive, a class or number with no source.
  public init(definition: FormularyDefinition, codelists: [String: [[String]]]) throws {
    var builder = try FormularyBuilder(definition: definition)
    try builder.compileClasses()
    let safetyNet = try builder.compileSafetyNet()
    let dmdRules = try builder.compileDMDRules()
    builder.matcher.compile()
    try builder.indexCodelists(codelists)

    version = definition.version
    courseMergeDays = definition.oralSteroidCourses.courseMergeDays
    doseThreshold = definition.quantity.doseThreshold
    quantityUnits = try QuantityUnitTable(definition.quantityUnits)
    bnfFormat = builder.bnfFormat
    matcher = builder.matcher
    classes = builder.classes
    classIndex = Dictionary(uniqueKeysWithValues: builder.classes.enumerated().map { ($1.id, $0) })
    byDMD = builder.byDMD
    byBNF = builder.byBNF
    byName = builder.byName
    (bnfRulesBySection, bnfRulesForAnySection) = builder.bnfRuleIndex()
    namePatterns = builder.namePatterns
    self.safetyNet = safetyNet
    self.dmdRules = dmdRules
    packSizeChoice = definition.dmdRelease.packSize
    conflictRank = Dictionary(definition.conflicts.precedence.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
  }
}

/// Which rows of a codelist a class takes, by name.
struct CodelistRowFilter {
  var include: [CompiledNamePattern]
  var exclude: [CompiledNamePattern]
}

/// The work of turning a definition into look-up tables, with the checks a definition must pass.
struct FormularyBuilder {
  let definition: FormularyDefinition
  let bnfFormat: BNFCodeFormat
  let sourceIDs: Set<String>
  let termSets: [String: [String]]
  var matcher = TermMatcher()
  var classes: [CompiledMedicineClass] = []
  var bnfRules: [CompiledBNFRule] = []
  var namePatterns: [(classIndex: Int, pattern: CompiledNamePattern)] = []
  /// Name filters of each class's codelist sources, compiled with the other patterns so that
  /// their words are in the automaton.
  var rowFilters: [[CodelistRowFilter]] = []
  var byDMD: [String: ProductClassification] = [:]
  var byBNF: [String: ProductClassification] = [:]
  var byName: [String: ProductClassification] = [:]

  init(definition: FormularyDefinition) throws {
    self.definition = definition
    bnfFormat = try BNFCodeFormat(definition.bnfCodeStructure)
    sourceIDs = Set(definition.sources.map(\.id))
    termSets = Dictionary(definition.termSets.map { ($0.id, $0.terms) }, uniquingKeysWith: { first, _ in first })
    try checkSources(definition.bnfCodeStructure.sources, context: "bnf_code_structure")
    try checkSources(definition.quantity.sources, context: "quantity")
    try checkSources(definition.oralSteroidCourses.sources, context: "oral_steroid_courses")
    try checkSources(definition.quantityUnits.sources, context: "quantity_units")
    try checkSources(definition.safetyNet.sources, context: "safety_net")
    try checkSources(definition.conflicts.sources, context: "conflicts")
    try checkSources(definition.dmdRelease.sources, context: "dmd_release")
    for set in definition.termSets { try checkSources(set.sources ?? [], context: "term set '\(set.id)'", required: false) }
    let threshold = definition.quantity.doseThreshold
    guard threshold.isFinite, threshold > 0 else {
      throw FormularyError.invalidNumber(context: "quantity.dose_threshold", value: threshold)
    }
    let mergeDays = definition.oralSteroidCourses.courseMergeDays
    guard mergeDays > 0 else {
      throw FormularyError.invalidNumber(context: "oral_steroid_courses.course_merge_days", value: Double(mergeDays))
    }
  }

  func checkSources(_ ids: [String], context: String, required: Bool = true) throws {
    if required, ids.isEmpty { throw FormularyError.missingSource(context: context) }
    for id in ids where !sourceIDs.contains(id) { throw FormularyError.unknownSource(context: context, sourceID: id) }
  }

  // MARK: Classes, rules and patterns

  mutating func compileClasses() throws {
    var seen: Set<String> = []
    for (index, medicineClass) in definition.classes.enumerated() {
      let id = medicineClass.id
      guard seen.insert(id).inserted, id != Formulary.otherClassID, id != Formulary.unclassifiedClassID else {
        throw FormularyError.duplicateClass(classID: id)
      }
      try checkSources(medicineClass.sources, context: "class '\(id)'")
      classes.append(
        CompiledMedicineClass(
          id: id, role: medicineClass.role, containsICS: medicineClass.containsIcs, count: medicineClass.count,
          doses: try perDevice(medicineClass.dosesPerDevice, classID: id, field: "doses_per_device"),
          units: try perDevice(medicineClass.unitsPerDevice, classID: id, field: "units_per_device"),
          days: try perDevice(medicineClass.daysPerDevice, classID: id, field: "days_per_device"),
          minimumAgeYears: try licensedAge(medicineClass.licensedFromAge, classID: id)))
      for rule in medicineClass.bnfRules ?? [] {
        bnfRules.append(
          CompiledBNFRule(
            classIndex: index, patterns: try bnfPatterns(rule.bnfLike, classID: id),
            name: try rule.name.map { try compile($0, classID: id) },
            appliesWithoutName: rule.appliesWithoutName ?? false))
      }
      for pattern in medicineClass.namePatterns ?? [] {
        // A pattern that only excludes would claim every other name in every export.
        guard pattern.anyOf != nil || pattern.allOf?.isEmpty == false else {
          throw FormularyError.namePatternMatchesEverything(classID: id)
        }
        namePatterns.append((index, try compile(pattern, classID: id)))
      }
      rowFilters.append(
        try (medicineClass.codelists ?? []).map { source in
          CodelistRowFilter(
            include: try (source.includeNames ?? []).map { try compile($0, classID: id) },
            exclude: try (source.excludeNames ?? []).map { try compile($0, classID: id) })
        })
    }
  }

  mutating func perDevice(_ value: FormularyDefinition.PerDevice?, classID: String, field: String) throws -> CompiledPerDevice? {
    guard let value else { return nil }
    let context = "class '\(classID)' \(field)"
    try checkSources(value.sources, context: context)
    guard value.default > 0 else { throw FormularyError.invalidNumber(context: context, value: Double(value.default)) }
    var overrides: [CompiledPerDevice.Override] = []
    for (index, override) in (value.overrides ?? []).enumerated() {
      let overrideContext = "\(context).overrides[\(index)]"
      try checkSources(override.sources, context: overrideContext)
      guard override.value > 0 else { throw FormularyError.invalidNumber(context: overrideContext, value: Double(override.value)) }
      overrides.append(
        CompiledPerDevice.Override(
          bnf: try bnfPatterns(override.bnfLike ?? [], classID: classID),
          names: try (override.names ?? []).map { try compile($0, classID: classID) }, value: override.value))
    }
    return CompiledPerDevice(defaultValue: value.default, overrides: overrides)
  }

  /// Every class's dm+d release rules in priority order, compiled into the same automaton.
  mutating func compileDMDRules() throws -> [CompiledDMDRule] {
    var rules: [CompiledDMDRule] = []
    for (index, medicineClass) in definition.classes.enumerated() {
      for rule in medicineClass.dmdRules ?? [] {
        // A rule that only excludes would claim every VMP of the release.
        for pattern in [rule.ingredients, rule.formRoute] where pattern.anyOf == nil && pattern.allOf?.isEmpty != false {
          throw FormularyError.namePatternMatchesEverything(classID: medicineClass.id)
        }
        rules.append(
          CompiledDMDRule(
            classIndex: index, ingredients: try compile(rule.ingredients, classID: medicineClass.id),
            formRoute: try compile(rule.formRoute, classID: medicineClass.id),
            name: try rule.name.map { try compile($0, classID: medicineClass.id) }))
      }
    }
    return rules
  }

  /// The safety net's patterns, compiled into the same automaton as the classes' words.
  mutating func compileSafetyNet() throws -> CompiledSafetyNet {
    let net = definition.safetyNet
    let context = "safety_net"
    return CompiledSafetyNet(
      bnf: try bnfPatterns(net.bnfLike, classID: context),
      names: try net.names.map { try compile($0, classID: context) },
      units: Set(net.units.map(QuantityUnitTable.normalised)),
      pluralSuffixes: definition.quantityUnits.pluralSuffixes,
      notIfName: try net.notIfName.map { try compile($0, classID: context) },
      formRoutes: try compile(net.formRoutes, classID: context))
  }

  func licensedAge(_ age: FormularyDefinition.LicensedAge?, classID: String) throws -> Int? {
    guard let age else { return nil }
    try checkSources(age.sources, context: "class '\(classID)' licensed_from_age")
    guard (1...120).contains(age.years) else { throw FormularyError.invalidNumber(context: "class '\(classID)' licensed_from_age", value: Double(age.years)) }
    return age.years
  }

  func bnfPatterns(_ texts: [String], classID: String) throws -> [BNFPattern] {
    try texts.map { text in
      guard let pattern = BNFPattern(text) else { throw FormularyError.invalidBNFPattern(classID: classID, pattern: text) }
      return pattern
    }
  }

  mutating func compile(_ pattern: FormularyDefinition.NamePattern, classID: String) throws -> CompiledNamePattern {
    func ids(_ group: FormularyDefinition.TermGroup) throws -> [Int] {
      switch group {
      case .terms(let words): return words.map { matcher.add($0) }
      case .set(let setID):
        guard let words = termSets[setID] else { throw FormularyError.unknownTermSet(classID: classID, termSet: setID) }
        return words.map { matcher.add($0) }
      }
    }
    let compiled = CompiledNamePattern(
      anyOf: try pattern.anyOf.map { TermSetBits(try $0.flatMap(ids)) },
      allOf: try (pattern.allOf ?? []).map { TermSetBits(try ids($0)) },
      noneOf: TermSetBits(try (pattern.noneOf ?? []).flatMap(ids)))
    guard matcher.terms.count <= TermSetBits.capacity else {
      throw FormularyError.tooManyTerms(count: matcher.terms.count, limit: TermSetBits.capacity)
    }
    return compiled
  }

  /// Rules grouped by the chapter+section their patterns can match, each group in priority
  /// order and holding the short-pattern rules too.
  func bnfRuleIndex() -> ([Substring: [CompiledBNFRule]], [CompiledBNFRule]) {
    let sectionLength = bnfFormat.numericPrefixLength
    var forAnySection: [CompiledBNFRule] = []
    var bySection: [Substring: [(order: Int, rule: CompiledBNFRule)]] = [:]
    for (order, rule) in bnfRules.enumerated() {
      let sections = Set(rule.patterns.map { $0.prefix.prefix(sectionLength) })
      for section in sections where section.count == sectionLength {
        bySection[section, default: []].append((order, rule))
      }
      if sections.contains(where: { $0.count < sectionLength }) { forAnySection.append(rule) }
    }
    var index: [Substring: [CompiledBNFRule]] = [:]
    for (section, rules) in bySection {
      // A rule whose short pattern covers this section too keeps its place in priority order.
      let short = bnfRules.enumerated().filter { pair in
        pair.element.patterns.contains { $0.prefix.count < sectionLength && section.hasPrefix($0.prefix) }
      }
      var byOrder: [Int: CompiledBNFRule] = [:]
      for (order, rule) in rules { byOrder[order] = rule }
      for (order, rule) in short { byOrder[order] = rule }
      index[section] = byOrder.sorted { $0.key < $1.key }.map(\.value)
    }
    return (index, forAnySection)
  }
}
