import GRDB
import SurveillanceCore

extension SurveillanceStore {
  /// The generation readers see now, or `nil` before the first nightly run completes.
  public func currentGeneration() throws(StoreError) -> GenerationInfo? {
    try read { db in try Self.currentGeneration(db) }
  }

  /// How many rows each table holds for the current generation (empty when there is none):
  /// what an operator, or a test, checks a generation is whole by.
  public func currentGenerationRowCounts() throws(StoreError) -> [String: Int] {
    try read { db in
      guard let generation = try Self.currentGeneration(db) else { return [:] }
      var counts: [String: Int] = [:]
      for table in ["child", "recordRow", "supply", "safeguardingPlan", "careEvent", "signal", "reject", "runInput"] {
        counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE runId = ?", arguments: [generation.runID]) ?? 0
      }
      return counts
    }
  }

  /// One child in the current generation, read in one transaction so that the record and the
  /// generation it came from agree even while a nightly run flips to the next.
  /// `child` is `nil` when the generation has no record of the child.
  public func lookUp(_ nhsNumber: NHSNumber) throws(StoreError) -> (generation: GenerationInfo, child: StoredChild?) {
    let path = self.path
    return try read { db in
      guard let generation = try Self.currentGeneration(db) else { throw StoreError.noGeneration(path: path) }
      let child = try Self.children(db, runID: generation.runID, only: nhsNumber.description).first
      return (generation, child)
    }
  }

  /// One child in the current generation with the run's manifest (which exports it read,
  /// for a report's limits), in one transaction: for `report child --store`.
  public func lookUpWithManifest(_ nhsNumber: NHSNumber) throws(StoreError) -> (generation: GenerationInfo, manifest: RunManifest, child: StoredChild?) {
    let path = self.path
    return try read { db in
      guard let generation = try Self.currentGeneration(db) else { throw StoreError.noGeneration(path: path) }
      let inputs = try Row.fetchAll(db, sql: "SELECT * FROM runInput WHERE runId = ? ORDER BY position", arguments: [generation.runID])
      let manifest = try Self.manifest(db, runID: generation.runID, inputs: inputs)
      let child = try Self.children(db, runID: generation.runID, only: nhsNumber.description).first
      return (generation, manifest, child)
    }
  }

  /// The whole current generation, for checks and for reports that start from the store.
  public func loadCurrentGeneration() throws(StoreError) -> StoredGeneration {
    let path = self.path
    return try read { db in
      guard let info = try Self.currentGeneration(db) else { throw StoreError.noGeneration(path: path) }
      let inputs = try Row.fetchAll(db, sql: "SELECT * FROM runInput WHERE runId = ? ORDER BY position", arguments: [info.runID])
      let manifest = try Self.manifest(db, runID: info.runID, inputs: inputs)
      let rejects = try Row.fetchAll(db, sql: "SELECT * FROM reject WHERE runId = ? ORDER BY position", arguments: [info.runID]).map { row in
        RejectedRow(
          source: SourceRef(file: row["sourceFile"], line: row["sourceLine"]), reason: try Self.decode(row, "reason"),
          detail: row["detail"], fields: StoreJSON.strings(row["originalFields"]))
      }
      return StoredGeneration(
        info: info, manifest: manifest, fileNames: inputs.map { $0["path"] }, children: try Self.children(db, runID: info.runID, only: nil),
        rejects: rejects)
    }
  }

  /// NHS numbers in the current generation, in order: for the benchmark's random look-ups.
  public func nhsNumbers() throws(StoreError) -> [NHSNumber] {
    try read { db in
      guard let info = try Self.currentGeneration(db) else { return [] }
      return try String.fetchAll(db, sql: "SELECT nhsNumber FROM child WHERE runId = ? ORDER BY nhsNumber", arguments: [info.runID])
        .compactMap { NHSNumber($0) }
    }
  }

  // MARK: Rows to values

  static func currentGeneration(_ db: Database) throws -> GenerationInfo? {
    guard
      let row = try Row.fetchOne(
        db, sql: "SELECT run.* FROM currentRun JOIN run ON run.id = currentRun.runId WHERE currentRun.id = 1")
    else { return nil }
    return GenerationInfo(
      runID: row["id"], asOf: try date(row, "asOf"), toolVersion: row["toolVersion"], rulesVersion: row["rulesVersion"],
      startedAt: row["startedAt"], writtenAt: row["writtenAt"], childrenCount: row["childrenCount"],
      storeWriteSeconds: row["storeWriteSeconds"])
  }

  /// Children of a run with their timelines, all of them or one.
  private static func children(_ db: Database, runID: Int64, only nhsNumber: String?) throws -> [StoredChild] {
    let filter = nhsNumber == nil ? "" : " AND nhsNumber = ?"
    var arguments: StatementArguments = [runID]
    if let nhsNumber { arguments += [nhsNumber] }
    func grouped<T>(_ table: String, _ decode: (Row) throws -> T) throws -> [String: [T]] {
      var groups: [String: [T]] = [:]
      let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) WHERE runId = ?\(filter) ORDER BY nhsNumber, position", arguments: arguments)
      while let row = try rows.next() { groups[row["nhsNumber"], default: []].append(try decode(row)) }
      return groups
    }
    let keepsRecords = try Bool.fetchOne(db, sql: "SELECT keepsRecords FROM run WHERE id = ?", arguments: [runID]) ?? false
    let recordRows = keepsRecords ? try grouped("recordRow", recordRow) : [:]
    let supplies = try grouped("supply", supply)
    let plans = try grouped("safeguardingPlan", plan)
    let events = try grouped("careEvent", careEvent)
    let signalRows = try grouped("signal") { $0.copy() }

    var children: [StoredChild] = []
    let rows = try Row.fetchCursor(db, sql: "SELECT * FROM child WHERE runId = ?\(filter) ORDER BY nhsNumber", arguments: arguments)
    while let row = try rows.next() {
      let key: String = row["nhsNumber"]
      guard let nhs = NHSNumber(key) else { throw StoreError.database(path: "", message: "child table holds an invalid NHS number") }
      let childPlans = plans[key] ?? []
      let context = try safeguardingContext(row, plans: childPlans, nhs: nhs)
      let actionPlan = ActionPlanStatus(
        state: try decode(row, "actionPlanState"), lastPlanDate: try optionalDate(row, "actionPlanLastPlan"),
        reviewDue: try optionalDate(row, "actionPlanReviewDue"), source: sourceRef(row, "actionPlanSourceFile", "actionPlanSourceLine"))
      let signals = try (signalRows[key] ?? []).map { try signal($0, nhs: nhs, context: context, actionPlanSource: actionPlan.source) }
      let summary = ChildSummary(
        nhsNumber: nhs, ageYears: row["ageYears"], practiceCode: row["practiceCode"],
        figures: ChildrenTable.columns.map { Figure(value: row[StoreSchema.figureColumn($0.name)]) },
        signals: signals, safeguarding: context, actionPlan: actionPlan)
      let dateOfBirth = try optionalDate(row, "dateOfBirth")
      let childEvents = events[key] ?? []
      var record: ChildRecord?
      if keepsRecords {
        var read = ChildRecord(nhsNumber: nhs, dateOfBirth: dateOfBirth, supplies: recordRows[key] ?? [], plans: childPlans, events: childEvents)
        read.conflictingDatesOfBirth = try StoreJSON.strings(row["conflictingDatesOfBirth"] ?? "[]").map { text in
          guard let date = CalendarDate(iso: text) else { throw unreadable("conflictingDatesOfBirth") }
          return date
        }
        record = read
      }
      children.append(StoredChild(
        dateOfBirth: dateOfBirth, summary: summary, supplies: supplies[key] ?? [], plans: childPlans, events: childEvents,
        record: record))
    }
    return children
  }

  private static func supply(_ row: Row) throws -> StoredSupply {
    let role: MedicineRole = try decode(row, "role")
    let classID: String = row["classId"]
    // Written before the `v2 supply sides for child records` migration: no classification.
    var product: ProductClassification?
    if let containsICS = row["containsIcs"] as Bool? {
      product = ProductClassification(
        role: role, classID: classID, containsICS: containsICS, dosesPerDevice: row["dosesPerDevice"],
        unitsPerDevice: row["unitsPerDevice"], daysPerDevice: row["daysPerDevice"], minimumAgeYears: row["minimumAgeYears"],
        matchedBy: try decode(row, "matchedBy"))
    }
    let supply = StoredSupply(
      status: try decode(row, "status"), date: try date(row, "date"), role: role, devices: row["devices"],
      classID: classID, productKey: row["productKey"], drugName: row["drugName"], quantity: row["quantity"],
      quantityUnit: try optionalDecode(row, "quantityUnit"), supplyType: try optionalDecode(row, "supplyType"),
      prescriptionID: row["prescriptionId"], practiceCode: row["practiceCode"], issueDate: try optionalDate(row, "issueDate"),
      issueSource: sourceRef(row, "issueSourceFile", "issueSourceLine"), pharmacyCode: row["pharmacyCode"],
      dispensingSource: sourceRef(row, "dispensingSourceFile", "dispensingSourceLine"), product: product,
      prescriptionIDSide: try optionalDecode(row, "prescriptionIdSide"))
    guard let text = row["issueProduct"] as String? else { return supply }
    guard let primary = supply.primaryItem, let issueItem = StoreJSON.readSupplyItem(text, against: primary) else {
      throw unreadable("issueProduct")
    }
    var withIssue = supply
    withIssue.issueItem = issueItem
    return withIssue
  }

  /// One row of a child's record as read.
  private static func recordRow(_ row: Row) throws -> Supply {
    let product = ProductClassification(
      role: try decode(row, "role"), classID: row["classId"], containsICS: row["containsIcs"], dosesPerDevice: row["dosesPerDevice"],
      unitsPerDevice: row["unitsPerDevice"], daysPerDevice: row["daysPerDevice"], minimumAgeYears: row["minimumAgeYears"],
      matchedBy: try decode(row, "matchedBy"))
    guard let nhs = NHSNumber(row["nhsNumber"] as String) else { throw unreadable("nhsNumber") }
    return Supply(
      side: try decode(row, "side"), nhsNumber: nhs, dateOfBirth: try optionalDate(row, "dateOfBirth"), date: try date(row, "date"),
      siteCode: row["siteCode"], productKey: row["productKey"], drugName: row["drugName"], product: product, quantity: row["quantity"],
      quantityUnit: try optionalDecode(row, "quantityUnit"), devices: row["devices"], prescriptionID: row["prescriptionId"],
      supplyType: try optionalDecode(row, "supplyType"), issueType: row["issueType"],
      source: SourceRef(file: row["sourceFile"], line: row["sourceLine"]))
  }

  private static func plan(_ row: Row) throws -> SafeguardingPlan {
    SafeguardingPlan(
      nhsNumber: NHSNumber(row["nhsNumber"] as String)!, type: try decode(row, "planType"), category: row["category"],
      start: try date(row, "startDate"), end: try optionalDate(row, "endDate"), localAuthority: row["localAuthority"],
      source: SourceRef(file: row["sourceFile"], line: row["sourceLine"]))
  }

  private static func careEvent(_ row: Row) throws -> CareEvent {
    CareEvent(
      nhsNumber: NHSNumber(row["nhsNumber"] as String)!, date: try date(row, "date"), type: try decode(row, "type"),
      snomedCode: row["snomedCode"], nextReviewDue: try optionalDate(row, "nextReviewDue"),
      source: SourceRef(file: row["sourceFile"], line: row["sourceLine"]))
  }

  /// The child's safeguarding context: the plan it names, found among the child's plans by
  /// its source row.
  static func safeguardingContext(_ row: Row, plans: [SafeguardingPlan], nhs: NHSNumber) throws -> SafeguardingContext? {
    guard let active = row["safeguardingActive"] as Bool? else { return nil }
    let source = sourceRef(row, "safeguardingSourceFile", "safeguardingSourceLine")
    let plan = try plans.first { $0.source == source } ?? SafeguardingPlan(
      nhsNumber: nhs, type: try decode(row, "safeguardingPlanType"), category: nil, start: try date(row, "safeguardingStart"),
      end: try optionalDate(row, "safeguardingEnd"), localAuthority: nil, source: source ?? SourceRef(file: 0, line: 0))
    return SafeguardingContext(plan: plan, isActive: active)
  }

  /// A signal row; its safeguarding context is the child's (one evaluation gives every
  /// signal of a child the same context), checked against the row's own columns.
  private static func signal(_ row: Row, nhs: NHSNumber, context: SafeguardingContext?, actionPlanSource: SourceRef?) throws -> Signal {
    var signalContext = context
    if let type = try optionalDecode(row, "safeguardingPlanType") as PlanType? {
      let start = try optionalDate(row, "safeguardingStart")
      if context?.plan.type != type || context?.plan.start != start {
        signalContext = SafeguardingContext(
          plan: SafeguardingPlan(
            nhsNumber: nhs, type: type, category: nil, start: try date(row, "safeguardingStart"),
            end: try optionalDate(row, "safeguardingEnd"), localAuthority: nil, source: SourceRef(file: 0, line: 0)),
          isActive: row["safeguardingActive"] ?? false)
      }
    } else {
      signalContext = nil
    }
    return Signal(
      nhsNumber: nhs, ruleID: row["ruleId"], ruleVersion: row["ruleVersion"], title: row["title"], severity: try decode(row, "severity"),
      ruleSeverity: try decode(row, "ruleSeverity"), asOf: try date(row, "asOf"),
      window: DateWindow(start: try date(row, "windowStart"), end: try date(row, "windowEnd")),
      figures: StoreJSON.readMetrics(row["metrics"]), evidence: StoreJSON.readSourceRefs(row["evidence"]), safeguarding: signalContext,
      actionPlan: ActionPlanStatus(
        state: try decode(row, "actionPlanState"), lastPlanDate: try optionalDate(row, "actionPlanLastPlan"),
        reviewDue: try optionalDate(row, "actionPlanReviewDue"), source: actionPlanSource),
      route: row["route"], reason: row["reason"], recommendedAction: row["recommendedAction"])
  }

  private static func manifest(_ db: Database, runID: Int64, inputs: [Row]) throws -> RunManifest {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [runID]) else {
      throw StoreError.database(path: "", message: "run \(runID) is missing")
    }
    let reports = try inputs.map { input in
      var report = InputFileReport(
        path: input["path"], kind: try decode(input, "kind"), profile: input["profile"], sha256: input["sha256"], bytes: input["bytes"],
        encoding: input["encoding"])
      report.rowsRead = input["rowsRead"]
      report.rowsRejected = input["rowsRejected"]
      report.used = input["used"]
      report.duplicates = input["duplicates"]
      for (key, count) in StoreJSON.readCounts(input["outOfScope"]) {
        if let why = OutOfScope(rawValue: key) { report.outOfScope[why] = count }
      }
      for (key, count) in StoreJSON.readCounts(input["rejectedByReason"]) {
        if let reason = RejectReason(rawValue: key) { report.rejectedByReason[reason] = count }
      }
      let products = StoreJSON.readCounts(input["products"] ?? "{}")
      report.unclassifiedRespiratoryRows = products["unclassified_respiratory_rows"] ?? 0
      report.codeNameConflictRows = products["code_name_conflict_rows"] ?? 0
      return report
    }
    var excluded: [Exclusion: Int] = [:]
    for (key, count) in StoreJSON.readCounts(row["excluded"]) {
      if let why = Exclusion(rawValue: key) { excluded[why] = count }
    }
    var manifest = RunManifest(
      command: row["command"], toolVersion: row["toolVersion"], asOf: try date(row, "asOf"), rulesVersion: row["rulesVersion"],
      rulesSHA256: row["rulesSha256"], status: row["status"], failure: row["failure"], maxRejectRate: row["maxRejectRate"],
      inputs: reports, childrenCount: row["childrenCount"], excluded: excluded,
      signalsByRule: StoreJSON.readSignalsByRule(row["signalsByRule"]), outputs: StoreJSON.strings(row["outputs"]),
      timings: StoreJSON.readPairs(row["timings"], as: Double.self), startedAt: row["startedAt"],
      extra: StoreJSON.readPairs(row["extra"], as: String.self))
    let products = StoreJSON.readCounts(row["products"] ?? "{}")
    manifest.unclassifiedProducts = products["unclassified_respiratory"] ?? 0
    manifest.conflictingProducts = products["code_name_conflict"] ?? 0
    manifest.formulary = StoreJSON.readPairs(row["formulary"] ?? "[]", as: String.self)
    return manifest
  }

  // MARK: Column helpers

  private static func date(_ row: Row, _ column: String) throws -> CalendarDate {
    guard let date = try optionalDate(row, column) else { throw unreadable(column) }
    return date
  }

  private static func optionalDate(_ row: Row, _ column: String) throws -> CalendarDate? {
    guard let text = row[column] as String? else { return nil }
    guard let date = CalendarDate(iso: text) else { throw unreadable(column) }
    return date
  }

  private static func decode<T: RawRepresentable>(_ row: Row, _ column: String) throws -> T where T.RawValue == String {
    guard let value: T = try optionalDecode(row, column) else { throw unreadable(column) }
    return value
  }

  private static func optionalDecode<T: RawRepresentable>(_ row: Row, _ column: String) throws -> T? where T.RawValue == String {
    guard let text = row[column] as String? else { return nil }
    guard let value = T(rawValue: text) else { throw unreadable(column) }
    return value
  }

  private static func sourceRef(_ row: Row, _ file: String, _ line: String) -> SourceRef? {
    guard let file = row[file] as Int?, let line = row[line] as Int? else { return nil }
    return SourceRef(file: file, line: line)
  }

  private static func unreadable(_ column: String) -> StoreError {
    .database(path: "", message: "unreadable value in column \(column); the store may be damaged")
  }
}
