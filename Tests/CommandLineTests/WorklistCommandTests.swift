import Foundation
import SurveillanceCore
import SurveillanceStore
import Testing

/// A medicines team's week: `nightly --store` on the 21st, reviews, a failed run, `nightly` on the
/// 28th with exports that changed, reviews, `nightly` on 5 December. Eight hand-made children,
/// each with reliever inhalers issued by the GP (3 in 12 months raise `reliever-overuse` at
/// review, 6 at priority), all born 2018-05-01 but D:
///
/// - A: 3 relievers; reviewed (practice-informed) after the 21st; a 4th on 2026-11-25 is new
///   evidence, so A is back on the 28th; reviewed again (no-action-needed), off on 5 December.
/// - B: 2 relievers, then a 3rd on 2026-11-26: crosses the threshold, new on the 28th.
/// - C: 3 relievers, one on 2025-11-25, which leaves the 12-month window by the 28th: resolved,
///   below the threshold.
/// - D: born 2008-11-24, so 17 on the 21st and 18 on the 28th: resolved, turned 18.
/// - E: 3 relievers on the 21st, in no export on the 28th: resolved, left the exports.
/// - F: 3 relievers; reviewed (practice-informed); nothing changes: off the worklist on the
///   28th and on 5 December, reviews surviving each new generation.
/// - G: 3 relievers; reviewed (review-booked until 2026-11-25): back as review-lapsed on the 28th.
/// - H (another practice): 5 relievers, a 6th on 2026-11-27: escalated from review to priority.
@Suite(.serialized)
struct WorklistCommandTests {
  static let a = "9998100003", b = "9998100011", c = "9998100038", d = "9998100046"
  static let e = "9998100054", f = "9998100062", g = "9998100070", h = "9998100089"
  static let salbutamol = "7511000001105,0301011R0AAAPAP,Salbutamol 100micrograms/dose inhaler CFC free (Actavis UK Ltd)"

  static let firstNight: [(String, String, String, [String])] = [
    (a, "2018-05-01", "Z10001", ["2026-03-10", "2026-06-10", "2026-09-10"]),
    (b, "2018-05-01", "Z10001", ["2026-04-01", "2026-08-01"]),
    (c, "2018-05-01", "Z10001", ["2025-11-25", "2026-03-01", "2026-06-01"]),
    (d, "2008-11-24", "Z10001", ["2026-02-01", "2026-05-01", "2026-08-01"]),
    (e, "2018-05-01", "Z10001", ["2026-02-02", "2026-05-02", "2026-08-02"]),
    (f, "2018-05-01", "Z10001", ["2026-02-03", "2026-05-03", "2026-08-03"]),
    (g, "2018-05-01", "Z10001", ["2026-02-04", "2026-05-04", "2026-08-04"]),
    (h, "2018-05-01", "Z20002", ["2026-01-05", "2026-03-05", "2026-05-05", "2026-07-05", "2026-09-05"]),
  ]

  /// The second night's export: E gone, A, B and H with one more reliever each.
  static var secondNight: [(String, String, String, [String])] {
    firstNight.filter { $0.0 != e }.map { child in
      let extra = [a: "2026-11-25", b: "2026-11-26", h: "2026-11-27"][child.0]
      return (child.0, child.1, child.2, child.3 + (extra.map { [$0] } ?? []))
    }
  }

  static func gpExport(_ children: [(String, String, String, [String])], badRow: Bool = false) -> String {
    var rows = ["nhs_number,date_of_birth,practice_code,issue_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,issue_type,prescriber_code,prescription_id"]
    for (index, child) in children.enumerated() {
      for (issue, date) in child.3.enumerated() {
        rows.append("\(child.0),\(child.1),\(child.2),\(date),\(salbutamol),1,device,acute,G1000001,P-\(index)-\(issue)")
      }
    }
    if badRow { rows.append("\(a),2018-05-01,Z10001,2026-13-45,\(salbutamol),1,device,acute,G1000001,P-bad") }
    return rows.joined(separator: "\n") + "\n"
  }

  struct Week {
    let directory = CommandRunner.temporaryDirectory("worklist")
    var store: String { directory.appendingPathComponent("store").path }
    var out: URL { directory.appendingPathComponent("out") }

    func nightly(_ export: String, asOf: String, extra: [String] = []) throws -> CommandRunner.Output {
      let file = directory.appendingPathComponent("gp-\(asOf).csv")
      try write(export, to: file)
      return try CommandRunner.run(["nightly", "--gp", file.path, "--as-of", asOf, "--out", out.path, "--store", store] + extra)
    }

    func review(_ child: String, _ rule: String, _ outcome: String, extra: [String] = []) throws -> CommandRunner.Output {
      try CommandRunner.run(
        ["review", child, "--store", store, "--signal", rule, "--outcome", outcome, "--user", "Medicines Team", "--reason", "nightly worklist"] + extra,
        environment: TestKey.environment)
    }

    /// Each child's `reliever-overuse` row of `signals.csv`: status, first seen, severity.
    func relieverOveruse() throws -> [String: (status: String, firstSeen: String, severity: String)] {
      let rows = try csvRows("signals.csv")
      var result: [String: (String, String, String)] = [:]
      for row in rows where row["signal"] == "reliever-overuse" {
        result[row["nhs_number"]!] = (row["status"]!, row["first_seen"]!, row["severity"]!)
      }
      return result
    }

    func csvRows(_ name: String) throws -> [[String: String]] {
      let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
      let lines = CSVTestParser.rows(text)
      guard let header = lines.first else { return [] }
      return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    func worklistChildren(_ name: String = "worklist.csv") throws -> [String] { try csvRows(name).map { $0["nhs_number"]! } }

    func manifest() throws -> [String: Any] {
      try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as! [String: Any]
    }
  }

  @Test func aWeekOfNightlyRunsGivesStatusesResolvedSignalsAndAWorklistThatReviewsShorten() throws {
    let week = Week()
    // The 21st: a first run with this store, every signal new.
    let first = try week.nightly(Self.gpExport(Self.firstNight), asOf: "2026-11-21")
    #expect(first.status == 0, "\(first.stderr)")
    let firstSignals = try week.relieverOveruse()
    #expect(Set(firstSignals.keys) == [Self.a, Self.c, Self.d, Self.e, Self.f, Self.g, Self.h])
    #expect(firstSignals.values.allSatisfy { $0.status == "new" && $0.firstSeen == "2026-11-21" })
    // B's two relievers with no preventer raise saba-without-ics: every child is on the list.
    #expect(Set(try week.worklistChildren()) == [Self.a, Self.b, Self.c, Self.d, Self.e, Self.f, Self.g, Self.h])
    #expect(try week.csvRows("resolved.csv").isEmpty)

    // Reviews after the first night.
    let reviewA = try week.review(Self.a, "reliever-overuse", "practice-informed")
    #expect(reviewA.status == 0, "\(reviewA.stderr)")
    #expect(!reviewA.stdout.contains(Self.a) && !reviewA.stderr.contains(Self.a), "no NHS number in what review prints")
    #expect(try week.review(Self.f, "reliever-overuse", "practice-informed").status == 0)
    #expect(try week.review(Self.g, "reliever-overuse", "review-booked", extra: ["--until", "2026-11-25", "--note", "booked with the practice nurse"]).status == 0)
    // saba-without-ics fires with reliever-overuse for these children (no preventer at all): the
    // worklist is about reliever-overuse here, so F's and G's other signal is reviewed too.
    #expect(try week.review(Self.f, "saba-without-ics", "practice-informed").status == 0)
    #expect(try week.review(Self.a, "saba-without-ics", "practice-informed").status == 0)
    #expect(try week.review(Self.g, "saba-without-ics", "practice-informed").status == 0)

    // A review needs a firing signal, a known outcome, and --until where the outcome asks.
    let notFiring = try week.review(Self.b, "reliever-overuse", "practice-informed")
    #expect(notFiring.status != 0 && notFiring.stderr.contains("does not fire for this child"), "\(notFiring.stderr)")
    let unknown = try week.review(Self.a, "reliever-overuse", "phoned-mum")
    #expect(unknown.status != 0 && unknown.stderr.contains("practice-informed"), "\(unknown.stderr)")
    let noUntil = try week.review(Self.a, "reliever-overuse", "review-booked")
    #expect(noUntil.status != 0 && noUntil.stderr.contains("--until"), "\(noUntil.stderr)")

    // A failed run (every rejected row too many) on the 25th changes no history: the 28th is
    // still compared with the 21st.
    let failed = try week.nightly(Self.gpExport(Self.secondNight, badRow: true), asOf: "2026-11-25", extra: ["--max-reject-rate", "0"])
    #expect(failed.status == 3, "\(failed.stderr)")
    let failedManifest = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: week.out.standardizedFileURL.path + ".failed/manifest.json"))) as? [String: Any]
    #expect(failedManifest?["status"] as? String == "failed")
    #expect(failedManifest?["worklist"] == nil, "a failed run writes no worklist and counts none")

    // The 28th.
    let second = try week.nightly(Self.gpExport(Self.secondNight, badRow: true), asOf: "2026-11-28")
    #expect(second.status == 0, "\(second.stderr)")
    let secondSignals = try week.relieverOveruse()
    #expect(secondSignals[Self.a]?.status == "new-evidence")
    #expect(secondSignals[Self.a]?.firstSeen == "2026-11-21")
    #expect(secondSignals[Self.b]?.status == "new")
    #expect(secondSignals[Self.b]?.firstSeen == "2026-11-28")
    #expect(secondSignals[Self.f]?.status == "continuing")
    #expect(secondSignals[Self.g]?.status == "review-lapsed")
    #expect(secondSignals[Self.h]?.status == "escalated")
    #expect(secondSignals[Self.h]?.severity == "priority")
    #expect(secondSignals[Self.c] == nil && secondSignals[Self.d] == nil && secondSignals[Self.e] == nil)

    let resolved = try week.csvRows("resolved.csv").filter { $0["signal"] == "reliever-overuse" }
    let why = Dictionary(uniqueKeysWithValues: resolved.map { ($0["nhs_number"]!, $0["why"]!) })
    #expect(why == [Self.c: "below_threshold", Self.d: "turned_18", Self.e: "left_exports"])
    #expect(resolved.allSatisfy { $0["last_seen"] == "2026-11-21" && $0["first_seen"] == "2026-11-21" })

    // Tonight's worklist: H first (priority), then the review-level children; F is covered by
    // its review; each practice gets its own list.
    let worklist = try week.csvRows("worklist.csv")
    #expect(worklist.map { $0["nhs_number"]! }.first == Self.h)
    #expect(Set(worklist.map { $0["nhs_number"]! }) == [Self.a, Self.b, Self.g, Self.h])
    #expect(worklist.first { $0["nhs_number"] == Self.g }?["reasons"]?.contains("2026-11-25") == true)
    #expect(worklist.first { $0["nhs_number"] == Self.a }?["reasons"]?.contains("2026-11-25") == true, "the new evidence's date")
    #expect(try week.worklistChildren("worklist/Z20002.csv") == [Self.h])
    #expect(Set(try week.worklistChildren("worklist/Z10001.csv")) == [Self.a, Self.b, Self.g])
    let counts = try #require(try week.manifest()["worklist"] as? [String: Any])
    #expect(counts["children"] as? Int == 4)
    #expect(counts["compared_with_run_as_of"] as? String == "2026-11-21")
    // A's two reviewed signals both have the new reliever behind them.
    #expect((counts["signals_by_status"] as? [String: Int])?["new-evidence"] == 2)
    #expect((counts["signals_by_status"] as? [String: Int])?["review-lapsed"] == 1)
    #expect((counts["signals_by_status"] as? [String: Int])?["escalated"] == 1)
    #expect((counts["children_by_severity"] as? [String: Int])?["priority"] == 1)
    #expect(second.stderr.contains("4 child(ren) on the worklist"), "\(second.stderr)")

    // `worklist` gives a practice its list from the store, as the nightly run wrote it...
    func practiceList() throws -> CommandRunner.Output {
      try CommandRunner.run(
        ["worklist", "--store", week.store, "--practice", "Z10001", "--user", "Medicines Team", "--reason", "morning worklist", "--stale-after", "3650"],
        environment: TestKey.environment)
    }
    let before = try practiceList()
    #expect(before.status == 0, "\(before.stderr)")
    #expect(before.stdout == (try String(contentsOf: week.out.appendingPathComponent("worklist/Z10001.csv"), encoding: .utf8)))

    // ...and once A is looked at again, A is gone from it at once, and from 5 December's (same
    // exports), with F: their reviews carried through two new generations. B's signal continues.
    #expect(try week.review(Self.a, "reliever-overuse", "no-action-needed").status == 0)
    #expect(try week.review(Self.a, "saba-without-ics", "no-action-needed").status == 0)
    let after = try practiceList()
    #expect(Set(CSVTestParser.rows(after.stdout).dropFirst().map { $0[1] }) == [Self.b, Self.g])
    let third = try week.nightly(Self.gpExport(Self.secondNight, badRow: true), asOf: "2026-12-05")
    #expect(third.status == 0, "\(third.stderr)")
    let thirdSignals = try week.relieverOveruse()
    #expect(thirdSignals[Self.b]?.status == "continuing")
    #expect(thirdSignals[Self.b]?.firstSeen == "2026-11-28")
    let thirdList = Set(try week.worklistChildren())
    #expect(!thirdList.contains(Self.a) && !thirdList.contains(Self.f) && !thirdList.contains(Self.b), "\(thirdList)")
    #expect(thirdList.contains(Self.g), "a lapsed review stays lapsed until the signal is reviewed again")

    // Every review is in the audit trail, keyed by hash, never by number.
    let audit = try CommandRunner.run(["audit", "--store", week.store], environment: TestKey.environment)
    #expect(audit.status == 0)
    #expect(audit.stdout.contains("8 review(s)"), "\(audit.stdout)")
    #expect(audit.stdout.contains("reliever-overuse: review-booked"))
    #expect(![Self.a, Self.f, Self.g].contains { audit.stdout.contains($0) })
    let entries = try SurveillanceStore.openExisting(at: week.store).auditEntries().filter { $0.command == "review" }
    #expect(entries.count == 8)
    #expect(entries.allSatisfy { $0.nhsPseudonym != nil && $0.outcome == .reviewed })

    // The pharmacist sees that the signal was reviewed and how, not the note.
    let check = try CommandRunner.run(["patient", Self.g, "--store", week.store, "--user", "u", "--reason", "r", "--json"], environment: TestKey.environment)
    #expect(check.status == 0, "\(check.stderr)")
    #expect(check.stdout.contains("\"outcome\":\"review-booked\""))
    #expect(!check.stdout.contains("practice nurse"))
    let text = try CommandRunner.run(["patient", Self.g, "--store", week.store, "--user", "u", "--reason", "r"], environment: TestKey.environment)
    #expect(text.stdout.contains("first seen 2026-11-21 (review-lapsed in this run)"), "\(text.stdout)")
    #expect(text.stdout.contains("review-booked, look again after 2026-11-25"))
  }

  @Test func aRunWithoutAStoreKeepsNoHistoryAndLeavesNoEarlierWorklistBehind() throws {
    let week = Week()
    #expect(try week.nightly(Self.gpExport(Self.firstNight), asOf: "2026-11-21").status == 0)
    #expect(FileManager.default.fileExists(atPath: week.out.appendingPathComponent("worklist.csv").path))
    let file = week.directory.appendingPathComponent("gp.csv")
    try write(Self.gpExport(Self.firstNight), to: file)
    let plain = try CommandRunner.run(["nightly", "--gp", file.path, "--as-of", "2026-11-22", "--out", week.out.path])
    #expect(plain.status == 0, "\(plain.stderr)")
    for name in ["worklist.csv", "worklist", "resolved.csv"] {
      #expect(!FileManager.default.fileExists(atPath: week.out.appendingPathComponent(name).path), "\(name) would describe another run")
    }
    #expect(try week.relieverOveruse().values.allSatisfy { $0.status.isEmpty && $0.firstSeen.isEmpty })
    #expect(try week.manifest()["worklist"] == nil)
  }
}

/// Just enough CSV for reading the tool's own outputs back: quoted cells with commas and
/// doubled quotes, one row per line.
enum CSVTestParser {
  static func rows(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var cell = ""
    var quoted = false
    var iterator = text.makeIterator()
    var pending: Character?
    while let character = pending ?? iterator.next() {
      pending = nil
      if quoted {
        if character == "\"" {
          if let next = iterator.next() {
            if next == "\"" { cell.append("\"") } else { quoted = false; pending = next }
          } else {
            quoted = false
          }
        } else {
          cell.append(character)
        }
        continue
      }
      switch character {
      case "\"": quoted = true
      case ",": row.append(cell); cell = ""
      case "\n", "\r\n":
        row.append(cell); cell = ""
        rows.append(row); row = []
      default: cell.append(character)
      }
    }
    if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
    return rows
  }
}
