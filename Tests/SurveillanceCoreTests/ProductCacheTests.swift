@testable import SurveillanceCore
import Testing

/// The decoder's memory of what bytes it has read: every key it was given back, and nothing it
/// was not, however the keys collide or the table grows.
struct ByteKeyedCacheTests {
  func lookUp(_ cache: ByteKeyedCache<String?>, _ key: String) -> String?? {
    Array(key.utf8).withUnsafeBufferPointer { cache.value(for: $0) }
  }

  func remember(_ cache: ByteKeyedCache<String?>, _ value: String?, _ key: String) {
    Array(key.utf8).withUnsafeBufferPointer { _ = cache.remember(value, for: $0) }
  }

  @Test func remembersThousandsOfKeysThroughGrowth() {
    let cache = ByteKeyedCache<String?>()
    for index in 0..<5_000 { remember(cache, index % 3 == 0 ? nil : "value \(index)", "code-\(index)\u{0}BNF\u{0}name") }
    for index in 0..<5_000 {
      let found = lookUp(cache, "code-\(index)\u{0}BNF\u{0}name")
      if index % 3 == 0 {
        guard case .some(.none) = found else { Issue.record("\(index) should be remembered as nil"); continue }
      } else {
        #expect(found == .some("value \(index)"))
      }
    }
    guard case .none = lookUp(cache, "code-5000\u{0}BNF\u{0}name") else { Issue.record("never remembered"); return }
  }

  @Test func keysThatDifferOnlyInTheirLastBytesAreApart() {
    let cache = ByteKeyedCache<String?>()
    remember(cache, "salbutamol", "12345678abcdefgh")
    guard case .none = lookUp(cache, "12345678abcdefgi") else { Issue.record("last byte"); return }
    guard case .none = lookUp(cache, "12345678abcdefg") else { Issue.record("shorter"); return }
    guard case .none = lookUp(cache, "12345678abcdefgh\u{0}") else { Issue.record("longer by a NUL"); return }
    #expect(lookUp(cache, "12345678abcdefgh") == .some("salbutamol"))
  }

  @Test func everyByteOfAKeyUpToFortyBytesMovesItsHash() {
    // The hash reads a key by a few overlapping loads: up to 40 bytes, none may miss a byte.
    for length in 1...40 {
      let key = (0..<length).map { UInt8(truncatingIfNeeded: 0x41 + $0 * 7) }
      let hash = key.withUnsafeBufferPointer { ByteKeyedCache<Void>.hash($0) }
      for position in 0..<length {
        var changed = key
        changed[position] ^= 0x20
        let other = changed.withUnsafeBufferPointer { ByteKeyedCache<Void>.hash($0) }
        #expect(other != hash, "byte \(position) of a \(length)-byte key")
      }
    }
  }

  /// Past 40 bytes the hash samples a key, so names that differ only between the samples share
  /// a hash; the cache still tells every one apart.
  @Test func longKeysThatShareAHashAreStillToldApart() {
    let cache = ByteKeyedCache<String?>()
    let names = (0..<300).map { index in
      "Salbutamol 100micrograms/dose inhaler " + String(String(1000 + index).dropFirst()) + " CFC free and dose counter"
    }
    let hashes = Set(names.map { Array($0.utf8).withUnsafeBufferPointer { ByteKeyedCache<Void>.hash($0) } })
    #expect(hashes.count < names.count, "some names share a hash, or this test tests nothing")
    for name in names { remember(cache, name, name) }
    for name in names { #expect(lookUp(cache, name) == .some(name)) }
    guard case .none = lookUp(cache, "Salbutamol 100micrograms/dose inhaler 300 CFC free and dose counter") else {
      Issue.record("never remembered")
      return
    }
  }

  @Test func theEmptyKeyIsAKeyLikeAnyOther() {
    let cache = ByteKeyedCache<String?>()
    guard case .none = lookUp(cache, "") else { Issue.record("not yet remembered"); return }
    remember(cache, "empty", "")
    #expect(lookUp(cache, "") == .some("empty"))
    guard case .none = lookUp(cache, "a") else { Issue.record("a is not empty"); return }
  }

  @Test func theFirstValueRememberedForAKeyStays() {
    let cache = ByteKeyedCache<String?>()
    remember(cache, "first", "k")
    remember(cache, "second", "k")
    #expect(lookUp(cache, "k") == .some("first"))
  }

  @Test func stopsRememberingAtItsCapacity() {
    let cache = ByteKeyedCache<String?>(capacity: 10)
    for index in 0..<20 { remember(cache, "v\(index)", "k\(index)") }
    #expect(lookUp(cache, "k9") == .some("v9"))
    guard case .none = lookUp(cache, "k10") else { Issue.record("beyond capacity"); return }
  }
}

/// Products remembered by their columns' bytes: the text and classification come back, and
/// the quick answer for other medicines matches the classification.
struct ProductCacheTests {
  static let salbutamol = ProductClassification(role: .reliever, classID: "saba_inhaler", containsICS: false, matchedBy: .dmdCode)
  static let paracetamol = ProductClassification(role: .other, classID: "other", containsICS: false, matchedBy: .dmdCode)

  /// `key`'s columns, split at its NULs (four of them, the missing ones empty).
  func withKey<R>(_ key: String, _ body: (ProductColumns) -> R) -> R {
    var columns = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map { Array($0.utf8) }
    while columns.count < 4 { columns.append([]) }
    return columns[0].withUnsafeBufferPointer { dmd in
      columns[1].withUnsafeBufferPointer { bnf in
        columns[2].withUnsafeBufferPointer { name in
          columns[3].withUnsafeBufferPointer { unit in body(ProductColumns(dmdCode: dmd, bnfCode: bnf, name: name, unit: unit)) }
        }
      }
    }
  }

  @Test func aProductComesBackWithItsTextAndKey() {
    let cache = ProductCache()
    withKey("39113611000001102\u{0}\u{0}Salbutamol\u{0}inhaler") {
      cache.remember(KnownProduct(dmdCode: "39113611000001102", bnfCode: nil, name: "Salbutamol", classification: Self.salbutamol), for: $0)
    }
    let found = withKey("39113611000001102\u{0}\u{0}Salbutamol\u{0}inhaler") { cache.product(for: $0) }
    #expect(found?.classification == Self.salbutamol)
    #expect(found?.name == "Salbutamol")
    #expect(found?.productKey == "39113611000001102")
  }

  @Test func onlyProductsIdentifiedAsOutsideAsthmaAreOtherMedicines() {
    let cache = ProductCache()
    withKey("a") { cache.remember(KnownProduct(dmdCode: nil, bnfCode: nil, name: "Paracetamol", classification: Self.paracetamol), for: $0) }
    withKey("b") { cache.remember(KnownProduct(dmdCode: nil, bnfCode: nil, name: "Ventolin", classification: Self.salbutamol), for: $0) }
    withKey("c") { cache.remember(KnownProduct(dmdCode: nil, bnfCode: nil, name: "Mystery", classification: nil), for: $0) }
    #expect(withKey("a") { cache.isOtherMedicine($0) })
    #expect(!withKey("b") { cache.isOtherMedicine($0) })
    #expect(!withKey("c") { cache.isOtherMedicine($0) }, "an unidentified product is not settled as another medicine")
    #expect(!withKey("d") { cache.isOtherMedicine($0) }, "nor is one never seen")
    #expect(withKey("a") { cache.product(for: $0) }?.productKey == "paracetamol", "a product known only by name is keyed by it, lower-cased")
  }

  @Test func columnsAreKeptApartWhereverTheirBytesFall() {
    let cache = ProductCache()
    withKey("123\u{0}0301\u{0}Ventolin\u{0}inhaler") { cache.remember(KnownProduct(dmdCode: "123", bnfCode: "0301", name: "Ventolin", classification: Self.paracetamol), for: $0) }
    #expect(withKey("123\u{0}0301\u{0}Ventolin\u{0}inhaler") { cache.isOtherMedicine($0) })
    // The same bytes in other columns are another product.
    #expect(!withKey("1230301\u{0}\u{0}Ventolin\u{0}inhaler") { cache.isOtherMedicine($0) })
    #expect(!withKey("123\u{0}\u{0}0301Ventolin\u{0}inhaler") { cache.isOtherMedicine($0) })
    #expect(!withKey("123\u{0}0301\u{0}Ventolin\u{0}") { cache.isOtherMedicine($0) }, "the unit is part of the key")
    #expect(!withKey("123\u{0}0301\u{0}Ventolin\u{0}inhaleR") { cache.isOtherMedicine($0) })
  }
}
