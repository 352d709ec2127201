import ArgumentParser

extension AsthmaSurveillance {
  /// `report child|area|rules`: printable reports for people who review rather than run.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a printable report: one child's chronology, an area's picture, or the rules for clinical review.",
      discussion: """
        Each HTML report is one self-contained file (no network, no scripts, no external fonts or images) \
        that prints to A4; the area report also writes its tables as CSV. A report surfaces patterns for \
        review; it never concludes that a child is neglected.
        """,
      subcommands: [Child.self, Area.self, Rules.self])
  }
}
