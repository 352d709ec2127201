import Foundation
import SurveillanceCore
import SurveillanceFrontend

/// The repository root, found from this file (tests must not copy rules/ or data-samples/).
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The rules the tool ships with, loaded once.
enum ShippedRules {
  static let result: Result<RuleSet, any Error> = {
    do {
      return .success(try RuleSource.directory(repositoryRoot.appendingPathComponent("rules")).load().readingTestData())
    } catch {
      return .failure(error)
    }
  }()
  static func load() throws -> RuleSet { try result.get() }
}

/// NHS numbers with valid check digits from the range reserved for testing (999 000 0000+).
enum TestNHS {
  static func number(_ index: Int) -> NHSNumber {
    var candidate = 999_000_000 + index * 7
    while true {
      let nine = String(candidate)
      var sum = 0
      for (i, c) in nine.enumerated() { sum += Int(String(c))! * (10 - i) }
      let check = (11 - sum % 11) % 11
      if check != 10, let number = NHSNumber(nine + String(check)) { return number }
      candidate += 1
    }
  }
}

func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }
