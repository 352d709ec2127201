import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// How the log is written: `--quiet` (warnings and errors only) and whether standard error is
/// a terminal that can show a progress line. Read from the arguments before they are parsed,
/// so that the config file's own note is quiet too; each command declares the flags
/// (``LogOptions``) for its help and for parsing.
enum LogSettings {
  nonisolated(unsafe) static var quiet = false
  static let terminal = StandardError()

  static func read(_ arguments: [String]) {
    let options = arguments.prefix { $0 != "--" }
    quiet = options.contains("--quiet") || options.contains("-q")
  }
}

/// `--quiet` for the commands that log progress. The flag is read by ``LogSettings/read(_:)``.
struct LogOptions: ParsableArguments {
  @Flag(name: [.customShort("q"), .long], help: "Print only warnings and errors (no progress, no summary).")
  var quiet = false
}

/// Standard error, with a progress line that the next message replaces.
final class StandardError: @unchecked Sendable {
  private let lock = NSLock()
  private var progressShown = false

  /// A terminal that understands "clear to end of line".
  let isInteractive: Bool = isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"

  func write(_ text: String) {
    lock.lock()
    defer { lock.unlock() }
    if progressShown {
      FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
      progressShown = false
    }
    FileHandle.standardError.write(Data(text.utf8))
  }

  func replaceLine(_ text: String) {
    lock.lock()
    defer { lock.unlock() }
    FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    progressShown = true
  }
}
