import Crypto
import EmbeddedRules
import Foundation
import SurveillanceCore

/// Where a run's rule files come from: a folder (`--rules DIR`, `$ASTHMA_SURVEILLANCE_RULES`)
/// or the copy of the repository's `rules/` built into the executable (``embedded``).
///
/// Everything that reads a rule file goes through this type, so that loading, the checks, the
/// problems reported (each naming its file by its path inside the rules) and the fingerprint
/// are the same whichever the files came from.
///
/// Loading collects every problem before failing, as OpenPrescribing's definition check does,
/// so that a reviewer fixing rule files sees all of them in one go.
public struct RuleSource: Sendable {
  private enum Storage: Sendable {
    case directory(URL)
    /// File contents by path inside the rules, and what to call them in logs.
    case inMemory([String: Data], name: String)
  }

  private let storage: Storage

  private init(storage: Storage) { self.storage = storage }

  /// The rule files in the folder at `url`.
  public static func directory(_ url: URL) -> RuleSource { RuleSource(storage: .directory(url)) }

  /// Rule files held in memory, by path inside the rules: how the embedded rules are kept,
  /// and how a test gives the loader the same files it gives it as a folder.
  public static func inMemory(_ files: [String: Data], name: String) -> RuleSource {
    RuleSource(storage: .inMemory(files, name: name))
  }

  /// The rules built into this executable: the repository's `rules/` when it was built.
  public static let embedded: RuleSource = {
    var files: [String: Data] = [:]
    for file in EmbeddedRules.files {
      // The build wrote these strings; one that is not base64 is a broken build, not a user's mistake.
      guard let data = Data(base64Encoded: file.base64) else { preconditionFailure("embedded rule file \(file.path) is not base64") }
      files[file.path] = data
    }
    return .inMemory(files, name: "embedded rules")
  }()

  /// The environment variable naming a rules folder when `--rules` is not given.
  public static let environmentVariable = "ASTHMA_SURVEILLANCE_RULES"

  /// The folder named by `path`, else by `$ASTHMA_SURVEILLANCE_RULES` (when set and not
  /// empty), else the rules built into the executable.
  ///
  /// There is no implicit `./rules`: what a run evaluates never depends on the folder it was
  /// started from (a cron job's or a container's working folder is rarely the repository).
  public static func locate(_ path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> RuleSource {
    if let path { return .directory(URL(fileURLWithPath: path, isDirectory: true)) }
    if let path = environment[environmentVariable], !path.isEmpty { return .directory(URL(fileURLWithPath: path, isDirectory: true)) }
    return .embedded
  }

  /// The folder the files are read from; `nil` for the embedded rules (or others in memory).
  public var directoryURL: URL? {
    if case .directory(let url) = storage { return url }
    return nil
  }

  /// Whether the files are held in memory (the embedded rules) rather than read from a folder.
  public var isEmbedded: Bool { directoryURL == nil }

  /// Where the rules came from, in words for logs and the manifest: the folder's full path,
  /// or "embedded rules (version V)" with the version `version.json` gives.
  public func origin(version: String) -> String {
    switch storage {
    case .directory(let url): return url.standardizedFileURL.path
    case .inMemory(_, let name): return "\(name) (version \(version))"
    }
  }

  // MARK: Reading rule files

  /// Every file, by its path inside the rules, in path order (hidden files included): what
  /// the fingerprint hashes and `rules export` writes.
  public func filePaths() -> [String] {
    switch storage {
    case .inMemory(let files, _): return files.keys.sorted()
    case .directory(let url):
      let base = url.standardizedFileURL.path
      let paths = (FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? []).sorted()
      return paths.filter { path in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
      }
    }
  }

  /// The bytes of the file at `path` inside the rules.
  public func contents(of path: String) throws(RuleFileError) -> Data {
    switch storage {
    case .inMemory(let files, _):
      guard let data = files[path] else { throw .missing(path: path) }
      return data
    case .directory(let url):
      let file = url.appendingPathComponent(path)
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory) else { throw .missing(path: path) }
      guard !isDirectory.boolValue else { throw .unreadable(path: path, detail: "it is a folder") }
      do { return try Data(contentsOf: file) } catch { throw .unreadable(path: path, detail: error.localizedDescription) }
    }
  }

  /// Whether a file or folder is at `path` inside the rules.
  public func exists(_ path: String) -> Bool {
    switch storage {
    case .inMemory(let files, _): return files[path] != nil || files.keys.contains { $0.hasPrefix(path + "/") }
    case .directory(let url): return FileManager.default.fileExists(atPath: url.appendingPathComponent(path).path)
    }
  }

  /// The names of the files and folders directly inside `folder` (a path inside the rules;
  /// empty for the top).
  public func names(in folder: String) -> [String] {
    switch storage {
    case .inMemory(let files, _):
      let prefix = folder.isEmpty ? "" : folder + "/"
      return Set(files.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count).prefix { $0 != "/" }) }).sorted()
    case .directory(let url):
      return ((try? FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent(folder).path)) ?? []).sorted()
    }
  }

  // MARK: Loading

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
    if let url = directoryURL, !FileManager.default.fileExists(atPath: url.path) {
      throw RulesError(problems: [
        "\(url.path): the rules directory does not exist (check --rules or $\(Self.environmentVariable); without either, the rules built into the executable are used)"
      ])
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

    let formulary = attempt("formulary/formulary.json") { try Formulary.load(rules: self, pinnedProductTable: pinnedProductTable) }
    let timeline = attempt("timeline.json") { try decode(TimelinePolicy.self, "timeline.json") }
    let care = attempt("care.json") { try decode(CarePolicy.self, "care.json") }
    let holidays = attempt(Self.bankHolidaysFile) { try decode(BankHolidayFile.self, Self.bankHolidaysFile) }
    let nhsNumbers = attempt("nhs-numbers.json") { try decode(NHSNumberRules.self, "nhs-numbers.json") }
    problems.append(contentsOf: (nhsNumbers?.problems ?? []).map { "nhs-numbers.json: \($0)" })
    let reports = attempt("reports.json") { try decode(ReportPolicy.self, "reports.json") }
    problems.append(contentsOf: (reports?.problems ?? []).map { "reports.json: \($0)" })
    let reviews = attempt("reviews.json") { try decode(ReviewPolicy.self, "reviews.json") }
    problems.append(contentsOf: (reviews?.problems ?? []).map { "reviews.json: \($0)" })

    var signals: [SignalRule] = []
    for file in jsonFiles(in: "signals") {
      if let rule = attempt(file, { try decode(SignalRule.self, file, eventGroups: timeline?.eventGroups) }) {
        let name = String(file.dropFirst("signals/".count))
        problems.append(contentsOf: rule.problems(fileName: name).map { "\(file): \($0)" })
        signals.append(rule)
      }
    }
    for id in Dictionary(grouping: signals, by: \.id).filter({ $0.value.count > 1 }).keys.sorted() {
      problems.append("signals/: two rules share the id '\(id)'")
    }

    guard problems.isEmpty, let version, let formulary, let timeline, let care, let holidays, let nhsNumbers, let reports, let reviews else {
      throw RulesError(problems: problems)
    }
    var rules = RuleSet(
      version: version.version, profiles: profiles, formulary: formulary, timeline: timeline, care: care,
      calendar: WorkingDayCalendar(bankHolidays: holidays.dates), reports: reports, signals: signals)
    rules.nhsNumbers = nhsNumbers
    rules.reviews = reviews
    rules.source = origin(version: version.version)
    return rules
  }

  /// `timeline.json` alone, for a command that reads a store and needs a definition, not rules.
  public func timelinePolicy() throws -> TimelinePolicy {
    do {
      return try decode(TimelinePolicy.self, "timeline.json")
    } catch let error as DecodingError {
      throw RulesError(problems: ["timeline.json: \(Self.describe(error))"])
    }
  }

  /// `timeline.json` and the formulary's course rule alone: for a command that reads a store
  /// and rebuilds a child's timeline from its record, but takes figures and signals from the
  /// run that wrote it.
  public func recordDefinitions() throws -> RecordDefinitions {
    struct Courses: Decodable { var oralSteroidCourses: FormularyDefinition.CourseRules }
    let timeline = try timelinePolicy()
    do {
      let decoder = JSONDecoder()
      decoder.keyDecodingStrategy = .convertFromSnakeCase
      let courses = try decoder.decode(Courses.self, from: try contents(of: "formulary/formulary.json"))
      return RecordDefinitions(timeline: timeline, courseMergeDays: courses.oralSteroidCourses.courseMergeDays)
    } catch let error as DecodingError {
      throw RulesError(problems: ["formulary/formulary.json: \(Self.describe(error))"])
    }
  }

  /// `reviews.json` alone, for `review`, which records an outcome and evaluates nothing.
  public func reviewPolicy() throws -> ReviewPolicy {
    let policy: ReviewPolicy
    do {
      policy = try decode(ReviewPolicy.self, "reviews.json")
    } catch let error as DecodingError {
      throw RulesError(problems: ["reviews.json: \(Self.describe(error))"])
    }
    if !policy.problems.isEmpty { throw RulesError(problems: policy.problems.map { "reviews.json: \($0)" }) }
    return policy
  }

  static let bankHolidaysFile = "calendar/bank-holidays-england-and-wales.json"

  /// SHA-256 over every file, in path order (each file's path inside the rules, then its
  /// bytes): what exactly a run used. The same files give the same fingerprint whether read
  /// from a folder or from the embedded copy, so a store made with either accepts the other.
  public func fingerprint() -> String {
    var hasher = SHA256()
    for path in filePaths() {
      guard let data = try? contents(of: path) else { continue }
      hasher.update(data: Data(path.utf8))
      hasher.update(data: data)
    }
    return hasher.finalize().lowercaseHex
  }

  private struct VersionFile: Decodable { var version: String }

  private struct BankHolidayFile: Decodable {
    var dates: [CalendarDate]
  }

  private func jsonFiles(in folder: String) -> [String] {
    names(in: folder).filter { $0.hasSuffix(".json") }.map { "\(folder)/\($0)" }
  }

  private func decode<T: Decodable>(_ type: T.Type, _ file: String, eventGroups: CareEventGroups? = nil) throws -> T {
    let decoder = JSONDecoder()
    if let eventGroups { decoder.userInfo[CareEventGroups.userInfoKey] = eventGroups }
    return try decoder.decode(T.self, from: try contents(of: file))
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

/// A rule file that could not be read. Its text leaves out the path, which the message it
/// goes into already starts with.
public enum RuleFileError: Error, CustomStringConvertible, Equatable {
  /// No file at this path inside the rules.
  case missing(path: String)
  /// The file is there but could not be read.
  case unreadable(path: String, detail: String)

  public var description: String {
    switch self {
    case .missing: return "no such file in the rules"
    case .unreadable(_, let detail): return "cannot be read: \(detail)"
    }
  }
}
