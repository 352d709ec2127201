import Foundation
import Testing

/// `patient` as a pharmacist runs it: hand-worked children, pinned text, clear errors.
@Suite(.serialized)
struct PatientCommandTests {
  /// The fixtures in a fresh directory, with an audit store beside them.
  struct Setup {
    let directory = CommandRunner.temporaryDirectory("patient")
    var exports: [String] = []
    var audit: String { directory.appendingPathComponent("audit").path }

    init() throws { exports = try PatientFixtures.writeExports(into: directory) }

    func fromExports(_ nhsNumber: String..., extra: [String] = []) throws -> CommandRunner.Output {
      try CommandRunner.run(
        ["patient"] + nhsNumber + exports + ["--as-of", "2026-11-21", "--audit", audit, "--user", "Test Pharmacist", "--reason", "emergency supply request"] + extra,
        environment: TestKey.environment)
    }
  }

  @Test func aChildWithSignalsReadsInPlainWords() throws {
    let result = try Setup().fromExports(PatientFixtures.amberChild)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == Self.amberChildText)
  }

  @Test func aWellControlledChildIsGreen() throws {
    let result = try Setup().fromExports("999 800 0025")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == Self.greenChildText)
  }

  @Test func aChildWithNoRecordIsSaidPlainly() throws {
    let result = try Setup().fromExports(PatientFixtures.absentChild)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == """
      Asthma check for NHS number 999 800 0033
      No record of this child. Records as of 2026-11-21 (from the exports given).
      The records hold children with recent asthma supplies or care events. No record
      means nothing to report here, not that the child has no asthma.

      """)
  }

  @Test(arguments: ["999 800 0018", "99980000", "999-800-001X"])
  func anInvalidNHSNumberIsAClearErrorThatDoesNotRepeatIt(_ typed: String) throws {
    let result = try Setup().fromExports(typed)
    #expect(result.status != 0)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("not a valid NHS number"), "\(result.stderr)")
    #expect(!result.stderr.contains(typed.filter(\.isNumber)), "the message must not repeat what was typed")
  }

  @Test func theSameCheckFromAStoreShowsTheSameRecord() throws {
    let setup = try Setup()
    let store = setup.directory.appendingPathComponent("store").path
    let nightly = try CommandRunner.run(
      ["nightly"] + setup.exports + ["--as-of", "2026-11-21", "--out", setup.directory.appendingPathComponent("out").path, "--store", store])
    #expect(nightly.status == 0, "\(nightly.stderr)")
    for child in [PatientFixtures.amberChild, PatientFixtures.greenChild, PatientFixtures.absentChild] {
      // Records from 2026-11-21 are old today: that warning is the store's, not the record's.
      let fromStore = try CommandRunner.run(
        ["patient", child, "--store", store, "--user", "u", "--reason", "r", "--stale-after", "3650"], environment: TestKey.environment)
      let fromExports = try setup.fromExports(child)
      #expect(fromStore.status == 0, "\(fromStore.stderr)")
      // A store also remembers each signal's history, which exports read at the counter cannot.
      let historyLines = fromStore.stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasPrefix("    History: ") }
      let signalCount = fromExports.stdout.split(separator: "\n").filter { $0.hasPrefix("    What to do: ") }.count
      #expect(historyLines.count == signalCount)
      #expect(historyLines.allSatisfy { $0.contains("first seen 2026-11-21 (new in this run)") }, "\(historyLines)")
      let withoutHistory = fromStore.stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("    History: ") }
        .joined(separator: "\n")
      #expect(
        Self.withoutProvenance(withoutHistory) == Self.withoutProvenance(fromExports.stdout),
        "a store look-up and an exports look-up of the same rows must agree")
      #expect(fromStore.stdout.replacingOccurrences(of: "\n", with: " ").contains("(nightly run started 20"))
    }
  }

  @Test func jsonGivesTheSameFactsForScripts() throws {
    let result = try Setup().fromExports(PatientFixtures.amberChild, extra: ["--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["traffic_light"] as? String == "RED")
    #expect(object["age_years"] as? Int == 10)
    #expect(object["safeguarding_context"] as? Bool == true)
    #expect(object["safeguarding_advice"] as? String == "contact the practice safeguarding lead")
    let signals = try #require(object["signals"] as? [[String: Any]])
    #expect(signals.count == 8)
    #expect(signals.allSatisfy { ($0["reason"] as? String)?.isEmpty == false && ($0["recommended_action"] as? String)?.isEmpty == false })
    let months = try #require(object["months"] as? [[String: Any]])
    let monthNames: [String] = months.map { $0["month"] as? String ?? "" }
    #expect(monthNames == PatientFixtures.greenChildMonths)
    #expect(months.map { $0["relievers"] as? Int ?? -1 } == [0, 1, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0])
    #expect(months.map { $0["attacks"] as? Int ?? -1 } == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0])
    let plan = try #require(object["action_plan"] as? [String: Any])
    #expect(plan["state"] as? String == "overdue")
  }

  @Test func safeguardingShowsOnlyThatAPlanIsActiveNeverItsKind() throws {
    for extra in [[], ["--json"]] {
      let result = try Setup().fromExports(PatientFixtures.amberChild, extra: extra)
      for detail in ["CIN", "Child in Need", "neglect", "Northmoor", "2026-06-01"] {
        #expect(!result.stdout.contains(detail), "\(detail) in \(extra)")
      }
    }
  }

  @Test func userAndReasonAreRequired() throws {
    let setup = try Setup()
    let noUser = try CommandRunner.run(["patient", PatientFixtures.amberChild] + setup.exports + ["--audit", setup.audit, "--reason", "r"], environment: TestKey.environment)
    #expect(noUser.status != 0)
    #expect(noUser.stderr.contains("--user"))
    let blankReason = try CommandRunner.run(
      ["patient", PatientFixtures.amberChild] + setup.exports + ["--audit", setup.audit, "--user", "u", "--reason", " "], environment: TestKey.environment)
    #expect(blankReason.status != 0)
    #expect(blankReason.stdout.isEmpty)
  }

  @Test func readingExportsWithNowhereToAuditIsRefused() throws {
    let setup = try Setup()
    let result = try CommandRunner.run(
      ["patient", PatientFixtures.amberChild] + setup.exports + ["--user", "u", "--reason", "r"], environment: TestKey.environment)
    #expect(result.status != 0)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("every look-up is audited"))
  }

  @Test func withoutAKeyNothingIsShown() throws {
    let setup = try Setup()
    let result = try CommandRunner.run(
      ["patient", PatientFixtures.amberChild] + setup.exports + ["--audit", setup.audit, "--user", "u", "--reason", "r"],
      environment: ["ASTHMA_SURVEILLANCE_KEY_FILE": "", "ASTHMA_SURVEILLANCE_KEY": ""])
    #expect(result.status != 0)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("pseudonymisation key"))
  }

  @Test func aMissingStoreIsAnErrorNotNoRecord() throws {
    let result = try CommandRunner.run(
      ["patient", PatientFixtures.amberChild, "--store", CommandRunner.temporaryDirectory("nostore").path, "--user", "u", "--reason", "r"],
      environment: TestKey.environment)
    #expect(result.status != 0)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("no store here"))
  }

  /// The text with the words that say where the records came from taken out, and the
  /// lines joined (those words change how the first lines wrap).
  static func withoutProvenance(_ text: String) -> String {
    var joined = text.split(separator: "\n").joined(separator: " ")
    for pattern in [" \\(nightly run started [^)]*\\)", " \\(from the exports given\\)"] {
      joined = joined.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
    }
    return joined
  }
}
