import Foundation
import SurveillanceCore
import SurveillanceStore

/// The pharmacist's one-patient check: find the child, write the audit entry, hand back what
/// to show. Nothing is shown unless its audit entry was written first.
public struct PatientCheckJob: Sendable {
  /// Where the child's record comes from.
  public enum Records: Sendable {
    /// The current generation of a nightly store; the audit goes into the same store.
    /// `definitions`: what rebuilds the child's timeline and months from the stored record.
    case store(path: String, definitions: RecordDefinitions)
    /// A pharmacy's own exports, evaluated now; the audit goes into the store at `auditPath`.
    case exports(RunInputs, asOf: CalendarDate, rules: RuleSet, auditPath: String)
  }

  public var records: Records
  /// The NHS number as typed, spaces allowed.
  public var nhsNumberText: String
  public var user: String
  public var reason: String
  public var pseudonymiser: Pseudonymiser
  /// Now, ISO 8601 in UTC: the clock belongs to the executable.
  public var time: String
  /// For a look-up in a store: when its records count as out of date. `nil` asks nothing.
  public var freshness: FreshnessPolicy?

  public init(records: Records, nhsNumberText: String, user: String, reason: String, pseudonymiser: Pseudonymiser, time: String) {
    self.records = records
    self.nhsNumberText = nhsNumberText
    self.user = user
    self.reason = reason
    self.pseudonymiser = pseudonymiser
    self.time = time
  }

  public func run() throws -> PatientCheck {
    let audit: SurveillanceStore
    switch records {
    case .store(let path, _): audit = try SurveillanceStore.openExisting(at: path)
    case .exports(_, _, _, let auditPath): audit = try SurveillanceStore.openOrCreate(at: auditPath)
    }
    let source = if case .store = records { "store" } else { "exports" }
    func record(_ outcome: AuditOutcome, _ nhsNumber: NHSNumber?, light: TrafficLight? = nil, runID: Int64? = nil, asOf: CalendarDate? = nil) throws {
      try audit.appendAudit(AuditEntry(
        time: time, user: user, reason: reason, nhsPseudonym: nhsNumber.map(pseudonymiser.pseudonym), outcome: outcome,
        trafficLight: light?.rawValue, source: source, runID: runID, asOf: asOf))
    }

    let nhsNumber: NHSNumber
    switch NHSNumber.parse(nhsNumberText) {
    case .success(let number): nhsNumber = number
    case .failure(let problem):
      try record(.invalidNHSNumber, nil)
      throw PatientCheckError.invalidNHSNumber(problem)
    }

    let check: PatientCheck
    var runID: Int64?
    do {
      switch records {
      case .store(_, let definitions):
        let (generation, manifest, stored) = try audit.lookUpWithManifest(nhsNumber)
        runID = generation.runID
        let child = try stored.map { try $0.evaluated(asOf: generation.asOf, inputs: manifest.kinds, policy: definitions.timeline.withPharmacyData(from: manifest.pharmacyDataFrom)) }
        var found = PatientCheck(
          nhsNumber: nhsNumber, asOf: generation.asOf, source: .store(runStartedAt: generation.startedAt), child: child, definitions: definitions)
        if let freshness { found.warnings = try audit.health(freshness).warnings }
        if stored != nil { found.signalHistory = try audit.signalHistory(of: nhsNumber) }
        check = found
      case .exports(let inputs, let asOf, let rules, _):
        check = try Self.checkFromExports(nhsNumber, inputs: inputs, asOf: asOf, rules: rules)
      }
    } catch {
      try record(.failed, nhsNumber)
      throw error
    }
    try record(check.auditOutcome, nhsNumber, light: check.record?.trafficLight, runID: runID, asOf: check.asOf)
    return check
  }

  /// Reads the pharmacy's exports and evaluates the one child as the nightly run would.
  static func checkFromExports(_ nhsNumber: NHSNumber, inputs: RunInputs, asOf: CalendarDate, rules: RuleSet) throws -> PatientCheck {
    let area = try AreaLoader.load(inputs, rules: rules, earliest: asOf, latest: asOf).refusingEmptySupplyExports()
    let evaluation = AreaEvaluation(rules: rules, inputs: area.kinds)
    var child: EvaluatedChild?
    if let record = area.records.first(where: { $0.nhsNumber == nhsNumber }),
      case .success(let evaluated) = evaluation.evaluated(record, asOf: asOf)
    {
      child = evaluated
    }
    var check = PatientCheck(nhsNumber: nhsNumber, asOf: asOf, source: .exports, child: child, definitions: RecordDefinitions(rules))
    let digits = nhsNumber.description
    let forChild = area.rejects.filter { row in
      row.fields.contains { field in String(field.filter(\.isNumber)) == digits }
    }.count
    let total = area.reports.reduce(0) { $0 + $1.rowsRejected }
    if total > 0 {
      check.rejectedRows = PatientCheck.RejectedRows(inFiles: total, rowsRead: area.reports.reduce(0) { $0 + $1.rowsRead }, forThisChild: forChild)
    }
    return check
  }
}

/// Why a look-up could not be made. Never quotes the NHS number: a mistyped number is
/// still very nearly an identifier.
public enum PatientCheckError: Error, CustomStringConvertible {
  case invalidNHSNumber(NHSNumber.Problem)
  /// A look-up from exports with nowhere to write its audit entry.
  case noAuditLocation

  public var description: String {
    switch self {
    case .invalidNHSNumber(let problem):
      return "not a valid NHS number: \(problem); check the number and type it again (spaces are fine)"
    case .noAuditLocation:
      return "every look-up is audited: give --audit DIR (a store directory for the audit trail, created if missing) when reading exports, or use --store"
    }
  }
}
