import Foundation
import GRDB
import SurveillanceCore

#if canImport(Glibc)
  import Glibc
#endif

/// The SQLite store that the nightly run fills and the pharmacist's look-up reads.
///
/// A store is a directory, owner-only (0700), holding `surveillance.sqlite` and SQLite's
/// `-wal` and `-shm` files, all 0600 (SQLite gives the side files the database file's mode).
/// The database is in WAL mode, so readers are never blocked by a nightly run: they read
/// the generation named in `currentRun` while the next one is written beside it, invisible
/// until a short transaction flips the pointer.
public final class SurveillanceStore: Sendable {
  public static let databaseFileName = "surveillance.sqlite"

  /// The store directory as given.
  public let path: String
  let queue: DatabaseQueue

  /// Opens the store in `directory`, creating it (owner-only) when it does not exist.
  /// For `nightly`, and for the audit trail of CSV look-ups.
  public static func openOrCreate(at directory: String) throws(StoreError) -> SurveillanceStore {
    try StoreDirectory.prepare(directory, create: true)
    let store = try SurveillanceStore(directory: directory, synchronous: "NORMAL")
    try store.checkChildColumns()
    return store
  }

  /// Opens an existing store; a missing one is an error rather than an empty answer, so that a
  /// mistyped path never reads as "no record for this child". For `patient` and `audit`.
  ///
  /// Commits are fully synchronous here: an audit entry must survive a power cut.
  public static func openExisting(at directory: String) throws(StoreError) -> SurveillanceStore {
    try StoreDirectory.prepare(directory, create: false)
    return try SurveillanceStore(directory: directory, synchronous: "FULL")
  }

  private init(directory: String, synchronous: String) throws(StoreError) {
    path = directory
    let file = URL(fileURLWithPath: directory).appendingPathComponent(Self.databaseFileName).path
    try StoreDirectory.createOwnerOnlyFile(file)
    var configuration = Configuration()
    configuration.journalMode = .wal
    // A look-up waits at most this long for a nightly batch to commit before it writes its
    // audit entry; batches take milliseconds.
    configuration.busyMode = .timeout(10)
    configuration.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
      // After a checkpoint the WAL shrinks back to this size rather than keeping a nightly
      // run's high-water mark on disk.
      try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
    }
    do {
      queue = try DatabaseQueue(path: file, configuration: configuration)
    } catch {
      throw Self.storeError(error, path: directory)
    }
    try migrateIfNeeded()
    try checkAuditSeal()
  }

  /// Applies the migrations this binary knows and the store lacks; refuses a store that a
  /// newer binary has migrated further.
  private func migrateIfNeeded() throws(StoreError) {
    // One query, not GRDB's three helpers: this runs on every pharmacist look-up.
    let migrator = StoreSchema.migrator
    let known = migrator.migrations
    let applied = try read { db in try migrator.appliedIdentifiers(db) }
    let unknown = applied.subtracting(known)
    if !unknown.isEmpty { throw .schemaNewerThanTool(path: path, unknownMigrations: unknown.sorted()) }
    if known.allSatisfy(applied.contains) { return }
    do {
      try migrator.migrate(queue)
    } catch {
      throw Self.storeError(error, path: path)
    }
  }

  /// Every column of `children.csv` needs a column in `child`: a new figure needs a migration.
  /// Checked by writers; readers read columns by name.
  private func checkChildColumns() throws(StoreError) {
    let columns = try read { db in Set(try db.columns(in: "child").map(\.name)) }
    let missing = ChildrenTable.columns.map(\.name).filter { !columns.contains(StoreSchema.figureColumn($0)) }
    if !missing.isEmpty { throw .missingChildColumns(missing) }
  }

  /// The migrations applied to this store, in order.
  public func appliedMigrations() throws(StoreError) -> [String] {
    try read { db in try StoreSchema.migrator.appliedMigrations(db) }
  }

  // MARK: Access with errors in the store's words

  func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    do {
      return try queue.read(body)
    } catch {
      throw Self.storeError(error, path: path)
    }
  }

  func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    do {
      return try queue.write(body)
    } catch {
      throw Self.storeError(error, path: path)
    }
  }

  static func storeError(_ error: any Error, path: String) -> StoreError {
    if case .database(let errorPath, let message)? = error as? StoreError, errorPath.isEmpty { return .database(path: path, message: message) }
    if let error = error as? StoreError { return error }
    if let error = error as? DatabaseError {
      return .database(path: path, message: error.message ?? error.resultCode.description)
    }
    return .database(path: path, message: String(describing: error))
  }
}

/// The store directory and database file, created owner-only.
enum StoreDirectory {
  static func prepare(_ directory: String, create: Bool) throws(StoreError) {
    var status = stat()
    if stat(directory, &status) != 0 {
      guard create else { throw .noStore(path: directory) }
      do {
        try FileManager.default.createDirectory(
          atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      } catch {
        throw .cannotCreate(path: directory, reason: FileErrorText.describe(error))
      }
      return
    }
    guard status.st_mode & S_IFMT == S_IFDIR else { throw .notADirectory(path: directory) }
    let mode = Int(status.st_mode & 0o777)
    guard mode & 0o077 == 0 else { throw .notOwnerOnly(path: directory, mode: mode) }
    let database = URL(fileURLWithPath: directory).appendingPathComponent(SurveillanceStore.databaseFileName).path
    var file = stat()
    guard stat(database, &file) == 0 else {
      // A store directory with other files but no database lost it: starting afresh would
      // silently drop its audit trail.
      let others = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      if create, others.isEmpty { return }
      throw create ? .databaseMissing(path: directory) : .noStore(path: directory)
    }
    guard file.st_size > 0 else { throw .databaseEmpty(path: directory) }
  }

  /// Creates the database file with mode 0600 before SQLite opens it, and tightens an
  /// existing one, so that it is never readable by others, even for a moment.
  static func createOwnerOnlyFile(_ file: String) throws(StoreError) {
    let descriptor = open(file, O_RDWR | O_CREAT, 0o600)
    guard descriptor >= 0 else { throw .cannotCreate(path: file, reason: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    guard fchmod(descriptor, 0o600) == 0 else { throw .cannotCreate(path: file, reason: String(cString: strerror(errno))) }
  }
}
