import Foundation

/// The end of every command's `--help`: examples to copy, and what its exit status means, so
/// that a script (or a scheduler's alert) can tell a failed run from a usage mistake.
enum HelpText {
  /// What every command's exit status means, before any of its own.
  static let commonExitCodes = [
    (0, "done"),
    (1, "an error, said on standard error (an unreadable file, a store that cannot be opened)"),
    (64, "a usage error: an option missing, mistyped or out of range"),
  ]

  static func footer(_ examples: [String], exitCodes extra: [(Int, String)] = []) -> String {
    let codes = (commonExitCodes + extra).sorted { $0.0 < $1.0 }
    var text = examples.count == 1 ? "Example:\n" : "Examples:\n"
    text += examples.map { wrapCommand($0) }.joined(separator: "\n")
    text += "\n\nExit status:\n"
    text += codes.map { code, meaning in wrap(meaning, first: "  \(code)".padding(toLength: 6, withPad: " ", startingAt: 0), rest: "      ") }
      .joined(separator: "\n")
    return text
  }

  /// Help is wrapped at this width; lines kept under it are printed as written.
  static let width = 78

  /// A command over lines ending in ` \`, so that it can still be copied into a shell.
  static func wrapCommand(_ command: String) -> String {
    var lines: [String] = []
    var line = "  "
    for word in command.split(separator: " ") {
      if line.count + word.count + 3 > width, line.count > 2 {
        lines.append(line + " \\")
        line = "      "
      } else if line.count > 2 && line != "      " {
        line += " "
      }
      line += word
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }

  static func wrap(_ text: String, first: String, rest: String) -> String {
    var lines: [String] = []
    var line = first
    var empty = true
    for word in text.split(separator: " ") {
      if !empty, line.count + word.count + 1 > width {
        lines.append(line)
        line = rest
        empty = true
      }
      line += (empty ? "" : " ") + word
      empty = false
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }

  /// Prefixes a command's own discussion to the footer.
  static func discussion(_ text: String, _ examples: [String], exitCodes extra: [(Int, String)] = []) -> String {
    text + "\n\n" + footer(examples, exitCodes: extra)
  }
}
