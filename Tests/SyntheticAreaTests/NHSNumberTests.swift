import SurveillanceCore
import Testing

@testable import SyntheticArea

/// Every NHS number is a valid one from the test range, except in the deliberately broken rows.
struct NHSNumberTests {
  static let columns: [(SyntheticFile, String)] = [
    (.gp, "nhs_number"), (.pharmacy, "nhs_number"), (.safeguarding, "nhs_number"), (.careEvents, "nhs_number"),
    (.gpEMIS, "NHS Number"), (.pharmacyPMR, "Patient NHS No"), (.safeguardingLA, "NHS Number"), (.careEventsEMIS, "NHS Number"),
  ]

  @Test(arguments: columns)
  func everyNHSNumberPassesModulus11ExceptInBrokenRows(file: SyntheticFile, column: String) throws {
    let generated = try GeneratedFiles(smallSpec)
    let broken = Set(generated.summary.brokenLines[file] ?? [])
    var checked = 0
    for row in try generated.rows(file) {
      let text = try #require(row.fields[column], "\(file.fileName) line \(row.line) has no \(column)")
      guard case .success(let number) = NHSNumber.parse(text) else {
        #expect(broken.contains(row.line), "\(file.fileName) line \(row.line): '\(text)' fails Modulus 11 but is not a planned broken row")
        continue
      }
      #expect(number.description.hasPrefix("999"), "\(file.fileName) line \(row.line) is outside the test range")
      checked += 1
    }
    #expect(checked > 0)
  }

  @Test func theCohortsNeverShareAPatient() throws {
    let generated = try GeneratedFiles(smallSpec)
    let canonical = Set(try generated.rows(.gp).compactMap { $0.fields["nhs_number"] })
    let realWorld = Set(try generated.rows(.pharmacyPMR).compactMap { $0.fields["Patient NHS No"] })
    #expect(canonical.isDisjoint(with: realWorld))
  }

  @Test func emisPrintsNumbersWithSpaces() throws {
    let generated = try GeneratedFiles(smallSpec)
    let first = try #require(try generated.rows(.gpEMIS).first?.fields["NHS Number"])
    #expect(first.count == 12 && first.split(separator: " ").map(\.count) == [3, 3, 4])
  }
}
