import Foundation
import SurveillanceCore
import SurveillanceStore
import Testing

/// `report child|area --store`: the reports a nightly store gives, as an analyst runs them.
/// Every look-up of a child's record in the store is audited, as `patient`'s are.
@Suite(.serialized)
struct ReportStoreCommandTests {
  /// A store filled by `nightly --store` on the case child's exports as of the day he died.
  static func hakeemStore() throws -> URL {
    let directory = CommandRunner.temporaryDirectory("report-store")
    let store = directory.appendingPathComponent("store")
    let nightly = try CommandRunner.run(
      ["nightly"] + ReportCommandTests.caseInputs + ["--as-of", "2017-11-26", "--out", directory.appendingPathComponent("out").path, "--store", store.path])
    #expect(nightly.status == 0, "\(nightly.stderr)")
    return store
  }

  static func reportChild(_ nhsNumber: [String], store: URL, out: URL, extra: [String] = [], environment: [String: String] = TestKey.environment) throws -> CommandRunner.Output {
    try CommandRunner.run(
      ["report", "child"] + nhsNumber + ["--store", store.path, "--user", "An Analyst", "--reason", "CDOP review", "--out", out.path] + extra,
      environment: environment)
  }

  static func audit(_ store: URL) throws -> [AuditEntry] { try SurveillanceStore.openExisting(at: store.path).auditEntries() }

  @Test func theChildReportFromAStoreIsByteForByteTheReportFromTheExports() throws {
    let store = try Self.hakeemStore()
    let out = store.deletingLastPathComponent()
    let fromExports = try CommandRunner.run(
      ["report", "child", "9999999018"] + ReportCommandTests.caseInputs + ["--as-of", "2017-11-26", "--out", out.appendingPathComponent("exports.html").path])
    #expect(fromExports.status == 0, "\(fromExports.stderr)")
    // The case's records are from 2017: old today, which the store's report would say first.
    let fromStore = try Self.reportChild(["999", "999", "9018"], store: store, out: out.appendingPathComponent("store.html"), extra: ["--stale-after", "3650"])
    #expect(fromStore.status == 0, "\(fromStore.stderr)")
    let exportsHTML = try String(contentsOf: out.appendingPathComponent("exports.html"), encoding: .utf8)
    let storeHTML = try String(contentsOf: out.appendingPathComponent("store.html"), encoding: .utf8)
    // The store adds one section only it can write: each signal's nightly history and reviews.
    let history = try #require(storeHTML.range(of: #"(?s)<section aria-labelledby="reviews">.*?</section>\n"#, options: .regularExpression))
    #expect(storeHTML[history].contains("first seen") || storeHTML[history].contains("2017-11-26"))
    var withoutHistory = storeHTML
    withoutHistory.removeSubrange(history)
    #expect(withoutHistory == exportsHTML, "the same rows give the same report, whether read from the exports or the store")
    #expect(storeHTML.contains("When could this have been seen?"))
    #expect(try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("store.html").path)[.posixPermissions] as? Int == 0o600)
    #expect(nhsNumberShapedStrings(in: fromStore.stderr + fromStore.stdout) == [], "\(fromStore.stderr)")
  }

  @Test func theLookUpIsInTheAuditTrailWithoutTheNHSNumber() throws {
    let store = try Self.hakeemStore()
    let out = store.deletingLastPathComponent().appendingPathComponent("report.html")
    #expect(try Self.reportChild(["9999999018"], store: store, out: out).status == 0)
    // The pharmacist's check of the same child, for its keyed hash.
    let check = try CommandRunner.run(["patient", "9999999018", "--store", store.path, "--user", "A Pharmacist", "--reason", "r"], environment: TestKey.environment)
    #expect(check.status == 0, "\(check.stderr)")

    let entries = try Self.audit(store)
    #expect(entries.count == 2)
    let report = try #require(entries.first)
    #expect(report.command == "report child")
    #expect(report.outcome == .found)
    #expect(report.source == "store")
    #expect(report.user == "An Analyst" && report.reason == "CDOP review")
    #expect(report.asOf?.description == "2017-11-26")
    #expect(report.runID != nil)
    #expect(report.trafficLight == nil)
    #expect(report.nhsPseudonym?.count == 16)
    #expect(report.nhsPseudonym == entries[1].nhsPseudonym, "the same keyed hash as a counter check of the child")
    #expect(entries[1].command == "patient")
    for entry in entries {
      let fields = [entry.time, entry.user, entry.reason, entry.nhsPseudonym ?? "", entry.outcome.rawValue, entry.source, entry.command]
      #expect(nhsNumberShapedStrings(in: fields.joined(separator: " ")) == [])
      #expect(!fields.joined().contains("9999999018"))
    }
    let listed = try CommandRunner.run(["audit", "--store", store.path])
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(listed.stdout.contains("report child"))
    #expect(nhsNumberShapedStrings(in: listed.stdout) == [])
  }

  @Test func everyLookUpIsAuditedWhateverItFinds() throws {
    let store = try Self.hakeemStore()
    let out = store.deletingLastPathComponent().appendingPathComponent("report.html")
    let unknown = try Self.reportChild(["9434765919"], store: store, out: out)
    #expect(unknown.status != 0)
    #expect(unknown.stderr.contains("has no record of the NHS number given"), "\(unknown.stderr)")
    let invalid = try Self.reportChild(["9999999019"], store: store, out: out)
    #expect(invalid.status != 0)
    #expect(invalid.stderr.contains("not valid"), "\(invalid.stderr)")
    let later = try Self.reportChild(["9999999018"], store: store, out: out, extra: ["--as-of", "2017-12-01"])
    #expect(later.status != 0)
    #expect(later.stderr.contains("after the store's current generation"), "\(later.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path), "nothing written")
    for result in [unknown, invalid, later] {
      #expect(nhsNumberShapedStrings(in: result.stderr + result.stdout) == [], "\(result.stderr)")
    }
    let entries = try Self.audit(store)
    #expect(entries.map(\.outcome) == [.noRecord, .invalidNHSNumber, .failed])
    #expect(entries.allSatisfy { $0.command == "report child" })
    #expect(entries[1].nhsPseudonym == nil, "an invalid number names no child")
  }

  @Test func aLookUpInAStoreNeedsAUserAReasonAndAKey() throws {
    let store = try Self.hakeemStore()
    let out = store.deletingLastPathComponent().appendingPathComponent("report.html")
    let noUser = try CommandRunner.run(
      ["report", "child", "9999999018", "--store", store.path, "--reason", "r", "--out", out.path], environment: TestKey.environment)
    #expect(noUser.status != 0)
    #expect(noUser.stderr.contains("--user"), "\(noUser.stderr)")
    let blankReason = try CommandRunner.run(
      ["report", "child", "9999999018", "--store", store.path, "--user", "u", "--reason", " ", "--out", out.path], environment: TestKey.environment)
    #expect(blankReason.status != 0)
    #expect(blankReason.stderr.contains("--reason"), "\(blankReason.stderr)")
    let noKey = try Self.reportChild(["9999999018"], store: store, out: out, environment: ["ASTHMA_SURVEILLANCE_KEY_FILE": "", "ASTHMA_SURVEILLANCE_KEY": ""])
    #expect(noKey.status != 0)
    #expect(noKey.stderr.contains("ASTHMA_SURVEILLANCE_KEY_FILE"), "\(noKey.stderr)")
    let both = try Self.reportChild(["9999999018"], store: store, out: out, extra: ["--gp", "data-samples/case-hakeem/gp.csv"])
    #expect(both.status != 0)
    #expect(both.stderr.contains("not both"), "\(both.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
    #expect(try Self.audit(store).isEmpty, "nothing was looked up")
    // Reading exports needs no audit: --user and --reason there would suggest one.
    let exportsWithUser = try CommandRunner.run(
      ["report", "child", "9999999018"] + ReportCommandTests.caseInputs + ["--user", "u", "--reason", "r", "--out", out.path])
    #expect(exportsWithUser.status != 0)
    #expect(exportsWithUser.stderr.contains("--store"), "\(exportsWithUser.stderr)")
  }

  @Test func otherRulesThanTheNightlyRunsAreRefusedAndAudited() throws {
    let store = try Self.hakeemStore()
    let rules = store.deletingLastPathComponent().appendingPathComponent("rules")
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("rules"), to: rules)
    try "A note that changes the folder's fingerprint.\n".write(to: rules.appendingPathComponent("NOTE.txt"), atomically: true, encoding: .utf8)
    let out = store.deletingLastPathComponent().appendingPathComponent("report.html")
    let result = try Self.reportChild(["9999999018"], store: store, out: out, extra: ["--rules", rules.path])
    #expect(result.status != 0)
    #expect(result.stderr.contains("other rules"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
    #expect(try Self.audit(store).map(\.outcome) == [.failed])
  }

  @Test func theAreaReportFromAStoreNamesNoChildUnlessChildrenAreIdentified() throws {
    let directory = CommandRunner.temporaryDirectory("report-area-store")
    let store = directory.appendingPathComponent("store")
    let nightly = try CommandRunner.run(NightlyStoreCommandTests.nightly(store: store))
    #expect(nightly.status == 0, "\(nightly.stderr)")
    let out = directory.appendingPathComponent("area")
    let arguments = ["report", "area", "--store", store.path, "--out", out.path]

    // No key: the report names no child, so it publishes no pseudonym.
    let keyed = try CommandRunner.run(arguments, environment: ["ASTHMA_SURVEILLANCE_KEY_FILE": "", "ASTHMA_SURVEILLANCE_KEY": ""])
    #expect(keyed.status == 0, "\(keyed.stderr)")
    #expect(nhsNumberShapedStrings(in: keyed.stderr + keyed.stdout) == [], "\(keyed.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
    #expect(files.contains("area-report.html") && files.contains("practices.csv"))
    #expect(!files.contains("children-with-signals.csv"), "a list of children needs --identify")
    for name in files {
      let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
      #expect(nhsNumberShapedStrings(in: text) == [], "\(name)")
      #expect(try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(name).path)[.posixPermissions] as? Int == 0o600, "\(name)")
    }
    let html = try String(contentsOf: out.appendingPathComponent("area-report.html"), encoding: .utf8)
    #expect(html.contains("As known on 2026-11-21"))
    #expect(html.contains("nightly run as of 2026-11-21"))

    let unaudited = try CommandRunner.run(arguments + ["--identify"], environment: ["ASTHMA_SURVEILLANCE_KEY_FILE": "", "ASTHMA_SURVEILLANCE_KEY": ""])
    #expect(unaudited.status != 0)
    #expect(unaudited.stderr.contains("--user"), "\(unaudited.stderr)")

    let identifying = arguments + ["--identify", "--user", "medicines.team", "--reason", "practice follow-up"]
    let identified = try CommandRunner.run(identifying, environment: ["ASTHMA_SURVEILLANCE_KEY_FILE": "", "ASTHMA_SURVEILLANCE_KEY": ""])
    #expect(identified.status == 0, "\(identified.stderr)")
    let named = try String(contentsOf: out.appendingPathComponent("children-with-signals.csv"), encoding: .utf8)
    #expect(named.hasPrefix("nhs_number,"))
    #expect(!nhsNumberShapedStrings(in: named).isEmpty)
    #expect(nhsNumberShapedStrings(in: identified.stderr) == [])
    let storeIndex = try #require(arguments.firstIndex(of: "--store"))
    let trail = try CommandRunner.run(["audit", "--store", arguments[storeIndex + 1]])
    #expect(trail.stdout.contains("report area --identify") && trail.stdout.contains("medicines.team"), "\(trail.stdout)")

    let withDate = try CommandRunner.run(arguments + ["--as-of", "2026-11-01"], environment: TestKey.environment)
    #expect(withDate.status != 0)
    #expect(withDate.stderr.contains("as of its nightly run"), "\(withDate.stderr)")
  }
}
