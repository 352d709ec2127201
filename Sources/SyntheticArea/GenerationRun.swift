import SurveillanceCore

/// Which group of patients is being generated, and into which files.
enum Cohort: UInt64 {
  /// The area's patients, in the canonical files.
  case canonical = 1
  /// Another practice and the pharmacies near it, in the real-world layouts.
  case realWorld = 2

  var files: (gp: SyntheticFile, pharmacy: SyntheticFile, safeguarding: SyntheticFile, events: SyntheticFile) {
    switch self {
    case .canonical: return (.gp, .pharmacy, .safeguarding, .careEvents)
    case .realWorld: return (.gpEMIS, .pharmacyPMR, .safeguardingLA, .careEventsEMIS)
    }
  }
}

/// One generation in progress: the streams, the output and the running summary.
struct GenerationRun {
  let spec: AreaSpec
  let catalogue: ProductCatalogue
  var output: ChunkedOutput
  var summary = GenerationSummary()
  private let root: SeededGenerator
  private var defects: DefectPlanner
  /// Layout choices in the real-world files (whether a row carries its code).
  private var layoutChoices: SeededGenerator
  /// Adults kept for padding rows (at most this many, to bound memory).
  private static let paddingReservoir = 100_000

  init(spec: AreaSpec, catalogue: ProductCatalogue, output: ChunkedOutput) {
    self.spec = spec
    self.catalogue = catalogue
    self.output = output
    root = SeededGenerator(seed: spec.seed)
    defects = DefectPlanner(generator: root.derived(7), enabled: spec.brokenRows)
    layoutChoices = root.derived(6)
  }

  private enum Kind { case childWithAsthma, childWithoutAsthma, adult }

  /// Generates every patient of `cohort`; returns adults for padding.
  mutating func cohort(_ cohort: Cohort) -> [Person] {
    let patients = cohort == .canonical ? spec.patients : spec.realWorldPatients
    let sites = Sites(patients: patients, series: cohort == .canonical ? 1 : 9)
    var numbers = cohort == .canonical ? TestNHSNumbers.canonical : TestNHSNumbers.realWorld
    let asthma = spec.childrenWithAsthmaPercent
    precondition((0...88).contains(asthma), "childrenWithAsthmaPercent must leave room for 12% other children")
    var kinds = ProportionalDeck([(Kind.childWithAsthma, asthma), (.childWithoutAsthma, 12), (.adult, 88 - asthma)], generator: root.derived(cohort.rawValue, 1))
    var patterns = ProportionalDeck(PlantedPattern.allCases.map { ($0, $0.share) }, generator: root.derived(cohort.rawValue, 2))
    var statuses = ProportionalDeck(PlantedSafeguarding.allCases.map { ($0, $0.shareWithAsthma) }, generator: root.derived(cohort.rawValue, 3))
    var otherStatuses = ProportionalDeck(PlantedSafeguarding.allCases.map { ($0, $0.shareWithoutAsthma) }, generator: root.derived(cohort.rawValue, 4))
    var adults: [Person] = []

    for index in 0..<patients {
      var generator = root.derived(cohort.rawValue, 100, UInt64(index))
      let kind = kinds.draw()
      let pattern = kind == .childWithAsthma ? patterns.draw() : nil
      let ages: ClosedRange<Int>
      switch kind {
      case .childWithAsthma: ages = PatientPlanner.ages(for: pattern!)
      case .childWithoutAsthma: ages = 0...17
      case .adult: ages = 18...90
      }
      let age = generator.int(ages)
      let practice = generator.below(sites.practices.count)
      let person = Person(
        nhsNumber: numbers.next(),
        dateOfBirth: spec.asOf.adding(months: -12 * age).adding(days: -generator.int(0...364)),
        practiceCode: sites.practices[practice],
        prescriberCode: "G9" + Sites.digits(practice % 100, 2) + Sites.digits(generator.int(1...6), 4),
        pharmacyCode: generator.pick(sites.pharmacies))
      var planner = PatientPlanner(person: person, catalogue: catalogue, sites: sites, asOf: spec.asOf, generator: generator)

      switch kind {
      case .childWithAsthma:
        summary.childrenWithAsthma += 1
        summary.patterns[pattern!, default: 0] += 1
        planner.plantChildWithAsthma(pattern!)
        let status = pattern == .hakeemLike ? .caseTimeline : statuses.draw()
        planner.plantSafeguarding(status)
        summary.safeguarding[status, default: 0] += 1
        summary.planted.append(PlantedChild(nhsNumber: person.nhsNumber, file: cohort.files.gp, pattern: pattern!, safeguarding: status))
      case .childWithoutAsthma:
        summary.childrenWithoutAsthma += 1
        planner.plantChildWithoutAsthma()
        planner.plantSafeguarding(otherStatuses.draw())
      case .adult:
        summary.adults += 1
        let respiratory = planner.generator.chance(8, in: 100)
        if respiratory { summary.adultsWithInhalers += 1 }
        planner.plantAdult(respiratory: respiratory)
        if age <= 40, planner.generator.chance(1, in: 150) { planner.plantUnbornChildProtection() }
        if adults.count < Self.paddingReservoir { adults.append(planner.person) }
      }
      planner.rows.sortByDate()
      emit(planner.rows, cohort: cohort)
    }
    return adults
  }

  /// Adults' non-respiratory issues and dispensings until the canonical exports reach the
  /// requested row counts.
  mutating func pad(with adults: [Person]) {
    let gpTarget = spec.gpRows ?? 0
    let pharmacyTarget = spec.pharmacyRows ?? 0
    guard !adults.isEmpty, !catalogue.nonRespiratory.isEmpty,
      output.rows(in: .gp) < gpTarget || output.rows(in: .pharmacy) < pharmacyTarget
    else { return }
    let sites = Sites(patients: spec.patients, series: 1)
    var planner = PatientPlanner(person: adults[0], catalogue: catalogue, sites: sites, asOf: spec.asOf, generator: root.derived(8))
    // Made-up products (none by default) from a stream of their own: the default shape draws
    // exactly what it always drew.
    let madeUp = catalogue.madeUpProducts(spec.shape, generator: root.derived(10))
    let products = (catalogue.nonRespiratory + madeUp).map { ($0, CommonProducts.acute.contains($0.name) ? "acute" : "repeat") }
    while output.rows(in: .gp) < gpTarget || output.rows(in: .pharmacy) < pharmacyTarget {
      planner.person = adults[planner.generator.below(adults.count)]
      planner.rows = PatientRows()
      let (product, type) = planner.generator.pick(products)
      planner.issue(product, on: planner.daysAgo(0...455), type: type)
      if output.rows(in: .gp) < gpTarget {
        for row in planner.rows.issues { write(Layout.canonical(shaped(row)), to: .gp, scrutiny: .shapeAndProduct, limit: gpTarget) }
      }
      if output.rows(in: .pharmacy) < pharmacyTarget {
        for row in planner.rows.dispensings { write(Layout.canonical(shaped(row)), to: .pharmacy, scrutiny: .shapeAndProduct, limit: pharmacyTarget) }
      }
    }
  }

  /// Flushes the output and completes the summary.
  mutating func finish(files: [SyntheticFile]) -> GenerationSummary {
    output.finish()
    for file in files {
      summary.rows[file] = output.rows(in: file)
      summary.brokenLines[file] = output.brokenLines(in: file)
    }
    summary.defects = output.defectCounts
    return summary
  }

  /// Writes one patient's rows into the cohort's files.
  mutating func emit(_ rows: PatientRows, cohort: Cohort) {
    let files = cohort.files
    for row in rows.issues.map(shaped) {
      let scrutiny = scrutiny(of: row.product, for: row.person)
      switch cohort {
      case .canonical: write(Layout.canonical(row), to: files.gp, scrutiny: scrutiny)
      case .realWorld:
        if let cells = Layout.emis(row, generator: &layoutChoices) { write(cells, to: files.gp, scrutiny: scrutiny) }
      }
    }
    for row in rows.dispensings.map(shaped) {
      let cells = cohort == .canonical ? Layout.canonical(row) : Layout.pmr(row, asOf: spec.asOf)
      write(cells, to: files.pharmacy, scrutiny: scrutiny(of: row.product, for: row.person))
    }
    for row in rows.plans {
      write(cohort == .canonical ? Layout.canonical(row) : Layout.localAuthority(row), to: files.safeguarding, scrutiny: .everyField)
    }
    for row in rows.events {
      write(cohort == .canonical ? Layout.canonical(row) : Layout.emis(row), to: files.events, scrutiny: .everyField)
    }
  }

  /// The row as the shape writes it: without its prescription id when rows carry none.
  private func shaped(_ row: IssueRow) -> IssueRow {
    guard !spec.shape.prescriptionIDs else { return row }
    var row = row
    row.prescriptionID = nil
    return row
  }

  private func shaped(_ row: DispensingRow) -> DispensingRow {
    guard !spec.shape.prescriptionIDs else { return row }
    var row = row
    row.prescriptionID = nil
    return row
  }

  private func scrutiny(of product: Product, for person: Person) -> DefectPlanner.Scrutiny {
    if product.role == .other { return .shapeAndProduct }
    return person.dateOfBirth.wholeYears(to: spec.asOf) < 18 ? .everyField : .upToAge
  }

  /// Writes a row and, now and then, a broken copy of it (never past `limit` rows).
  private mutating func write(_ cells: [String], to file: SyntheticFile, scrutiny: DefectPlanner.Scrutiny, limit: Int? = nil) {
    output.row(cells, in: file)
    if let limit, output.rows(in: file) >= limit { return }
    if let (broken, defect) = defects.brokenCopy(of: cells, in: file, scrutiny: scrutiny) {
      output.broken(broken, defect: defect, in: file)
    }
  }
}
