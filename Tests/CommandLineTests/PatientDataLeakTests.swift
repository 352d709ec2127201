import Foundation
import Testing

/// No identifier leaks into a log or a pseudonymised output: the whole of a nightly run's and
/// an area report's log, and every file of the pseudonymised area report, are scanned for
/// NHS-number shapes and for the children's dates of birth.
@Suite(.serialized)
struct PatientDataLeakTests {
  /// Dates of birth of the sample children that appear nowhere else in the inputs (so that
  /// finding one in an output can only mean a date of birth leaked).
  static func datesOfBirthOnly() throws -> Set<String> {
    let gp = try String(contentsOf: repositoryRoot.appendingPathComponent("data-samples/gp.csv"), encoding: .utf8)
    var births: Set<String> = []
    var others: Set<String> = []
    for line in gp.split(separator: "\n").dropFirst() {
      let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard cells.count > 3 else { continue }
      births.insert(cells[1])
      others.insert(cells[3])
    }
    for name in ["pharmacy.csv", "care-events.csv", "safeguarding.csv"] {
      let text = try String(contentsOf: repositoryRoot.appendingPathComponent("data-samples/\(name)"), encoding: .utf8)
      for match in text.matches(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) { others.insert(String(match.output)) }
    }
    return births.subtracting(others).filter { $0.count == 10 }
  }

  @Test func logsAndPseudonymisedOutputsHoldNoNHSNumberOrDateOfBirth() throws {
    let work = CommandRunner.temporaryDirectory("leak")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let key = work.appendingPathComponent("key")
    try Data((0..<32).map { UInt8($0 * 7 % 251) }).write(to: key)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
    let environment = ["ASTHMA_SURVEILLANCE_KEY_FILE": key.path]
    let inputs = Array(NightlyCommandTests.nightlyArguments(out: work.appendingPathComponent("nightly")).dropFirst())
    let nightly = try CommandRunner.run(["nightly"] + inputs, environment: environment)
    #expect(nightly.status == 0, "\(nightly.stderr)")
    var areaArguments = ["report", "area"] + inputs
    let outIndex = try #require(areaArguments.firstIndex(of: "--out"))
    areaArguments[outIndex + 1] = work.appendingPathComponent("area").path
    let area = try CommandRunner.run(areaArguments, environment: environment)
    #expect(area.status == 0, "\(area.stderr)")

    var scanned: [(String, String)] = [("nightly log", nightly.stderr + nightly.stdout), ("area log", area.stderr + area.stdout)]
    let areaDirectory = work.appendingPathComponent("area")
    for name in try FileManager.default.contentsOfDirectory(atPath: areaDirectory.path) {
      let text = try String(contentsOf: areaDirectory.appendingPathComponent(name), encoding: .utf8)
      scanned.append((name, text))
    }
    #expect(scanned.count >= 3, "the area report wrote no files to scan")
    let births = try Self.datesOfBirthOnly()
    #expect(births.count >= 10, "too few dates of birth to make the scan mean anything")
    for (name, text) in scanned {
      #expect(nhsNumberShapedStrings(in: text) == [], "\(name) holds an NHS-number-shaped string")
      let leaked = births.filter { text.contains($0) }
      #expect(leaked.isEmpty, "\(name) holds dates of birth: \(leaked.sorted().prefix(3))")
    }
  }
}
