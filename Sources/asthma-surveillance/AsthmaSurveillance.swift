import ArgumentParser

@main
struct AsthmaSurveillance: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "asthma-surveillance",
    abstract: "Surface children's asthma prescribing patterns that need a clinician's or safeguarding lead's review.",
    discussion: """
      Reads GP prescribing and pharmacy dispensing exports, rebuilds each child's supply timeline, \
      and raises signals defined in rules/, each saying why it fired and which guidance it follows. \
      It points people to patterns; it never concludes that a child is neglected.
      """,
    version: version,
    subcommands: [Nightly.self, Patient.self, Audit.self, Replay.self, Merge.self, Report.self, CheckRules.self, FormularyCommand.self, Generate.self])
}
