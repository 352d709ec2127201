import Foundation
import SurveillanceFrontend
import Testing

/// The large outputs go to the disk past the page cache, in whole blocks from one buffer with
/// the last one padded and cut back: whatever the sizes of the pieces, the file holds exactly
/// the bytes appended, owner-only, as a file written through the page cache does.
@Suite struct OutputWriterTests {
  @Test(arguments: [false, true])
  func aFileHoldsExactlyTheBytesAppendedInPiecesOfAnySize(bypassingPageCache: Bool) throws {
    let staging = 4 << 20
    for total in [0, 1, 4095, 4096, 4097, staging - 1, staging, staging + 1, 3 * staging + 12_345] {
      let folder = FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: folder) }
      var generator = SystemRandomNumberGenerator()
      let bytes = (0..<total).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
      let generation = try OutputDirectory(path: folder.path).beginGeneration()
      let writer = try generation.writer(for: "rows.csv", bypassingPageCache: bypassingPageCache)
      var at = 0
      while at < total {
        let piece = min(total - at, [1, 7, 4096, 100_000, 5_000_000][Int.random(in: 0..<5, using: &generator)])
        try writer.append(Array(bytes[at..<at + piece]))
        at += piece
      }
      try writer.finish()
      try generation.publish()

      let file = folder.appendingPathComponent("rows.csv")
      #expect(try Data(contentsOf: file) == Data(bytes), "\(total) bytes, bypassing \(writer.bypassing)")
      #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
      if !bypassingPageCache { #expect(!writer.bypassing) }
    }
  }
}
