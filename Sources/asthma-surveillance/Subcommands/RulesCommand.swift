import ArgumentParser
import Foundation
import SurveillanceFrontend

extension AsthmaSurveillance {
  struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rules",
      abstract: "Write out the rules built into this executable, to review, change and use with --rules DIR.",
      subcommands: [Export.self])
  }
}

extension AsthmaSurveillance.RulesCommand {
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the rules built into this executable into a new or empty folder.",
      discussion: HelpText.discussion(
        """
        The files are byte for byte the repository's rules/ when the executable was built (the same \
        fingerprint). Check changes with `check-rules --rules DIR`, then run with --rules DIR or \
        $ASTHMA_SURVEILLANCE_RULES=DIR. Folders are written 0755 and files 0644: rules hold no patient data.
        """, ["asthma-surveillance rules export my-rules && asthma-surveillance check-rules --rules my-rules"]))

    @OptionGroup var logging: LogOptions

    @Argument(help: ArgumentHelp("The folder to write (new, or empty).", valueName: "dir"))
    var directory: String

    func run() throws {
      let count = try RuleSource.embedded.export(to: URL(fileURLWithPath: directory, isDirectory: true))
      Log.info("wrote \(count) rule files to \(directory); check changes with check-rules --rules \(directory)")
    }
  }
}
