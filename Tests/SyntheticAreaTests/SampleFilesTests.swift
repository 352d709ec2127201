import Foundation
import SurveillanceCore
import SurveillanceFrontend
import Testing

@testable import SyntheticArea

/// `data-samples/` holds exactly what the command documented in `data-samples/README.md` writes.
/// Regenerate with `REGENERATE_SAMPLES=1 swift test --filter SampleFilesTests`, then review the
/// diff like code.
@Suite(.serialized)
struct SampleFilesTests {
  /// `asthma-surveillance generate --out data-samples --patients 1500 --seed 1 --as-of 2026-11-21 --layouts all`
  static let sampleSpec = AreaSpec(patients: 1_500, seed: 1, asOf: CalendarDate(year: 2026, month: 11, day: 21)!, layouts: .all)
  static let samples = repositoryRoot.appendingPathComponent("data-samples")
  static let regenerate = ProcessInfo.processInfo.environment["REGENERATE_SAMPLES"] == "1"

  func check(_ generated: GeneratedFiles, in directory: URL) throws {
    var expected = generated.bytes.map { ($0.key.fileName, $0.value) }
    expected.append(("planted.csv", Array(generated.summary.answerKey.utf8)))
    if Self.regenerate {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      for (name, bytes) in expected { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
    }
    for (name, bytes) in expected.sorted(by: { $0.0 < $1.0 }) {
      let committed = try #require(FileManager.default.contents(atPath: directory.appendingPathComponent(name).path), "\(name) is missing: regenerate the samples")
      #expect(Array(committed) == bytes, "\(directory.lastPathComponent)/\(name) differs from what the generator writes: regenerate with REGENERATE_SAMPLES=1 and review the diff")
    }
  }

  @Test func theCommittedAreaIsWhatTheDocumentedCommandWrites() throws {
    try check(try GeneratedFiles(Self.sampleSpec), in: Self.samples)
  }

  @Test func theCommittedCaseIsWhatTheDocumentedCommandWrites() throws {
    try check(try GeneratedFiles(hakeemCase: ()), in: Self.samples.appendingPathComponent("case-hakeem"))
  }

  @Test func theReadmeDocumentsTheCommandsTheTestsCheck() throws {
    let readme = try String(contentsOf: Self.samples.appendingPathComponent("README.md"), encoding: .utf8)
    #expect(readme.contains("generate --out data-samples --patients 1500 --seed 1 --as-of 2026-11-21 --layouts all"))
    #expect(readme.contains("generate --case hakeem --out data-samples/case-hakeem"))
  }
}
