import Foundation
import Testing

@testable import SurveillanceCore

/// The codelists are the published files, unchanged: each matches the git blob pinned in
/// `rules/codelists/codelists.txt`, and every file the formulary reads is pinned.
@Suite struct FormularyProvenanceTests {
  struct Pin: Sendable, CustomTestStringConvertible {
    var file: String
    var repository: String
    var commit: String
    var path: String
    var blob: String
    var testDescription: String { file }
  }

  static let pins: [Pin] = {
    let url = FormularyFixture.rulesDirectory.appendingPathComponent("codelists/codelists.txt")
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
      guard !line.hasPrefix("#") else { return nil }
      let fields = line.split(separator: " ").map(String.init)
      guard fields.count == 5 else { return nil }
      return Pin(file: fields[0], repository: fields[1], commit: fields[2], path: fields[3], blob: fields[4])
    }
  }()

  @Test(arguments: pins)
  func everyCodelistIsTheBlobItsPinNames(_ pin: Pin) throws {
    let url = FormularyFixture.rulesDirectory.appendingPathComponent("codelists").appendingPathComponent(pin.file)
    let bytes = [UInt8](try Data(contentsOf: url))
    #expect(GitBlob.id(of: bytes) == pin.blob, "\(pin.file) differs from \(pin.repository) \(pin.path) at \(pin.commit)")
    #expect(pin.repository.hasPrefix("https://github.com/"))
    #expect(pin.commit.count == 40)
  }

  @Test func everyCodelistTheFormularyReadsIsPinned() throws {
    let pinned = Set(Self.pins.map(\.file))
    #expect(!pinned.isEmpty)
    let used = Set(try FormularyFixture.definition().classes.flatMap { ($0.codelists ?? []).map(\.file) })
    #expect(used.subtracting(pinned).isEmpty, "not pinned: \(used.subtracting(pinned).sorted())")
    #expect(pinned.subtracting(used).isEmpty, "pinned but unused: \(pinned.subtracting(used).sorted())")
  }

  @Test func everySourceIsCitedAndEveryCitationHasTextAndAnAddress() throws {
    let definition = try FormularyFixture.definition()
    for source in definition.sources {
      #expect(!source.text.isEmpty, "\(source.id)")
      #expect(source.url != nil || source.id == "project_choice", "\(source.id) has no url")
    }
    let cited = definition.citedSourceIDs
    #expect(Set(definition.sources.map(\.id)) == cited, "defined but never cited, or cited but not defined")
  }
}

/// Git's blob id: SHA-1 of `blob <size>\0` followed by the bytes.
enum GitBlob {
  static func id(of bytes: [UInt8]) -> String {
    PlainSHA1.hex(Array("blob \(bytes.count)\0".utf8) + bytes)
  }
}

/// A plain SHA-1 (FIPS 180-4), only to check git blob ids in tests.
enum PlainSHA1 {
  static func hex(_ message: [UInt8]) -> String {
    var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
    var padded = message + [0x80]
    while padded.count % 64 != 56 { padded.append(0) }
    let bitLength = UInt64(message.count) * 8
    for shift in stride(from: 56, through: 0, by: -8) { padded.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
    var w = [UInt32](repeating: 0, count: 80)
    for chunk in stride(from: 0, to: padded.count, by: 64) {
      for i in 0..<16 {
        let b = padded[(chunk + i * 4)..<(chunk + i * 4 + 4)].map(UInt32.init)
        w[i] = b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
      }
      for i in 16..<80 {
        let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
        w[i] = x << 1 | x >> 31
      }
      var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
      for i in 0..<80 {
        let (f, k): (UInt32, UInt32)
        switch i {
        case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
        case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
        case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
        default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
        }
        let temp = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
        (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, temp)
      }
      h[0] = h[0] &+ a
      h[1] = h[1] &+ b
      h[2] = h[2] &+ c
      h[3] = h[3] &+ d
      h[4] = h[4] &+ e
    }
    return h.map { word in
      let digits = String(word, radix: 16)
      return String(repeating: "0", count: 8 - digits.count) + digits
    }.joined()
  }
}
