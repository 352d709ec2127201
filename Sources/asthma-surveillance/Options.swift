import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceFrontend

/// Where the rules live.
struct RulesOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The rules directory.", discussion: RulesOptions.defaultRulesHelp, valueName: "dir"))
  var rules: String?

  /// What every `--rules` option's help says about its default.
  static let defaultRulesHelp = "Default: $ASTHMA_SURVEILLANCE_RULES, else the rules built into this executable (write them out with `rules export DIR`)."

  @Option(
    name: .long,
    help: ArgumentHelp(
      "An NHSBSA dm+d release (its zip, or the folder it unzips to) to classify products by, instead of a product table pinned in the rules.",
      discussion: "Every VMP, AMP, VMPP and AMPP is classified by its ingredients and form-route; the folder or zip may also hold NHSBSA's BNF SNOMED mapping spreadsheet (.xlsx).",
      valueName: "path"))
  var dmd: String?

  @Flag(
    name: .customLong("test-data"),
    help: ArgumentHelp(
      "Read test data: accept NHS numbers from the ranges reserved for testing (rules/nhs-numbers.json), as the bundled samples and generated exports use.",
      discussion: "Without it their rows are rejected (test_range_nhs_number). Also set by ASTHMA_SURVEILLANCE_TEST_DATA=1. The manifest records it."))
  var testData = false

  /// The rules and their fingerprint; says in the log where they came from.
  func load() throws -> (RuleSet, String) {
    let source = RuleSource.locate(rules)
    var ruleSet = try source.load(pinnedProductTable: dmd == nil)
    ruleSet.nhsNumbers.acceptsTestNumbers = testData || ProcessInfo.processInfo.environment["ASTHMA_SURVEILLANCE_TEST_DATA"] == "1"
    let fingerprint = source.fingerprint()
    Log.info("rules: \(ruleSet.source)")
    if let note = RulesNotice.unusedWorkingFolderRules(source, fingerprint: fingerprint) { Log.info(note) }
    if let dmd { ruleSet.formulary = try ruleSet.formulary.adding(releaseAt: dmd, log: Log.info) }
    return (ruleSet, fingerprint)
  }
}

/// A warning for someone who edits `./rules` and expects a run to read it.
enum RulesNotice {
  /// Until the embedded rules, a run started in the repository read `./rules`; now only
  /// `--rules` or `$ASTHMA_SURVEILLANCE_RULES` choose a folder. When a run uses the embedded
  /// rules and the working folder has a `rules` folder that differs from them (edited since
  /// the build), the log says so, rather than leave its edits silently unused.
  static func unusedWorkingFolderRules(_ source: RuleSource, fingerprint: String) -> String? {
    guard source.isEmbedded else { return nil }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: "rules", isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
    guard RuleSource.directory(URL(fileURLWithPath: "rules", isDirectory: true)).fingerprint() != fingerprint else { return nil }
    return "note: ./rules differs from the rules built into this executable and is not read; give --rules rules to use it, or rebuild"
  }
}

/// The exports a run reads, as `nightly` and `replay` both take them.
struct InputOptions: ParsableArguments {
  @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("GP prescribing export(s).", valueName: "file"))
  var gp: [String] = []

  @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Pharmacy dispensing export(s).", valueName: "file"))
  var pharmacy: [String] = []

  @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Safeguarding status file(s): CPP, CIN, LAC plans.", valueName: "file"))
  var safeguarding: [String] = []

  @Option(name: .customLong("care-events"), parsing: .upToNextOption, help: ArgumentHelp("Asthma care events file(s): reviews, action plans, attendances.", valueName: "file"))
  var careEvents: [String] = []

  @Option(name: .customLong("gp-profile"), help: ArgumentHelp("Read GP exports with this profile from rules/inputs instead of detecting it.", valueName: "id"))
  var gpProfile: String?

  @Option(name: .customLong("pharmacy-profile"), help: ArgumentHelp("Read pharmacy exports with this profile from rules/inputs.", valueName: "id"))
  var pharmacyProfile: String?

  /// `nightly` and `replay` need an export; `patient` reads a store instead when given none,
  /// so the check is each command's, not the group's.
  func requireExports() throws {
    if gp.isEmpty && pharmacy.isEmpty {
      throw ValidationError("give at least one export: --gp FILE... and/or --pharmacy FILE...")
    }
  }

  var runInputs: RunInputs {
    var profiles: [InputKind: String] = [:]
    profiles[.gpPrescriptions] = gpProfile
    profiles[.pharmacyDispensing] = pharmacyProfile
    return RunInputs(gp: gp, pharmacy: pharmacy, safeguarding: safeguarding, careEvents: careEvents, profiles: profiles)
  }
}

extension CalendarDate: ExpressibleByArgument {
  /// Dates the options take: real days from 1900 to 2199. Prescribing records are no older,
  /// and a date far outside them is a typing slip, not an evaluation date.
  public init?(argument: String) {
    guard let date = CalendarDate(iso: argument), (1900...2199).contains(date.year) else { return nil }
    self = date
  }
}

enum Today {
  /// Today's date in the local time zone: the clock belongs to the executable, not the core.
  static var date: CalendarDate {
    let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
    return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
  }
}

/// Progress for people watching a run; never a patient identifier.
enum Log {
  /// The longest message written: a line of a broken file quoted by mistake stays a line.
  static let maxMessageCharacters = 2_000

  static func info(_ message: String) {
    if LogSettings.quiet && !message.hasPrefix("warning:") { return }
    LogSettings.terminal.write("asthma-surveillance: \(safe(message))\n")
  }

  /// What must be seen even with `--quiet`: a run that failed, and why.
  static func always(_ message: String) {
    LogSettings.terminal.write("asthma-surveillance: \(safe(message))\n")
  }

  /// A progress line that the next replaces, on a terminal only (not `TERM=dumb`, not
  /// `--quiet`): a log file or a scheduler's journal gets only what happened.
  static var progress: (@Sendable (String) -> Void)? {
    guard !LogSettings.quiet, LogSettings.terminal.isInteractive else { return nil }
    return { message in LogSettings.terminal.replaceLine("asthma-surveillance: \(safe(message))") }
  }

  /// `message` cut to ``maxMessageCharacters`` with anything shaped like an NHS number
  /// withheld: the last guard, behind messages that are written never to hold one.
  static func safe(_ message: String) -> String {
    let cut = message.count > maxMessageCharacters ? String(message.prefix(maxMessageCharacters)) + "... (message cut)" : message
    return NHSNumber.redacted(cut)
  }
}

/// What `--user` and `--reason` may say: they are stored in the audit trail and printed by
/// `audit`, which hold a keyed hash of the child's NHS number, never the number.
enum AuditText {
  static func check(user: String, reason: String) throws {
    for (option, text) in [("--user", user), ("--reason", reason)] {
      if NHSNumber.appearsIn(text) {
        throw ValidationError("\(option) must not contain an NHS number: the audit trail keeps a keyed hash of the child's number, never the number itself")
      }
      if text.count > 500 { throw ValidationError("\(option) is \(text.count) characters; keep it under 500") }
    }
  }
}

extension Shard: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}

/// When the pharmacy exports begin, for the commands that read exports and evaluate them.
struct PharmacyDataOptions: ParsableArguments {
  @Option(name: .customLong("pharmacy-from"), help: ArgumentHelp(
    "The day the pharmacy exports begin, when later than the GP exports: earlier GP issues are not judged collected or not.",
    discussion: "Without it, a GP issue no dispensing filled counts as not dispensed whatever its date; nightly warns when the dispensing data seems to start late.",
    valueName: "date"))
  var pharmacyFrom: CalendarDate?

  /// `rules` with the day set on its timeline policy.
  func applied(to rules: RuleSet) -> RuleSet { rules.withPharmacyData(from: pharmacyFrom) }

  /// A store's run keeps its own day (its manifest's `pharmacy_data_from`).
  func refuseWithStore(_ store: String?) throws {
    if store != nil, pharmacyFrom != nil {
      throw ValidationError("--pharmacy-from is for reading exports: a store's nightly run keeps the day it was given, and look-ups use it")
    }
  }
}

