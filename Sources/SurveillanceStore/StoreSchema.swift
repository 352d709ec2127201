import GRDB

/// The store's schema as named, append-only migrations.
///
/// Naming follows GRDB's recommendations: singular table names, camelCase columns.
/// A released migration is never edited: a change is a new migration appended to the list,
/// so that every store, however old, reaches the same schema by replaying the same steps.
/// A store that has a migration this list does not know was written by a newer binary, and
/// is refused (``StoreError/schemaNewerThanTool(path:unknownMigrations:)``).
///
/// Every generation's rows carry the `runId` of the `run` that wrote them; readers see only
/// the run named in `currentRun`. Patient tables are `WITHOUT ROWID` with the key
/// `(runId, nhsNumber, position)`, so one child's rows sit together on disk and a look-up
/// reads a handful of pages.
///
/// Source: <https://swiftpackageindex.com/groue/grdb.swift/documentation/grdb/databaseschemarecommendations>
public enum StoreSchema {
  public static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1 run generations", migrate: createGenerationTables)
    migrator.registerMigration("v1 audit trail", migrate: createAuditTable)
    migrator.registerMigration("v2 supply sides for child records", migrate: addSupplySides)
    migrator.registerMigration("v2 audit command", migrate: addAuditCommand)
    migrator.registerMigration("v3 unclassified products and dose figures", migrate: addUnclassifiedProducts)
    migrator.registerMigration("v4 nightly run outcomes", migrate: createRunOutcomeTable)
    migrator.registerMigration("v5 child records as read", migrate: createRecordRowTable)
    migrator.registerMigration("v6 signal history and reviews", migrate: createSignalHistoryTables)
    return migrator
  }

  /// The `child` columns holding `children.csv`'s figures, by that file's column name.
  /// The column list is fixed by the migrations; ``SurveillanceStore`` checks at open that
  /// every column of ``ChildrenTable`` has one here.
  static func figureColumn(_ csvName: String) -> String {
    var result = ""
    var upperNext = false
    for character in csvName {
      if character == "_" {
        upperNext = true
      } else {
        result.append(upperNext ? Character(character.uppercased()) : character)
        upperNext = false
      }
    }
    return result
  }

  // MARK: Migrations (append only)

  private static func createGenerationTables(_ db: Database) throws {
    try db.create(table: "run") { t in
      t.autoIncrementedPrimaryKey("id")
      // writing: rows still arriving, invisible; current: the one readers see; retired: being pruned.
      t.column("state", .text).notNull()
      t.column("command", .text).notNull()
      t.column("toolVersion", .text).notNull()
      t.column("asOf", .text).notNull()
      t.column("rulesVersion", .text).notNull()
      t.column("rulesSha256", .text).notNull()
      t.column("status", .text).notNull()
      t.column("failure", .text)
      t.column("maxRejectRate", .double).notNull()
      t.column("childrenCount", .integer).notNull()
      t.column("excluded", .jsonText).notNull()
      t.column("signalsByRule", .jsonText).notNull()
      t.column("outputs", .jsonText).notNull()
      t.column("timings", .jsonText).notNull()
      t.column("startedAt", .text).notNull()
      t.column("extra", .jsonText).notNull()
      t.column("writtenAt", .text)
      t.column("storeWriteSeconds", .double)
    }
    try db.create(table: "runInput", options: .withoutRowID) { t in
      t.column("runId", .integer).notNull().references("run")
      t.column("position", .integer).notNull()
      t.primaryKey(["runId", "position"])
      t.column("path", .text).notNull()
      t.column("kind", .text).notNull()
      t.column("profile", .text).notNull()
      t.column("sha256", .text).notNull()
      t.column("bytes", .integer).notNull()
      t.column("encoding", .text).notNull()
      t.column("rowsRead", .integer).notNull()
      t.column("rowsRejected", .integer).notNull()
      t.column("used", .integer).notNull()
      t.column("duplicates", .integer).notNull()
      t.column("outOfScope", .jsonText).notNull()
      t.column("rejectedByReason", .jsonText).notNull()
    }
    try db.create(table: "currentRun") { t in
      t.primaryKey("id", .integer).check { $0 == 1 }
      t.column("runId", .integer).notNull().references("run")
    }
    try db.create(table: "child", options: .withoutRowID) { t in
      t.column("runId", .integer).notNull().references("run")
      t.column("nhsNumber", .text).notNull()
      t.primaryKey(["runId", "nhsNumber"])
      t.column("dateOfBirth", .text)
      t.column("ageYears", .integer).notNull()
      t.column("practiceCode", .text)
      for name in [
        "relieverDevices3m", "relieverDevices6m", "relieverDevices12m", "preventerDevices12m", "preventerRatio12m",
        "preventerDaysCovered12m", "icsFormoterolDevices12m", "nebuleIssues12m", "suppliesWithoutPrescription6m",
        "emergencySupplies6m", "issuedNotDispensed12m", "oralSteroidCourses12m", "pharmacies6m", "attacks12m",
        "asthmaReviews12m",
      ] {
        t.column(name, .double)
      }
      t.column("signalCount", .integer).notNull()
      t.column("highestSeverity", .text)
      t.column("safeguardingPlanType", .text)
      t.column("safeguardingActive", .boolean)
      t.column("safeguardingStart", .text)
      t.column("safeguardingEnd", .text)
      t.column("safeguardingSourceFile", .integer)
      t.column("safeguardingSourceLine", .integer)
      t.column("actionPlanState", .text).notNull()
      t.column("actionPlanLastPlan", .text)
      t.column("actionPlanReviewDue", .text)
      t.column("actionPlanSourceFile", .integer)
      t.column("actionPlanSourceLine", .integer)
    }
    try db.create(table: "supply", options: .withoutRowID) { t in
      t.column("runId", .integer).notNull().references("run")
      t.column("nhsNumber", .text).notNull()
      t.column("position", .integer).notNull()
      t.primaryKey(["runId", "nhsNumber", "position"])
      t.column("status", .text).notNull()
      t.column("date", .text).notNull()
      t.column("role", .text).notNull()
      t.column("devices", .integer).notNull()
      t.column("classId", .text).notNull()
      t.column("productKey", .text).notNull()
      t.column("drugName", .text).notNull()
      t.column("quantity", .double).notNull()
      t.column("quantityUnit", .text)
      t.column("supplyType", .text)
      t.column("prescriptionId", .text)
      t.column("practiceCode", .text)
      t.column("issueDate", .text)
      t.column("issueSourceFile", .integer)
      t.column("issueSourceLine", .integer)
      t.column("pharmacyCode", .text)
      t.column("dispensingSourceFile", .integer)
      t.column("dispensingSourceLine", .integer)
    }
    try db.create(table: "safeguardingPlan", options: .withoutRowID) { t in
      t.column("runId", .integer).notNull().references("run")
      t.column("nhsNumber", .text).notNull()
      t.column("position", .integer).notNull()
      t.primaryKey(["runId", "nhsNumber", "position"])
      t.column("planType", .text).notNull()
      t.column("category", .text)
      t.column("startDate", .text).notNull()
      t.column("endDate", .text)
      t.column("localAuthority", .text)
      t.column("sourceFile", .integer).notNull()
      t.column("sourceLine", .integer).notNull()
    }
    try db.create(table: "careEvent", options: .withoutRowID) { t in
      t.column("runId", .integer).notNull().references("run")
      t.column("nhsNumber", .text).notNull()
      t.column("position", .integer).notNull()
      t.primaryKey(["runId", "nhsNumber", "position"])
      t.column("date", .text).notNull()
      t.column("type", .text).notNull()
      t.column("snomedCode", .text)
      t.column("nextReviewDue", .text)
      t.column("sourceFile", .integer).notNull()
      t.column("sourceLine", .integer).notNull()
    }
    try db.create(table: "signal", options: .withoutRowID) { t in
      t.column("runId", .integer).notNull().references("run")
      t.column("nhsNumber", .text).notNull()
      t.column("position", .integer).notNull()
      t.primaryKey(["runId", "nhsNumber", "position"])
      t.column("ruleId", .text).notNull()
      t.column("ruleVersion", .integer).notNull()
      t.column("title", .text).notNull()
      t.column("severity", .text).notNull()
      t.column("ruleSeverity", .text).notNull()
      t.column("asOf", .text).notNull()
      t.column("windowStart", .text).notNull()
      t.column("windowEnd", .text).notNull()
      // [{"name": ..., "value": number|null} or {"name": ..., "date": "YYYY-MM-DD"}], in rule order.
      t.column("metrics", .jsonText).notNull()
      // [[file index, line], ...]
      t.column("evidence", .jsonText).notNull()
      t.column("safeguardingPlanType", .text)
      t.column("safeguardingActive", .boolean)
      t.column("safeguardingStart", .text)
      t.column("safeguardingEnd", .text)
      t.column("route", .text).notNull()
      t.column("actionPlanState", .text).notNull()
      t.column("actionPlanLastPlan", .text)
      t.column("actionPlanReviewDue", .text)
      t.column("reason", .text).notNull()
      t.column("recommendedAction", .text).notNull()
    }
    try db.create(table: "reject", options: .withoutRowID) { t in
      t.column("runId", .integer).notNull().references("run")
      t.column("position", .integer).notNull()
      t.primaryKey(["runId", "position"])
      t.column("sourceFile", .integer).notNull()
      t.column("sourceLine", .integer).notNull()
      t.column("reason", .text).notNull()
      t.column("detail", .text).notNull()
      t.column("originalFields", .jsonText).notNull()
    }
  }

  /// The audit trail outlives generations: it has no foreign key to `run`, and pruning never
  /// touches it. It holds a keyed hash of the NHS number, never the number.
  private static func createAuditTable(_ db: Database) throws {
    try db.create(table: "audit") { t in
      t.autoIncrementedPrimaryKey("id")
      t.column("time", .text).notNull()
      t.column("user", .text).notNull()
      t.column("reason", .text).notNull()
      t.column("nhsPseudonym", .text)
      t.column("outcome", .text).notNull()
      t.column("trafficLight", .text)
      // store: answered from a nightly generation; exports: answered from CSV files.
      t.column("source", .text).notNull()
      t.column("runId", .integer)
      t.column("asOf", .text)
    }
  }

  /// What rebuilding a child's record from a generation needs beyond v1's supply columns,
  /// for reports that start from the store (`report child|area --store`): the primary row's
  /// whole product classification (v1 kept its role and class), the GP issue's own product
  /// and quantity where they differ from the dispensing that filled it (a GP issue coded by
  /// BNF and dispensed by dm+d code, say), and which side alone carried the prescription id.
  ///
  /// Rows of generations written before this migration hold NULL in `containsIcs`; readers
  /// treat such a generation as one that cannot rebuild records, never guess.
  private static func addSupplySides(_ db: Database) throws {
    try db.alter(table: "supply") { t in
      // The primary row's classification, completing `role` and `classId`.
      t.add(column: "containsIcs", .boolean)
      t.add(column: "dosesPerDevice", .integer)
      t.add(column: "unitsPerDevice", .integer)
      t.add(column: "daysPerDevice", .integer)
      t.add(column: "matchedBy", .text)
      // A GP issue and a dispensing: NULL when `prescriptionId` is both sides' (or neither
      // had one); `gp_issue` or `dispensing` when only that side carried it.
      t.add(column: "prescriptionIdSide", .text)
      // A GP issue and a dispensing whose product, quantity or classification differ: the
      // fields in which the GP issue's own differ from the dispensing's (this row's), such as
      // {"quantity":1,"quantityUnit":"device"}; keys productKey, drugName, quantity,
      // quantityUnit, devices, role, classId, containsIcs, dosesPerDevice, unitsPerDevice,
      // daysPerDevice, matchedBy; null for a value the issue lacks. NULL when the are
      // the dispensing's, or there is one side.
      t.add(column: "issueProduct", .jsonText)
    }
  }

  /// Which command looked the child up: `patient` at the counter, `report child` for a
  /// chronology. Entries written before this migration were all `patient` look-ups.
  private static func addAuditCommand(_ db: Database) throws {
    try db.alter(table: "audit") { t in
      t.add(column: "command", .text).notNull().defaults(to: "patient")
    }
  }

  /// What the manifest says of products the formulary could not classify, and what the
  /// formulary was built from; `children.csv`'s count of such supplies. NULL in generations
  /// written before they existed.
  private static func addUnclassifiedProducts(_ db: Database) throws {
    try db.alter(table: "child") { t in
      t.add(column: "unclassifiedSupplies12m", .double)
      t.add(column: "icsFormoterolDosesPerDay3m", .double)
      t.add(column: "icsFormoterolDosesPerDay12m", .double)
    }
    try db.alter(table: "run") { t in
      // {"unclassified_respiratory": products, "code_name_conflict": products}
      t.add(column: "products", .jsonText)
      // [["version", "2025.1"], ["dmd_release", "..."], ...], as the manifest's "formulary"
      t.add(column: "formulary", .jsonText)
    }
    // {"unclassified_respiratory_rows": rows, "code_name_conflict_rows": rows}
    try db.alter(table: "runInput") { t in t.add(column: "products", .jsonText) }
    // The primary row's classification: the youngest age its product is licensed for.
    try db.alter(table: "supply") { t in t.add(column: "minimumAgeYears", .integer) }
  }

  /// Every nightly run against the store, finished or not: the `run` table holds only the
  /// generations that went live, so a run that failed (too many rejected rows, an unreadable
  /// export, a store write that failed) or never finished (killed) left no trace, and the
  /// morning after, the store looked as healthy as ever. A run's row is written when it starts
  /// (`running`) and completed when it ends; like the audit trail it outlives generations.
  private static func createRunOutcomeTable(_ db: Database) throws {
    try db.create(table: "runOutcome") { t in
      t.autoIncrementedPrimaryKey("id")
      t.column("command", .text).notNull()
      t.column("startedAt", .text).notNull()
      t.column("finishedAt", .text)
      t.column("asOf", .text).notNull()
      // running, succeeded or failed
      t.column("status", .text).notNull()
      // Why it failed, in the log's words (no NHS number).
      t.column("failure", .text)
      // The generation it made current, when it succeeded.
      t.column("runId", .integer)
      t.column("rowsRead", .integer)
      t.column("rowsRejected", .integer)
      t.column("childrenCount", .integer)
      t.column("signals", .integer)
      t.column("seconds", .double)
    }
  }

  /// Each child's record as the run read it: every GP issue and dispensing row behind the
  /// child's supplies, after duplicates were removed, with its file and line, and the row's own
  /// date of birth and GP issue type. This is the fact a report or a look-up replays; the
  /// `supply` table is what the run made of it (the reconciled pairs on the run's date), kept
  /// for analysts' queries and never turned back into rows. Plans and events were always kept
  /// as read (`safeguardingPlan`, `careEvent`).
  ///
  /// A generation written before this migration has NULL in `run.keepsRecords`: readers say
  /// that it cannot be replayed, and the next `nightly --store` writes one that can.
  private static func createRecordRowTable(_ db: Database) throws {
    try db.create(table: "recordRow", options: .withoutRowID) { t in
      t.column("runId", .integer).notNull().references("run")
      t.column("nhsNumber", .text).notNull()
      t.column("position", .integer).notNull()
      t.primaryKey(["runId", "nhsNumber", "position"])
      // gp_issue or dispensing
      t.column("side", .text).notNull()
      t.column("date", .text).notNull()
      // The row's own date of birth; the child's settled one is `child.dateOfBirth`.
      t.column("dateOfBirth", .text)
      // The practice (GP issue) or pharmacy (dispensing), as the row gave it.
      t.column("siteCode", .text).notNull()
      t.column("productKey", .text).notNull()
      t.column("drugName", .text).notNull()
      t.column("quantity", .double).notNull()
      t.column("quantityUnit", .text)
      t.column("devices", .integer).notNull()
      // The row's classification by the run's formulary.
      t.column("role", .text).notNull()
      t.column("classId", .text).notNull()
      t.column("containsIcs", .boolean).notNull()
      t.column("dosesPerDevice", .integer)
      t.column("unitsPerDevice", .integer)
      t.column("daysPerDevice", .integer)
      t.column("minimumAgeYears", .integer)
      t.column("matchedBy", .text).notNull()
      t.column("prescriptionId", .text)
      // Dispensings: nhs_prescription, emergency_supply...; GP issues: NULL.
      t.column("supplyType", .text)
      // GP issues: acute, repeat... as the export gave it (lower case); dispensings: NULL.
      t.column("issueType", .text)
      t.column("sourceFile", .integer).notNull()
      t.column("sourceLine", .integer).notNull()
    }
    try db.alter(table: "child") { t in
      // Dates of birth other rows gave that disagree with `dateOfBirth`: ["YYYY-MM-DD", ...].
      t.add(column: "conflictingDatesOfBirth", .jsonText)
    }
    try db.alter(table: "run") { t in t.add(column: "keepsRecords", .boolean) }
  }

  /// What the worklist remembers across generations: each finished run's signals in brief
  /// (`signalHistory`, one row per child and rule, written under the run's id), which runs'
  /// snapshots are complete (`signalHistoryRun`, written in the transaction that makes the run
  /// current, so a failed or killed run's rows are never read), and every review a clinician
  /// recorded (`signalReview`). Pruning a generation leaves these alone; a finished run keeps
  /// its own snapshot and the one it was compared against, and drops the rest.
  private static func createSignalHistoryTables(_ db: Database) throws {
    try db.create(table: "signalHistory", options: .withoutRowID) { t in
      t.column("runId", .integer).notNull()
      t.column("nhsNumber", .text).notNull()
      t.column("ruleId", .text).notNull()
      t.primaryKey(["runId", "nhsNumber", "ruleId"])
      t.column("severity", .text).notNull()
      t.column("firstSeen", .text).notNull()
      t.column("evidenceThrough", .text)
      // new, continuing, escalated... as the run wrote it in signals.csv
      t.column("status", .text).notNull()
      t.column("previousSeverity", .text)
      // The child's, so that the next run can say a child who left the exports turned 18.
      t.column("dateOfBirth", .text)
    }
    try db.create(table: "signalHistoryRun") { t in
      t.primaryKey("runId", .integer)
      t.column("asOf", .text).notNull()
      t.column("signals", .integer).notNull()
      // The run this one was compared against, or NULL for a first run.
      t.column("baselineRunId", .integer)
    }
    try db.create(table: "signalReview") { t in
      t.autoIncrementedPrimaryKey("id")
      t.column("nhsNumber", .text).notNull()
      t.column("ruleId", .text).notNull()
      t.column("outcome", .text).notNull()
      t.column("leavesWorklist", .boolean).notNull()
      t.column("reviewedAt", .text).notNull()
      t.column("user", .text).notNull()
      t.column("reason", .text).notNull()
      // For the practice's own follow-up; never shown by `patient` or a report.
      t.column("note", .text)
      t.column("until", .text)
      // What the signal was when reviewed: the generation, its stretch, severity and evidence.
      t.column("runId", .integer).notNull()
      t.column("generationAsOf", .text).notNull()
      t.column("firstSeen", .text).notNull()
      t.column("severity", .text).notNull()
      t.column("evidenceThrough", .text)
    }
    try db.create(index: "signalReviewByChild", on: "signalReview", columns: ["nhsNumber", "ruleId"])
    // A review in the audit trail: which signal, with which outcome (NULL for look-ups).
    try db.alter(table: "audit") { t in
      t.add(column: "signal", .text)
      t.add(column: "reviewOutcome", .text)
    }
  }
}
