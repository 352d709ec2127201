import Crypto
import Foundation
import SurveillanceCore

/// Loads and checks everything under `rules/`.
///
/// Loading collects every problem before failing, as OpenPrescribing's definition check does,
/// so that a reviewer fixing rule files sees all of them in one go.
public struct RulesDirectory: Sendable {
  public let url: URL

  public init(url: URL) { self.url = url }

  /// The directory named by `path`, else `$ASTHMA_SURVEILLANCE_RULES`, else `./rules`.
  public static func locate(_ path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> RulesDirectory {
    let chosen = path ?? environment["ASTHMA_SURVEILLANCE_RULES"] ?? "rules"
    return RulesDirectory(url: URL(fileURLWithPath: chosen, isDirectory: true))
  }

  /// The rule set, or every problem found, each naming its file. `pinnedProductTable: false`
  /// leaves out the product table `formulary.json` pins, for a run given a release instead.
  public func load(pinnedProductTable: Bool = true) throws(RulesError) -> RuleSet {
    var problems: [String] = []
    func attempt<T>(_ file: String, _ body: () throws -> T) -> T? {
      do { return try body() } catch let error as DecodingError {
        problems.append("\(file): \(Self.describe(error))")
      } catch {
        problems.append("\(file): \(error)")
      }
      return nil
    }
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw RulesError(problems: ["\(url.path): the rules directory does not exist (use --rules DIR, or run from the repository root)"])
    }
    let version = attempt("version.json") { try decode(VersionFile.self, "version.json") }

    var profiles: [InputProfile] = []
    for file in jsonFiles(in: "inputs") {
      if let profile = attempt(file, { try decode(InputProfile.self, file) }) {
        problems.append(contentsOf: profile.problems.map { "\(file): \($0)" })
        if "inputs/\(profile.id).json" != file { problems.append("\(file): the file name should match the id '\(profile.id)'") }
        profiles.append(profile)
      }
    }
    if profiles.isEmpty { problems.append("inputs/: no input profiles") }

    let formulary = attempt("formulary/formulary.json") { try Formulary.load(rulesDirectory: url, pinnedProductTable: pinnedProductTable) }
    let timeline = attempt("timeline.json") { try decode(TimelinePolicy.self, "timeline.json") }
    let care = attempt("care.json") { try decode(CarePolicy.self, "care.json") }
    let holidays = attempt(Self.bankHolidaysFile) { try decode(BankHolidayFile.self, Self.bankHolidaysFile) }
    let nhsNumbers = attempt("nhs-numbers.json") { try decode(NHSNumberRules.self, "nhs-numbers.json") }
    problems.append(contentsOf: (nhsNumbers?.problems ?? []).map { "nhs-numbers.json: \($0)" })

    var signals: [SignalRule] = []
    for file in jsonFiles(in: "signals") {
      if let rule = attempt(file, { try decode(SignalRule.self, file) }) {
        let name = String(file.dropFirst("signals/".count))
        problems.append(contentsOf: rule.problems(fileName: name).map { "\(file): \($0)" })
        signals.append(rule)
      }
    }
    for id in Dictionary(grouping: signals, by: \.id).filter({ $0.value.count > 1 }).keys.sorted() {
      problems.append("signals/: two rules share the id '\(id)'")
    }

    guard problems.isEmpty, let version, let formulary, let timeline, let care, let holidays, let nhsNumbers else {
      throw RulesError(problems: problems)
    }
    var rules = RuleSet(
      version: version.version, profiles: profiles, formulary: formulary, timeline: timeline, care: care,
      calendar: WorkingDayCalendar(bankHolidays: holidays.dates), signals: signals)
    rules.nhsNumbers = nhsNumbers
    return rules
  }

  static let bankHolidaysFile = "calendar/bank-holidays-england-and-wales.json"

  /// SHA-256 over every file under `rules/`, in path order: what exactly a run used.
  public func fingerprint() -> String {
    var hasher = SHA256()
    let base = url.standardizedFileURL.path
    let paths = (FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? []).sorted()
    for path in paths {
      var isDirectory: ObjCBool = false
      let full = base + "/" + path
      guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
        let data = FileManager.default.contents(atPath: full)
      else { continue }
      hasher.update(data: Data(path.utf8))
      hasher.update(data: data)
    }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
  }

  private struct VersionFile: Decodable { var version: String }

  private struct BankHolidayFile: Decodable {
    var dates: [CalendarDate]
  }

  private func jsonFiles(in folder: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent(folder).path)) ?? []
    return names.filter { $0.hasSuffix(".json") }.sorted().map { "\(folder)/\($0)" }
  }

  private func decode<T: Decodable>(_ type: T.Type, _ file: String) throws -> T {
    let data = try Data(contentsOf: url.appendingPathComponent(file))
    return try JSONDecoder().decode(T.self, from: data)
  }

  /// A decoding error in words, with the path to the offending field.
  static func describe(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context) -> String {
      let components = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
      return components.isEmpty ? "" : " at \(components.hasPrefix(".") ? String(components.dropFirst()) : components)"
    }
    switch error {
    case .keyNotFound(let key, let context): return "missing field '\(key.stringValue)'\(path(context))"
    case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(context.debugDescription)\(path(context))"
    case .dataCorrupted(let context): return "\(context.debugDescription)\(path(context))"
    @unknown default: return "\(error)"
    }
  }
}

/// The rules could not be loaded; every problem found is listed.
public struct RulesError: Error, CustomStringConvertible {
  public var problems: [String]
  public var description: String {
    "rules: \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
  }
}
