import ArgumentParser
import SurveillanceStore

/// When a store's records are called out of date: for every command that answers from a store.
struct FreshnessOptions: ParsableArguments {
  @Option(
    name: .customLong("stale-after"),
    help: ArgumentHelp(
      "Warn when the store's records are more than this many days old (report date against today).",
      discussion: "A nightly run evaluated as of yesterday's exports is one day old.", valueName: "days"))
  var staleAfterDays = 2

  func validate() throws {
    guard (0...3650).contains(staleAfterDays) else { throw ValidationError("--stale-after must be between 0 and 3650 days") }
  }

  var policy: FreshnessPolicy { FreshnessPolicy(today: Today.date, staleAfterDays: staleAfterDays) }
}
