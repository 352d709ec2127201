import SurveillanceCore
import Testing

@testable import SyntheticArea

/// The same spec always gives the same bytes; another seed gives another area.
struct DeterminismTests {
  @Test func theSameSeedWritesTheSameBytes() throws {
    let spec = AreaSpec(patients: 300, seed: 42, asOf: CalendarDate(year: 2026, month: 11, day: 21)!, layouts: .all)
    let first = try GeneratedFiles(spec)
    let second = try GeneratedFiles(spec)
    for file in SyntheticFile.allCases {
      #expect(first.bytes[file] == second.bytes[file], "\(file.fileName) differs between two runs of one spec")
    }
  }

  @Test func aDifferentSeedWritesADifferentArea() throws {
    let asOf = CalendarDate(year: 2026, month: 11, day: 21)!
    let first = try GeneratedFiles(AreaSpec(patients: 300, seed: 1, asOf: asOf))
    let second = try GeneratedFiles(AreaSpec(patients: 300, seed: 2, asOf: asOf))
    #expect(first.bytes[.gp] != second.bytes[.gp])
    #expect(first.bytes[.pharmacy] != second.bytes[.pharmacy])
  }

  @Test func choosingAllLayoutsLeavesTheCanonicalFilesUnchanged() throws {
    var spec = AreaSpec(patients: 300, seed: 5, asOf: CalendarDate(year: 2026, month: 11, day: 21)!)
    let canonical = try GeneratedFiles(spec)
    spec.layouts = .all
    let all = try GeneratedFiles(spec)
    for file in SyntheticFile.allCases where file.isCanonical {
      #expect(canonical.bytes[file] == all.bytes[file], "\(file.fileName) changed when the real-world layouts were added")
    }
    #expect(canonical.bytes[.gpEMIS] == nil)
  }

  @Test func turningBrokenRowsOffRemovesOnlyTheBrokenRows() throws {
    var spec = AreaSpec(patients: 300, seed: 5, asOf: CalendarDate(year: 2026, month: 11, day: 21)!)
    let withBroken = try GeneratedFiles(spec)
    spec.brokenRows = false
    let clean = try GeneratedFiles(spec)
    let broken = Set(withBroken.summary.brokenLines[.gp] ?? [])
    #expect(!broken.isEmpty)
    let kept = try withBroken.records(.gp).enumerated().filter { !broken.contains($0.offset + 1) }.map(\.element)
    #expect(kept == (try clean.records(.gp)))
  }
}
