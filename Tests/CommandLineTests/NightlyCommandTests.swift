import Foundation
import Testing

/// The built binary on the bundled data-samples/, as a newcomer runs it.
@Suite(.serialized)
struct NightlyCommandTests {
  static let samples = repositoryRoot.appendingPathComponent("data-samples")

  static func nightlyArguments(out: URL, asOf: String = "2026-11-21") -> [String] {
    [
      "nightly",
      "--gp", "data-samples/gp.csv", "data-samples/gp-emis.csv",
      "--pharmacy", "data-samples/pharmacy.csv", "data-samples/pharmacy-pmr.csv",
      "--safeguarding", "data-samples/safeguarding.csv", "data-samples/safeguarding-la.csv",
      "--care-events", "data-samples/care-events.csv", "data-samples/care-events-emis.csv",
      "--as-of", asOf, "--out", out.path,
    ]
  }

  @Test func theRunEndsWithASummaryLine() throws {
    let result = try CommandRunner.run(Self.nightlyArguments(out: CommandRunner.temporaryDirectory("summary")))
    #expect(result.status == 0, "\(result.stderr)")
    let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
    #expect(
      last == "asthma-surveillance: done as of 2026-11-21: 446 children, 1049 signal(s) (52 urgent, 221 priority, 776 review); 25515 rows read, 160 rejected (each in rejects.csv)",
      "\(last)")
  }

  @Test func quietPrintsOnlyWhatWentWrongAndAPipeGetsNoProgressLine() throws {
    let out = CommandRunner.temporaryDirectory("quiet")
    let quiet = try CommandRunner.run(Self.nightlyArguments(out: out) + ["--quiet"])
    #expect(quiet.status == 0)
    #expect(quiet.stderr == "", "\(quiet.stderr)")
    let failed = try CommandRunner.run(Self.nightlyArguments(out: out) + ["-q", "--max-reject-rate", "0"])
    #expect(failed.status == 3)
    #expect(failed.stderr.hasPrefix("asthma-surveillance: run failed: "), "\(failed.stderr)")

    let store = CommandRunner.temporaryDirectory("quiet-store")
    let piped = try CommandRunner.run(Self.nightlyArguments(out: out) + ["--store", store.path])
    #expect(piped.status == 0)
    #expect(!piped.stderr.contains("\r") && !piped.stderr.contains("writing the store"), "progress is for a terminal, not a log")
  }

  @Test func runsOnTheSamplesAndAccountsForEveryRow() throws {
    let out = CommandRunner.temporaryDirectory("nightly")
    let result = try CommandRunner.run(Self.nightlyArguments(out: out))
    #expect(result.status == 0, "\(result.stderr)")
    let manifest = try manifest(in: out)
    #expect(manifest["status"] as? String == "ok")
    let inputs = try #require(manifest["inputs"] as? [[String: Any]])
    #expect(inputs.count == 8)
    for input in inputs {
      let read = try #require(input["rows_read"] as? Int)
      let accepted = try #require(input["rows_accepted"] as? Int)
      let rejected = try #require(input["rows_rejected"] as? Int)
      #expect(read > 0)
      #expect(read == accepted + rejected, "\(input["path"] ?? "")")
      let breakdown = try #require(input["accepted"] as? [String: Int])
      #expect(breakdown.values.reduce(0, +) == accepted, "\(input["path"] ?? "")")
      let reasons = try #require(input["rejected_by_reason"] as? [String: Int])
      #expect(reasons.values.reduce(0, +) == rejected)
      #expect((input["sha256"] as? String)?.count == 64)
    }
    // Every rejected row is in rejects.csv, one line each (rows hold no embedded newlines here).
    let rejects = try String(contentsOf: out.appendingPathComponent("rejects.csv"), encoding: .utf8)
    let totals = try #require(manifest["totals"] as? [String: Int])
    #expect(totals["rows_rejected"]! > 0, "the samples plant some broken rows")
    #expect(try csvRecordCount(rejects) == totals["rows_rejected"]!)
    // Children and signals.
    let children = try String(contentsOf: out.appendingPathComponent("children.csv"), encoding: .utf8)
    let childrenCount = try #require((manifest["children"] as? [String: Any])?["count"] as? Int)
    #expect(childrenCount > 100)
    #expect(try csvRecordCount(children) == childrenCount)
    let signals = try #require(manifest["signals"] as? [String: Any])
    let total = try #require(signals["total"] as? Int)
    let signalsCSV = try String(contentsOf: out.appendingPathComponent("signals.csv"), encoding: .utf8)
    #expect(total > 0)
    #expect(try csvRecordCount(signalsCSV) == total)
    let jsonl = try String(contentsOf: out.appendingPathComponent("signals.jsonl"), encoding: .utf8)
    #expect(jsonl.split(separator: "\n").count == total)
  }

  @Test func outputsAreOwnerOnlyAndTheSameBytesOnASecondRun() throws {
    let first = CommandRunner.temporaryDirectory("det1")
    let second = CommandRunner.temporaryDirectory("det2")
    #expect(try CommandRunner.run(Self.nightlyArguments(out: first)).status == 0)
    #expect(try CommandRunner.run(Self.nightlyArguments(out: second)).status == 0)
    for name in ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv"] {
      let a = try Data(contentsOf: first.appendingPathComponent(name))
      let b = try Data(contentsOf: second.appendingPathComponent(name))
      #expect(a == b, "\(name) differs between two runs on the same input")
      let mode = try FileManager.default.attributesOfItem(atPath: first.appendingPathComponent(name).path)[.posixPermissions] as? Int
      #expect(mode == 0o600, "\(name) mode \(String(mode ?? 0, radix: 8))")
    }
    let directoryMode = try FileManager.default.attributesOfItem(atPath: first.path)[.posixPermissions] as? Int
    #expect(directoryMode == 0o700)
  }

  @Test func theLogNeverContainsAnNHSNumber() throws {
    let out = CommandRunner.temporaryDirectory("log")
    let result = try CommandRunner.run(Self.nightlyArguments(out: out))
    #expect(result.status == 0)
    #expect(!result.stderr.isEmpty)
    #expect(nhsNumberShapedStrings(in: result.stderr + result.stdout) == [])
  }

  /// A failed run never replaces the last good outputs: they stay byte for byte, and the
  /// failed run's manifest and rejected rows go beside them, in OUT.failed, until a good run
  /// clears it.
  @Test func tooManyRejectedRowsFailTheRunAndLeaveTheLastGoodOutputs() throws {
    let out = CommandRunner.temporaryDirectory("rate")
    #expect(try CommandRunner.run(Self.nightlyArguments(out: out)).status == 0)
    let names = ["children.csv", "signals.csv", "signals.jsonl", "rejects.csv", "unclassified-products.csv", "manifest.json"]
    let before = try names.map { try Data(contentsOf: out.appendingPathComponent($0)) }
    let result = try CommandRunner.run(Self.nightlyArguments(out: out, asOf: "2026-11-22") + ["--max-reject-rate", "0"])
    #expect(result.status == 3)
    #expect(result.stderr.contains("of rows rejected"))
    let failed = URL(fileURLWithPath: out.path + ".failed")
    #expect(result.stderr.contains("rejects.csv in \(failed.path)"), "\(result.stderr)")
    #expect(try names.map { try Data(contentsOf: out.appendingPathComponent($0)) } == before)
    #expect(try manifest(in: failed)["status"] as? String == "failed")
    #expect(FileManager.default.fileExists(atPath: failed.appendingPathComponent("rejects.csv").path))
    #expect(!FileManager.default.fileExists(atPath: failed.appendingPathComponent("children.csv").path))
    #expect(try CommandRunner.run(Self.nightlyArguments(out: out)).status == 0)
    #expect(!FileManager.default.fileExists(atPath: failed.path), "a good run clears the last failure")
  }

  /// A pharmacy export that arrived with its header and no rows would make every GP preventer
  /// look uncollected (395 "not collected" signals on the samples' GP data, against 25). The
  /// run fails as a run with too many rejects does, keeping the last good outputs, and says
  /// how to run on the GP data alone. Two pharmacy exports of which one has rows are a run.
  @Test func aPharmacyExportWithNoRowsFailsTheRunRatherThanMakeEveryIssueLookUncollected() throws {
    let dir = CommandRunner.temporaryDirectory("no-dispensing")
    let header = try #require(try String(contentsOfFile: "data-samples/pharmacy.csv", encoding: .utf8).split(separator: "\n").first)
    let empty = dir.appendingPathComponent("pharmacy.csv")
    try write(header + "\n", to: empty)
    let out = dir.appendingPathComponent("out")
    let result = try CommandRunner.run(["nightly", "--gp", "data-samples/gp.csv", "--pharmacy", empty.path, "--as-of", "2026-11-21", "--out", out.path])
    #expect(result.status == 3)
    #expect(result.stderr.contains("the pharmacy export holds no rows"), "\(result.stderr)")
    #expect(result.stderr.contains("run without --pharmacy"))
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("signals.csv").path))
    let failed = URL(fileURLWithPath: out.path + ".failed")
    #expect(try manifest(in: failed)["status"] as? String == "failed")
    let withOther = try CommandRunner.run(
      ["nightly", "--gp", "data-samples/gp.csv", "--pharmacy", empty.path, "data-samples/pharmacy-pmr.csv", "--as-of", "2026-11-21", "--out", out.path])
    #expect(withOther.status == 0, "\(withOther.stderr)")
  }

  /// The samples' GP data with only the last three months of their dispensing: the run goes
  /// ahead (it cannot tell a late export from families who did not collect) but says, in its
  /// log and manifest, when the dispensing begins and how many issues before it it counted as
  /// not dispensed. The samples' full exports raise no such warning.
  @Test func pharmacyDataThatStartsLateIsNamedWithTheIssuesItConcerns() throws {
    let dir = CommandRunner.temporaryDirectory("late-dispensing")
    let lines = try String(contentsOfFile: "data-samples/pharmacy.csv", encoding: .utf8).split(separator: "\n")
    let dateColumn = try #require(lines[0].split(separator: ",").firstIndex(of: "dispensed_date"))
    let recent = lines.dropFirst().filter { line in
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      return fields.count > dateColumn && fields[dateColumn] >= "2026-08-21"
    }
    let pharmacy = dir.appendingPathComponent("pharmacy.csv")
    try write(([lines[0]] + recent).joined(separator: "\n") + "\n", to: pharmacy)
    let out = dir.appendingPathComponent("out")
    let result = try CommandRunner.run(["nightly", "--gp", "data-samples/gp.csv", "--pharmacy", pharmacy.path, "--as-of", "2026-11-21", "--out", out.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("warning: the pharmacy data may start late: its first dispensing to a child evaluated is 2026-08-21"), "\(result.stderr)")
    let warning = try #require(try manifest(in: out)["pharmacy_coverage_warning"] as? String)
    #expect(warning.contains("GP issue(s) dated before it are counted as not dispensed"))
    // Told the day the dispensing begins, the run leaves earlier issues unjudged: no warning,
    // far fewer not-collected signals, and the day kept in the manifest for look-ups.
    let told = dir.appendingPathComponent("told")
    let toldRun = try CommandRunner.run(
      ["nightly", "--gp", "data-samples/gp.csv", "--pharmacy", pharmacy.path, "--as-of", "2026-11-21", "--out", told.path, "--pharmacy-from", "2026-08-21"])
    #expect(toldRun.status == 0, "\(toldRun.stderr)")
    #expect(!toldRun.stderr.contains("may start late"), "\(toldRun.stderr)")
    #expect(try manifest(in: told)["pharmacy_data_from"] as? String == "2026-08-21")
    func notCollected(_ out: URL) throws -> Int {
      try String(contentsOf: out.appendingPathComponent("signals.csv"), encoding: .utf8).components(separatedBy: ",preventer-not-collected,").count - 1
    }
    let (withDay, without) = (try notCollected(told), try notCollected(out))
    #expect(withDay * 5 < without, "\(withDay) against \(without)")
    // The pharmacist's check reading the same exports takes the day too; with a store it is
    // the store's run that says, and the option is refused.
    let check = ["patient", "9990000018", "--gp", "data-samples/gp.csv", "--pharmacy", pharmacy.path, "--as-of", "2026-11-21",
      "--audit", dir.appendingPathComponent("audit").path, "--user", "u", "--reason", "r"]
    let unjudged = try CommandRunner.run(check + ["--pharmacy-from", "2026-08-21"], environment: TestKey.environment)
    let judged = try CommandRunner.run(check, environment: TestKey.environment)
    #expect(unjudged.stdout.contains("GREEN"), "\(unjudged.stdout)\(unjudged.stderr)")
    #expect(judged.stdout.contains("AMBER"), "\(judged.stdout)")
    let refused = try CommandRunner.run(
      ["patient", "9990000018", "--store", dir.appendingPathComponent("store").path, "--user", "u", "--reason", "r", "--pharmacy-from", "2026-08-21"],
      environment: TestKey.environment)
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("--pharmacy-from is for reading exports"))
    let full = try CommandRunner.run(Self.nightlyArguments(out: dir.appendingPathComponent("full")))
    #expect(!full.stderr.contains("may start late"))
    #expect(try manifest(in: dir.appendingPathComponent("full"))["pharmacy_coverage_warning"] == nil)
  }

  /// The samples run as of three months after their last row: every window's last months
  /// hold nothing, and the run says so rather than count them as quiet months.
  @Test func exportsThatEndLongBeforeTheAsOfDateAreNamed() throws {
    let out = CommandRunner.temporaryDirectory("stale-exports")
    let result = try CommandRunner.run(Self.nightlyArguments(out: out, asOf: "2027-03-01"))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("warning: the exports may end early: their last supply to a child evaluated is 2026-11-"), "\(result.stderr)")
    #expect(try manifest(in: out)["exports_end_warning"] is String)
  }

  /// A mistyped year puts every row after the as-of date: the run still writes its (empty)
  /// outputs, but says why it found no children.
  @Test func anAsOfDateBeforeTheDataIsNamed() throws {
    let out = CommandRunner.temporaryDirectory("early-as-of")
    let result = try CommandRunner.run(Self.nightlyArguments(out: out, asOf: "2020-01-01"))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("rows are dated after the as-of date 2020-01-01, and only"), "\(result.stderr)")
    #expect(result.stderr.contains("were used: check --as-of"))
    #expect(try manifest(in: out)["as_of_warning"] is String)
  }

  @Test func anEmptyFileIsAnErrorNotAnEmptyRun() throws {
    let dir = CommandRunner.temporaryDirectory("empty")
    try write("", to: dir.appendingPathComponent("gp.csv"))
    let result = try CommandRunner.run(["nightly", "--gp", dir.appendingPathComponent("gp.csv").path, "--out", dir.appendingPathComponent("out").path])
    #expect(result.status != 0)
    #expect(result.stderr.contains("empty"))
  }

  /// A report tool's export with its title and run details above the table: the run says on
  /// which line the header is and what to remove, where it said the first line lacked every
  /// column. A file with no header anywhere near the top still names the missing columns.
  @Test func aHeaderBelowAReportsTitleIsFoundAndNamed() throws {
    let dir = CommandRunner.temporaryDirectory("preamble")
    let samples = try String(contentsOfFile: "data-samples/gp.csv", encoding: .utf8)
    let gp = dir.appendingPathComponent("gp.csv")
    try write("Asthma prescribing report\nRun on 21/11/2026 by the practice\n\n" + samples, to: gp)
    let result = try CommandRunner.run(["nightly", "--gp", gp.path, "--out", dir.appendingPathComponent("out").path, "--as-of", "2026-11-21"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("the first line is not the header, but line 4 is: the 3 line(s) above it"), "\(result.stderr)")
    let partition = try CommandRunner.run(
      ["partition", "--gp", gp.path, "--shards", "2", "--out", dir.appendingPathComponent("parts").path],
      environment: ["ASTHMA_SURVEILLANCE_KEY": String(repeating: "k", count: 32)])
    #expect(partition.stderr.contains("but line 4 is"), "\(partition.stderr)")
  }

  @Test func anUnknownHeaderNamesTheMissingColumns() throws {
    let dir = CommandRunner.temporaryDirectory("header")
    try write("patient,drug,when\n1,2,3\n", to: dir.appendingPathComponent("gp.csv"))
    let result = try CommandRunner.run(["nightly", "--gp", dir.appendingPathComponent("gp.csv").path, "--out", dir.appendingPathComponent("out").path])
    #expect(result.status != 0)
    #expect(result.stderr.contains("missing column"))
    #expect(result.stderr.contains("nhs_number"))
  }

  /// Counts CSV records after the header, honouring quoted newlines.
  func csvRecordCount(_ text: String) throws -> Int {
    var inQuotes = false
    var records = 0
    for character in text {
      if character == "\"" { inQuotes.toggle() }
      if !inQuotes && (character == "\n" || character == "\r\n") { records += 1 }
    }
    return records - 1
  }
}

struct ReplayAndRulesCommandTests {
  @Test func replayFindsWhenTheCaseCouldHaveBeenSeen() throws {
    let out = CommandRunner.temporaryDirectory("replay")
    let result = try CommandRunner.run([
      "replay",
      "--gp", "data-samples/case-hakeem/gp.csv", "--pharmacy", "data-samples/case-hakeem/pharmacy.csv",
      "--safeguarding", "data-samples/case-hakeem/safeguarding.csv", "--care-events", "data-samples/case-hakeem/care-events.csv",
      "--from", "2017-01-02", "--to", "2017-11-26", "--every", "week", "--out", out.path,
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try String(contentsOf: out.appendingPathComponent("first-fired.csv"), encoding: .utf8)
    let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let firstFired = Dictionary(rows.map { ($0[1], $0[2]) }, uniquingKeysWith: min)
    #expect(firstFired["nebules-primary-care"]?.hasPrefix("2017-05") == true, "\(firstFired)")
    for rule in ["reliever-overuse", "low-preventer-ratio"] {
      #expect((firstFired[rule] ?? "9999") <= "2017-08-31", "\(rule): \(firstFired[rule] ?? "never")")
    }
    for rule in ["emergency-supply", "attack-without-review"] {
      #expect((firstFired[rule] ?? "0000") >= "2017-09-01", "\(rule): \(firstFired[rule] ?? "never")")
    }
    // From the start of the Child in Need plan, every signal that fires carries it.
    for row in rows where row[2] >= "2017-07-14" { #expect(row[4] == "CIN", "\(row[1])") }
  }

  @Test func checkRulesPassesOnTheShippedRules() throws {
    let result = try CommandRunner.run(["check-rules"])
    #expect(result.status == 0, "\(result.stdout)")
    #expect(result.stdout.contains("19 signal rules"))
  }

  @Test func checkRulesReportsEveryProblemAtOnce() throws {
    let dir = CommandRunner.temporaryDirectory("rules")
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("rules"), to: dir)
    let broken = dir.appendingPathComponent("signals/reliever-rate.json")
    var text = try String(contentsOf: broken, encoding: .utf8)
    text = text.replacingOccurrences(of: "\"reliever_devices\"", with: "\"relief_devices\"")
    try text.write(to: broken, atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(at: dir.appendingPathComponent("care.json"))
    let result = try CommandRunner.run(["check-rules", "--rules", dir.path])
    #expect(result.status != 0)
    #expect(result.stdout.contains("relief_devices"))
    #expect(result.stdout.contains("care.json"))
  }

  @Test func helpTextIsPinned() throws {
    let result = try CommandRunner.run(["--help"])
    #expect(result.status == 0)
    #expect(result.stdout == """
      OVERVIEW: Surface children's asthma prescribing patterns that need a
      clinician's or safeguarding lead's review.

      Reads GP prescribing and pharmacy dispensing exports, rebuilds each child's
      supply timeline, and raises signals defined in rules/, each saying why it fired
      and which guidance it follows. It points people to patterns; it never concludes
      that a child is neglected.

      USAGE: asthma-surveillance <subcommand>

      OPTIONS:
        --version               Show the version.
        -h, --help              Show help information.

      SUBCOMMANDS:
        nightly                 Read an area's exports and write children.csv,
                                signals, rejects and a manifest.
        patient                 Check one child at the counter: current signals, why,
                                what to do, the last 12 months (audited).
        review                  Record that a clinician looked at one of a child's
                                signals, with an outcome (audited).
        worklist                Print tonight's worklist from a store, for one
                                practice or all (audited).
        audit                   List who looked up or reviewed which child (as a
                                keyed hash), when, why and what they saw or recorded.
        status                  Say whether a store's records are current: their
                                date, and how the last nightly runs ended.
        replay                  Find the first date each child's signals would have
                                fired ("when could this have been seen?").
        partition               Split an area's exports by the keyed hash into the
                                parts each nightly --shard I/N reads, in one pass.
        merge                   Combine the outputs of nightly --shard I/N runs into
                                what one run would have written.
        report                  Write a printable report: one child's chronology, an
                                area's picture, or the rules for clinical review.
        check-rules             Check every file in rules/ and run each signal rule's
                                own examples; report all problems at once.
        rules                   Write out the rules built into this executable, to
                                review, change and use with --rules DIR.
        formulary               Classify a dm+d release into a product table to
                                review and pin, and see what a new release changed.
        generate                Write a synthetic area's exports (all synthetic, NHS
                                numbers from the test range).

        See 'asthma-surveillance help <subcommand>' for detailed help.

      """)
  }
}
