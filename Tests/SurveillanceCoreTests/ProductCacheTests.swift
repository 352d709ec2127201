@testable import SurveillanceCore
import Testing

/// The decoder's memory of classified products: every key it was given back, and nothing it
/// was not, however the keys collide or the table grows.
struct ProductCacheTests {
  static let salbutamol = ProductClassification(role: .reliever, classID: "saba_inhaler", containsICS: false, matchedBy: .dmdCode)

  func lookUp(_ cache: ProductCache, _ key: String) -> ProductClassification?? {
    Array(key.utf8).withUnsafeBufferPointer { cache.classification(for: $0) }
  }

  func remember(_ cache: ProductCache, _ value: ProductClassification?, _ key: String) {
    Array(key.utf8).withUnsafeBufferPointer { cache.remember(value, for: $0) }
  }

  @Test func remembersThousandsOfKeysThroughGrowth() {
    let cache = ProductCache()
    for index in 0..<5_000 { remember(cache, index % 3 == 0 ? nil : Self.salbutamol, "code-\(index)\u{0}BNF\u{0}name") }
    for index in 0..<5_000 {
      let found = lookUp(cache, "code-\(index)\u{0}BNF\u{0}name")
      if index % 3 == 0 {
        guard case .some(.none) = found else { Issue.record("\(index) should be remembered as unidentified"); continue }
      } else {
        #expect(found == .some(Self.salbutamol))
      }
    }
    guard case .none = lookUp(cache, "code-5000\u{0}BNF\u{0}name") else { Issue.record("never remembered"); return }
  }

  @Test func keysThatDifferOnlyInTheirLastBytesAreApart() {
    let cache = ProductCache()
    remember(cache, Self.salbutamol, "12345678abcdefgh")
    guard case .none = lookUp(cache, "12345678abcdefgi") else { Issue.record("last byte"); return }
    guard case .none = lookUp(cache, "12345678abcdefg") else { Issue.record("shorter"); return }
    guard case .none = lookUp(cache, "12345678abcdefgh\u{0}") else { Issue.record("longer by a NUL"); return }
    #expect(lookUp(cache, "12345678abcdefgh") == .some(Self.salbutamol))
  }

  @Test func stopsRememberingAtItsCapacity() {
    let cache = ProductCache(capacity: 10)
    for index in 0..<20 { remember(cache, Self.salbutamol, "k\(index)") }
    #expect(lookUp(cache, "k9") == .some(Self.salbutamol))
    guard case .none = lookUp(cache, "k10") else { Issue.record("beyond capacity"); return }
  }
}
