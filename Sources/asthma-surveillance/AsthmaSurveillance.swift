import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceFrontend

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
    subcommands: [Nightly.self, Patient.self, Review.self, Worklist.self, Audit.self, Status.self, Replay.self, Partition.self, Merge.self, Report.self, CheckRules.self, RulesCommand.self, FormularyCommand.self, Generate.self])

  /// Runs the command; an error's message, ArgumentParser's own included (which repeats a
  /// mistyped argument), is cut to a line and never repeats an NHS number.
  static func main() {
    AllocatorSettings.apply()
    var configNote: String?
    do {
      LogSettings.read(Array(CommandLine.arguments.dropFirst()))
      let expanded = try ConfigFile.expand(Array(CommandLine.arguments.dropFirst()))
      configNote = expanded.note
      var command = try parseAsRoot(expanded.arguments)
      try command.run()
    } catch {
      let code = exitCode(for: error)
      var message = fullMessage(for: error)
      // Foundation's own errors in plain words, with the path they name.
      if let reason = FileErrorText.reason(error) {
        message = "Error: " + (FileErrorText.path(error).map { "\($0): " } ?? "") + reason
      }
      // A usage error may be about a setting in the config file rather than anything typed.
      if code == .validationFailure, let configNote { message += "\n" + configNote }
      if code == .success {
        if !message.isEmpty { print(message) }
      } else if !message.isEmpty {
        FileHandle.standardError.write(Data((message.split(separator: "\n", omittingEmptySubsequences: false).map { Log.safe(String($0)) }.joined(separator: "\n") + "\n").utf8))
      }
      Foundation.exit(code.rawValue)
    }
  }
}
