import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// No message repeats a cell of an export or an NHS number, however the input is broken or
/// the command mistyped; and no message is longer than a line.
@Suite(.serialized)
struct MessageSafetyTests {
  static let gpHeader = "nhs_number,date_of_birth,practice_code,issue_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,issue_type,prescriber_code,prescription_id"

  func run(_ file: String, _ text: String, extra: [String] = []) throws -> CommandRunner.Output {
    let dir = CommandRunner.temporaryDirectory("messages")
    try write(text, to: dir.appendingPathComponent(file))
    return try CommandRunner.run(["nightly", "--gp", dir.appendingPathComponent(file).path, "--out", dir.appendingPathComponent("out").path] + extra)
  }

  /// A file whose first row is patient data, or an unknown layout whose cells hold a name and
  /// a number: the message describes the row's shape and the columns expected, never a cell.
  @Test func anUnknownHeaderIsDescribedByItsShapeNotItsCells() throws {
    let result = try run("gp.csv", "Patient,Born,When\nJohn Smith 999 000 1774,2019-01-01,2026-01-01\n")
    #expect(result.status != 0)
    #expect(result.stderr.contains("the first row has 3 column(s)"), "\(result.stderr)")
    #expect(result.stderr.contains("nhs_number"))
    for cell in ["Patient", "Born", "John Smith", "2019-01-01"] { #expect(!result.stderr.contains(cell), "\(cell) in \(result.stderr)") }
  }

  /// An 8 MB first line is refused at once, in a short message.
  @Test func aHugeFirstLineIsRefusedQuicklyInAShortMessage() throws {
    let started = Date()
    let result = try run("gp.csv", "9990001774," + String(repeating: "x", count: 8_000_000) + "\n")
    #expect(result.status != 0)
    #expect(result.stderr.contains("not a header"), "\(result.stderr.prefix(300))")
    #expect(result.stderr.count < 1_000)
    #expect(Date().timeIntervalSince(started) < 5)
    #expect(nhsNumberShapedStrings(in: result.stderr) == [])
  }

  @Test func aMistypedArgumentIsNeverEchoedWhenItLooksLikeAnNHSNumber() throws {
    let result = try CommandRunner.run(["nightly", "--gp", "data-samples/gp.csv", "--as-of", "999 000 1774", "--out", "/tmp/never-written"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("--as-of"))
    #expect(nhsNumberShapedStrings(in: result.stderr) == [], "\(result.stderr)")
    let stray = try CommandRunner.run(["audit", "9990001774", "--store", "/tmp/never-a-store"])
    #expect(stray.status != 0)
    #expect(nhsNumberShapedStrings(in: stray.stderr) == [], "\(stray.stderr)")
  }

  /// `--user` and `--reason` go into the audit trail, which keeps a keyed hash of the number.
  @Test(arguments: [["--user", "pharmacist for 9990001774", "--reason", "reliever request"], ["--user", "A Pharmacist", "--reason", "asked about 999-000-1774"]])
  func anNHSNumberInTheAuditTextIsRefused(_ options: [String]) throws {
    let exports = try PatientFixtures.writeExports(into: CommandRunner.temporaryDirectory("audit-text"))
    let result = try CommandRunner.run(
      ["patient", PatientFixtures.amberChild] + exports + ["--as-of", "2026-11-21", "--audit", CommandRunner.temporaryDirectory("audit-dir").path] + options,
      environment: TestKey.environment)
    #expect(result.status != 0)
    #expect(result.stderr.contains("must not contain an NHS number"), "\(result.stderr)")
    #expect(nhsNumberShapedStrings(in: result.stderr + result.stdout) == [])
  }

  /// `0000000000` and `1111111111` pass Modulus 11; they are what systems type for "unknown",
  /// and made three children one.
  @Test func placeholderNumbersAreRejectedWithTheirOwnReason() throws {
    let rows = [Self.gpHeader] + ["0000000000", "1111111111", "0000000000"].enumerated().map { index, number in
      "\(number),201\(index)-01-01,Z1,2026-0\(index + 1)-01,,0301011R0AAAPAP,Salbutamol 100micrograms/dose inhaler CFC free,1,device,acute,G1,"
    }
    let dir = CommandRunner.temporaryDirectory("placeholder")
    try write(rows.joined(separator: "\n") + "\n", to: dir.appendingPathComponent("gp.csv"))
    let out = dir.appendingPathComponent("out")
    let result = try CommandRunner.run(["nightly", "--gp", dir.appendingPathComponent("gp.csv").path, "--out", out.path, "--max-reject-rate", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    let inputs = try #require(try manifest(in: out)["inputs"] as? [[String: Any]])
    #expect((inputs[0]["rejected_by_reason"] as? [String: Int]) == ["placeholder_nhs_number": 3])
    #expect((try manifest(in: out)["children"] as? [String: Any])?["count"] as? Int == 0)
  }

  /// Two exports concatenated: the second brings its byte-order mark before its header.
  @Test func aRepeatedHeaderAfterAByteOrderMarkIsARepeatedHeader() throws {
    let row = "9990000018,2019-01-01,Z1,2026-01-01,,0301011R0AAAPAP,Salbutamol 100micrograms/dose inhaler CFC free,1,device,acute,G1,"
    let dir = CommandRunner.temporaryDirectory("bom-header")
    try write("\u{FEFF}\(Self.gpHeader)\n\(row)\n\u{FEFF}\(Self.gpHeader)\n\(row)\n", to: dir.appendingPathComponent("gp.csv"))
    let out = dir.appendingPathComponent("out")
    let result = try CommandRunner.run(["nightly", "--gp", dir.appendingPathComponent("gp.csv").path, "--out", out.path, "--max-reject-rate", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    let inputs = try #require(try manifest(in: out)["inputs"] as? [[String: Any]])
    #expect((inputs[0]["rejected_by_reason"] as? [String: Int]) == ["repeated_header": 1])
  }
}

/// A key others can read, or someone else owns, is not used, as ssh refuses such a key.
@Suite struct KeyFileTests {
  func lookUp(withKeyMode mode: Int, owner: UInt32? = nil) throws -> CommandRunner.Output {
    let key = CommandRunner.temporaryDirectory("key-file")
    #expect(FileManager.default.createFile(atPath: key.path, contents: Data(repeating: 0x5A, count: 32), attributes: [.posixPermissions: mode]))
    if let owner { #expect(chown(key.path, owner, owner) == 0) }
    let exports = try PatientFixtures.writeExports(into: CommandRunner.temporaryDirectory("key-exports"))
    return try CommandRunner.run(
      ["patient", PatientFixtures.amberChild] + exports
        + ["--as-of", "2026-11-21", "--audit", CommandRunner.temporaryDirectory("key-audit").path, "--user", "u", "--reason", "r"],
      environment: ["ASTHMA_SURVEILLANCE_KEY_FILE": key.path, "NO_COLOR": "1"])
  }

  @Test func aKeyFileOthersCanReadIsRefusedWithTheFix() throws {
    let result = try lookUp(withKeyMode: 0o644)
    #expect(result.status != 0)
    #expect(result.stderr.contains("chmod 600"), "\(result.stderr)")
    #expect(try lookUp(withKeyMode: 0o600).status == 0)
  }

  @Test(.enabled(if: geteuid() == 0, "only root can give a file to another user"))
  func aKeyFileAnotherUserOwnsIsRefused() throws {
    let result = try lookUp(withKeyMode: 0o600, owner: 65534)
    #expect(result.status != 0)
    #expect(result.stderr.contains("belongs to another user"), "\(result.stderr)")
  }
}

/// The samples' NHS numbers are from the range reserved for testing: a run not told it reads
/// test data rejects them, so a test record in a real export never becomes a child.
@Suite struct TestRangeTests {
  @Test func withoutTestDataTheSamplesRowsAreRejectedAsTestNumbers() throws {
    let out = CommandRunner.temporaryDirectory("real-run")
    let result = try CommandRunner.run(
      ["nightly", "--gp", "data-samples/gp.csv", "--as-of", "2026-11-21", "--out", out.path], environment: ["ASTHMA_SURVEILLANCE_TEST_DATA": "0"])
    #expect(result.status == 3, "every row is rejected: the run fails")
    let failed = try manifest(in: URL(fileURLWithPath: out.path + ".failed"))
    let inputs = try #require(failed["inputs"] as? [[String: Any]])
    #expect(((inputs[0]["rejected_by_reason"] as? [String: Int])?["test_range_nhs_number"] ?? 0) > 1_000)
    let accepted = try CommandRunner.run(
      ["nightly", "--gp", "data-samples/gp.csv", "--as-of", "2026-11-21", "--out", out.path, "--test-data"],
      environment: ["ASTHMA_SURVEILLANCE_TEST_DATA": "0"])
    #expect(accepted.status == 0, "\(accepted.stderr)")
    #expect(try manifest(in: out)["test_data"] as? String != nil)
  }
}

/// Every date the options accept gives an answer or a plain error, never a crash; a date
/// outside them (year 1 once crashed `report child`) is refused by the option itself.
@Suite struct DateEdgeTests {
  static let hakeem = [
    "--gp", "data-samples/case-hakeem/gp.csv", "--pharmacy", "data-samples/case-hakeem/pharmacy.csv",
    "--care-events", "data-samples/case-hakeem/care-events.csv",
  ]

  @Test(arguments: ["1900-01-01", "1900-03-01", "2199-12-31", "2000-02-29"])
  func theEdgesOfTheAcceptedDatesNeverCrash(_ day: String) throws {
    let out = CommandRunner.temporaryDirectory("edge")
    let runs: [[String]] = [
      ["nightly"] + Self.hakeem + ["--as-of", day, "--out", out.appendingPathComponent("nightly").path],
      ["report", "child", "9999999018"] + Self.hakeem + ["--as-of", day, "--every", "month", "--out", out.appendingPathComponent("child.html").path],
      ["replay"] + Self.hakeem + ["--from", day, "--to", day, "--out", out.appendingPathComponent("replay").path],
    ]
    for arguments in runs {
      let result = try CommandRunner.run(arguments)
      #expect([0, 1].contains(result.status), "\(arguments.prefix(2)) on \(day): status \(result.status), \(result.stderr.suffix(300))")
      #expect(!result.stderr.contains("Fatal error"))
    }
  }

  @Test(arguments: ["0001-06-01", "1899-12-31", "2200-01-01", "10000-01-01"])
  func aDateOutsideTheAcceptedRangeIsRefusedByTheOption(_ day: String) throws {
    let result = try CommandRunner.run(["report", "child", "9999999018"] + Self.hakeem + ["--as-of", day, "--out", "/tmp/never-written.html"])
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.contains("--as-of"))
  }
}
