import Foundation
import SurveillanceCore
import SurveillanceFrontend
import Testing

struct PseudonymiserTests {
  let key = [UInt8](repeating: 7, count: 32)

  @Test func theSameChildAlwaysGetsTheSamePseudonymAndItHidesTheNumber() throws {
    let pseudonymiser = try Pseudonymiser(keyBytes: key)
    let nhs = TestNHS.number(1)
    let pseudonym = pseudonymiser.pseudonym(for: nhs)
    #expect(pseudonym == pseudonymiser.pseudonym(for: nhs))
    #expect(pseudonym.count == 16)
    #expect(!pseudonym.contains(nhs.description))
    #expect(pseudonym != pseudonymiser.pseudonym(for: TestNHS.number(2)))
  }

  @Test func anotherKeyGivesAnotherPseudonym() throws {
    let nhs = TestNHS.number(1)
    let other = try Pseudonymiser(keyBytes: [UInt8](repeating: 8, count: 32))
    #expect(try Pseudonymiser(keyBytes: key).pseudonym(for: nhs) != other.pseudonym(for: nhs))
  }

  @Test func shortOrMissingKeysAreClearErrors() {
    #expect(throws: Pseudonymiser.KeyError.tooShort(bytes: 5)) { try Pseudonymiser(keyBytes: Array("short".utf8)) }
    #expect(throws: Pseudonymiser.KeyError.missing) { try Pseudonymiser.fromEnvironment([:]) }
    #expect(throws: Pseudonymiser.KeyError.unreadableFile("/nonexistent")) {
      try Pseudonymiser.fromEnvironment([Pseudonymiser.keyFileVariable: "/nonexistent"])
    }
  }

  @Test func aKeyFileWithATrailingNewlineReadsAsTheSameKey() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)")
    try Data(key + [0x0A]).write(to: file)
    let fromFile = try Pseudonymiser.fromEnvironment([Pseudonymiser.keyFileVariable: file.path])
    #expect(fromFile.pseudonym(for: TestNHS.number(1)) == (try Pseudonymiser(keyBytes: key)).pseudonym(for: TestNHS.number(1)))
  }
}
