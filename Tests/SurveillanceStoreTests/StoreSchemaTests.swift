import Foundation
import GRDB
import SurveillanceCore
@testable import SurveillanceStore
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct StoreSchemaTests {
  /// Released migrations are never renamed, removed or reordered: new ones are appended.
  /// Extend this list when a migration ships; never edit its entries.
  static let releasedMigrations = ["v1 run generations", "v1 audit trail", "v2 supply sides for child records", "v2 audit command"]

  @Test func migrationsOnlyGrowAtTheEnd() {
    #expect(Array(StoreSchema.migrator.migrations.prefix(Self.releasedMigrations.count)) == Self.releasedMigrations)
  }

  @Test func aNewStoreHasEveryMigrationApplied() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("migrated"))
    #expect(try store.appliedMigrations() == StoreSchema.migrator.migrations)
  }

  @Test func aStoreMigratedByANewerBinaryIsAClearError() throws {
    let path = temporaryStorePath("newer")
    let store = try SurveillanceStore.openOrCreate(at: path)
    try store.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9 something new')") }
    let newer = StoreError.schemaNewerThanTool(path: path, unknownMigrations: ["v9 something new"])
    #expect(throws: newer) { _ = try SurveillanceStore.openExisting(at: path) }
    #expect(throws: newer) { _ = try SurveillanceStore.openOrCreate(at: path) }
    #expect(StoreError.schemaNewerThanTool(path: path, unknownMigrations: ["v9"]).description.contains("newer asthma-surveillance"))
  }

  @Test func everyChildrenCSVColumnHasAStoreColumnNamedTheGRDBWay() throws {
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("columns"))
    let columns = try store.read { db in Set(try db.columns(in: "child").map(\.name)) }
    for column in ChildrenTable.columns {
      let name = StoreSchema.figureColumn(column.name)
      #expect(columns.contains(name), "\(column.name) -> \(name)")
      #expect(!name.contains("_"))
    }
    #expect(StoreSchema.figureColumn("reliever_devices_12m") == "relieverDevices12m")
  }

  @Test func theStoreDirectoryAndItsFilesAreOwnerOnly() throws {
    let path = temporaryStorePath("modes")
    let store = try SurveillanceStore.openOrCreate(at: path)
    _ = try store.replaceGeneration(with: try SampleRun.contents(), writtenAt: "now", holding: try store.lockForWriting(for: "test"))
    func mode(_ file: String) throws -> Int {
      try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int ?? -1
    }
    #expect(try mode(path) == 0o700)
    for name in try FileManager.default.contentsOfDirectory(atPath: path) {
      #expect(try mode(path + "/" + name) == 0o600, "\(name)")
    }
  }

  @Test func aStoreDirectoryOthersCanReadIsRefused() throws {
    let path = temporaryStorePath("open")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    #expect(throws: StoreError.notOwnerOnly(path: path, mode: 0o755)) { _ = try SurveillanceStore.openOrCreate(at: path) }
  }

  @Test func aMissingStoreIsAnErrorForReadersNotAnEmptyStore() throws {
    let path = temporaryStorePath("missing")
    #expect(throws: StoreError.noStore(path: path)) { _ = try SurveillanceStore.openExisting(at: path) }
    #expect(!FileManager.default.fileExists(atPath: path))
  }
}
