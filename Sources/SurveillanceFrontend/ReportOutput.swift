import Foundation
import SurveillanceCore

/// Where a report goes: one file (child report, rules catalogue) written owner-only through
/// ``OutputDirectory``, atomically, in a directory created owner-only when missing.
public struct ReportFile: Sendable {
  public let directory: OutputDirectory
  public let name: String

  public init(path: String) throws {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw ReportError.outputIsADirectory(ReportLog.safe(path))
    }
    name = url.lastPathComponent
    directory = try OutputDirectory(path: url.deletingLastPathComponent().path, holdsSingleFiles: true)
  }

  public var path: String { directory.url.appendingPathComponent(name).path }

  public func write(_ text: String) throws { try directory.write(text, to: name) }
}

/// Why a report could not be made. No message carries an NHS number.
public enum ReportError: Error, CustomStringConvertible, Equatable {
  case childNotFound
  case outputIsADirectory(String)
  /// `report child --store`: the text given is not an NHS number (checked, and audited, after
  /// the store was opened).
  case invalidNHSNumber(NHSNumber.Problem)
  /// `report child --store`: the current generation has no record of the child.
  /// `population`: who the store keeps, in words (``PopulationWords/rule``).
  case childNotInStore(asOf: CalendarDate, population: String)
  /// The store's generation was made with other rules than the ones given.
  case rulesDifferFromStore(storeRulesVersion: String, givenRulesVersion: String)
  /// `--as-of` after the date of the store's generation, which knows nothing later.
  case asOfAfterStore(CalendarDate)
  /// The generation was written before the store kept both sides of each supply.
  case storeKeepsNoRecords(String)

  public var description: String {
    switch self {
    case .childNotFound:
      return "no row in the given exports is for the NHS number given (checked after reading every file; a row with an invalid NHS number would be in rejects.csv of a nightly run)"
    case .outputIsADirectory(let path):
      return "\(path) is a directory: give a file name for the report, such as \(path)/report.html"
    case .invalidNHSNumber(let problem):
      return "the NHS number given is not valid: \(problem)"
    case .childNotInStore(let asOf, let population):
      return "the store's current generation (the nightly run as of \(asOf)) has no record of the NHS number given: it holds the children in the population on that date (\(population)); for another child, read the exports instead (--gp/--pharmacy FILE...)"
    case .rulesDifferFromStore(let stored, let given):
      return "the store's current generation was evaluated with other rules (version \(stored)) than these (version \(given); the rules folders' fingerprints differ): give --rules the folder the nightly run used, run nightly --store again with these rules, or read the exports instead (--gp/--pharmacy FILE...)"
    case .asOfAfterStore(let asOf):
      return "--as-of is after the store's current generation (the nightly run as of \(asOf)), which knows nothing later: leave --as-of out to report as of \(asOf), or give an earlier date"
    case .storeKeepsNoRecords(let path):
      return "\(path): the current generation was written by an earlier version of asthma-surveillance, before the store kept each child's rows as read, which a report replays; run nightly --store again"
    }
  }
}

/// Log lines about reports: paths are the analyst's to choose and may hold an NHS number
/// (`--out 9434765919.html`), which must never reach a log.
public enum ReportLog {
  /// `text` with every run of ten digits, spaced 3-3-4 or not, replaced.
  public static func safe(_ text: String) -> String {
    let characters = Array(text)
    var result = ""
    var index = 0
    while index < characters.count {
      if let end = nhsShapedEnd(characters, from: index) {
        result += "[NHS number]"
        index = end
      } else {
        result.append(characters[index])
        index += 1
      }
    }
    return result
  }

  /// The end of an NHS-number-shaped run starting at `start`: ten digits, optionally as
  /// 3-3-4 with single spaces or hyphens, not touching other digits.
  private static func nhsShapedEnd(_ characters: [Character], from start: Int) -> Int? {
    if start > 0, characters[start - 1].isASCIIDigit { return nil }
    var index = start
    var digits = 0
    while index < characters.count, digits < 10 {
      let character = characters[index]
      if character.isASCIIDigit {
        digits += 1
        index += 1
      } else if (character == " " || character == "-"), digits == 3 || digits == 6, index + 1 < characters.count, characters[index + 1].isASCIIDigit {
        index += 1
      } else {
        break
      }
    }
    guard digits == 10 else { return nil }
    if index < characters.count, characters[index].isASCIIDigit { return nil }
    return index
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
