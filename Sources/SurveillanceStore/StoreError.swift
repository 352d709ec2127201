import SurveillanceCore

/// Why the store could not be opened, read or written, in words that say what to do.
///
/// No case carries an NHS number: these messages go to the log.
public enum StoreError: Error, CustomStringConvertible, Equatable {
  /// `patient` or `audit` named a store that does not exist.
  case noStore(path: String)
  /// The path exists but is not a directory.
  case notADirectory(path: String)
  /// The store directory is readable or writable by other users.
  case notOwnerOnly(path: String, mode: Int)
  case cannotCreate(path: String, reason: String)
  /// A newer version of the tool has migrated this store: this binary cannot read it safely.
  case schemaNewerThanTool(path: String, unknownMigrations: [String])
  /// The store has been created but no nightly run has completed into it yet.
  case noGeneration(path: String)
  /// A column of `children.csv` has no column in the store's `child` table.
  case missingChildColumns([String])
  /// A test asked the writer to fail after this many rows, to prove a failed run changes nothing.
  case injectedFailure(afterRows: Int)
  /// SQLite refused (disk full, locked for too long, corrupt file...).
  case database(path: String, message: String)
  /// The store directory holds files but not its database.
  case databaseMissing(path: String)
  /// The store's database file is empty (truncated, or never finished).
  case databaseEmpty(path: String)
  /// The audit trail holds fewer entries than its seal recorded.
  case auditEntriesLost(path: String, sealed: Int, found: Int)
  /// The entry the seal last recorded is not what it was.
  case auditTrailChanged(path: String, entry: Int)
  /// A new generation's table did not hold what the run wrote: it was not made current.
  case incompleteGeneration(path: String, table: String, held: Int, expected: Int)
  /// The current generation was written before the store kept each child's record as read.
  case generationKeepsNoRecords
  /// `review` named a signal that does not fire for the child in the current generation.
  case signalNotFiring(ruleID: String, asOf: CalendarDate, firing: [String])
  /// The current generation was written before the store kept signal history.
  case generationKeepsNoHistory(path: String, asOf: CalendarDate)

  public var description: String {
    switch self {
    case .noStore(let path):
      return "\(path): no store here; run `asthma-surveillance nightly ... --store \(path)` first"
    case .notADirectory(let path):
      return "\(path): exists and is not a directory; --store names a directory that holds the database"
    case .notOwnerOnly(let path, let mode):
      return "\(path): the store directory has mode \(String(mode, radix: 8)), so other users can reach patient data; run `chmod 700 \(path)` or choose another directory"
    case .cannotCreate(let path, let reason):
      return "\(path): cannot create the store: \(reason)"
    case .schemaNewerThanTool(let path, let unknown):
      return "\(path): the store was written by a newer asthma-surveillance (unknown schema migrations: \(unknown.joined(separator: ", "))); use that version or a newer one"
    case .noGeneration(let path):
      return "\(path): the store holds no completed nightly run yet"
    case .missingChildColumns(let names):
      return "the store's child table has no column for \(names.joined(separator: ", ")): add a migration in Sources/SurveillanceStore/StoreSchema.swift"
    case .injectedFailure(let rows):
      return "injected failure after \(rows) rows (a test of atomic generations)"
    case .databaseMissing(let path):
      return "\(path): the store directory has no database (\(SurveillanceStore.databaseFileName)) but other files: it was deleted or moved. Restore it from a backup; to start a new store (losing its audit trail), give an empty or new directory"
    case .databaseEmpty(let path):
      return "\(path): the store's database is empty (0 bytes): it was truncated. Restore it from a backup; it is not re-created, since that would lose its audit trail"
    case .auditEntriesLost(let path, let sealed, let found):
      return "\(path): the audit trail holds \(found) entries but \(sealed) were recorded (audit.seal): \(sealed - found) look-up(s) were lost, perhaps with a deleted -wal file. Restore the store from a backup; it is not used until then"
    case .auditTrailChanged(let path, let entry):
      return "\(path): audit entry \(entry) is not what was recorded (audit.seal). Restore the store from a backup; it is not used until then"
    case .incompleteGeneration(let path, let table, let held, let expected):
      return "\(path): the new generation's \(table) table holds \(held) rows where the run wrote \(expected); it was not made current, and the previous generation stays"
    case .generationKeepsNoRecords:
      return "the store's current generation was written by an older version that did not keep each child's rows as read; run `asthma-surveillance nightly ... --store DIR` again, and look the child up in the new generation"
    case .signalNotFiring(let ruleID, let asOf, let firing):
      return "the signal \(ruleID) does not fire for this child in the current generation (as of \(asOf)); "
        + (firing.isEmpty ? "no signal fires for this child" : "signals firing: \(firing.joined(separator: ", "))")
    case .generationKeepsNoHistory(let path, let asOf):
      return "\(path): the current generation (as of \(asOf)) was written by an older version that kept no signal history; run `asthma-surveillance nightly ... --store \(path)` again, then record the review"
    case .database(let path, let message):
      return "\(path): \(message)"
    }
  }
}
