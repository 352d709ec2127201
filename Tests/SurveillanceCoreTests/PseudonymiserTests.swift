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

  func fromFile(_ bytes: [UInt8]) throws -> Pseudonymiser {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)")
    try Data(bytes).write(to: file)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    return try Pseudonymiser.fromEnvironment([Pseudonymiser.keyFileVariable: file.path])
  }

  @Test func aRawKeyFileIsUsedExactlyEvenWhenItEndsInANewlineByte() throws {
    // head -c 32 /dev/urandom ends in 0x0A about one time in 256: that byte is key, not text.
    let raw = [UInt8](repeating: 7, count: 31) + [0x0A]
    #expect(try fromFile(raw).pseudonym(for: TestNHS.number(1)) == (try Pseudonymiser(keyBytes: raw)).pseudonym(for: TestNHS.number(1)))
  }

  @Test func aHexKeyFileIsDecodedWithOrWithoutAnEditorsNewline() throws {
    let hex = Array(key.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined().utf8)
    let expected = try Pseudonymiser(keyBytes: key).pseudonym(for: TestNHS.number(1))
    #expect(try fromFile(hex).pseudonym(for: TestNHS.number(1)) == expected)
    #expect(try fromFile(hex + [0x0A]).pseudonym(for: TestNHS.number(1)) == expected)
  }
}
