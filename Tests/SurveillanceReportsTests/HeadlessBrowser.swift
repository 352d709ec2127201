import Foundation
import Testing

/// Chromium run headless, as a reader's browser would open a report: to check that a page
/// renders without errors, and to make the README's screenshots.
///
/// The page is opened from a file with no network (every host name resolves to nothing),
/// so the check also proves the report needs none. Any console message fails it: the
/// reports carry no script, so a message means something was blocked or broken (the
/// Content-Security-Policy reports a blocked load on the console).
struct HeadlessBrowser {
  let executable: URL

  /// Chromium from `$CHROMIUM`, else `chromium`, `chromium-browser` or `google-chrome` on
  /// the PATH; `nil` where none is installed (the browser tests then skip and say why).
  static let installed: HeadlessBrowser? = {
    let environment = ProcessInfo.processInfo.environment
    var candidates: [String] = []
    if let chosen = environment["CHROMIUM"], !chosen.isEmpty { candidates.append(chosen) }
    let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
    for name in ["chromium", "chromium-browser", "google-chrome"] {
      candidates.append(contentsOf: path.map { $0 + "/" + name })
    }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }.map { HeadlessBrowser(executable: URL(fileURLWithPath: $0)) }
  }()

  struct Outcome {
    var status: Int32
    /// Console messages the page logged (`CONSOLE` lines on Chromium's log).
    var consoleMessages: [String]
    var log: String
  }

  enum Output {
    case png(width: Int, height: Int)
    case pdf
  }

  /// Renders `page` to `output` at `destination`.
  func render(_ page: URL, to destination: URL, as output: Output) throws -> Outcome {
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-profile-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: profile) }
    var arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
      "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=\(profile.path)",
      "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
    ]
    switch output {
    case .png(let width, let height):
      arguments += ["--window-size=\(width),\(height)", "--screenshot=\(destination.path)"]
    case .pdf:
      arguments += ["--no-pdf-header-footer", "--print-to-pdf=\(destination.path)"]
    }
    arguments.append(page.absoluteString)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = errors
    try process.run()
    // A stuck browser must not hang the suite.
    let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
    let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    watchdog.cancel()
    let console = log.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }.map(String.init)
    return Outcome(status: process.terminationStatus, consoleMessages: console, log: log)
  }

  /// Poppler's `pdftotext` (Debian's `poppler-utils`), to read back what a printed page says;
  /// `nil` where it is not installed.
  static let pdfToText: URL? = {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
    return path.map { URL(fileURLWithPath: $0 + "/pdftotext") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }()

  /// The text of each page of a PDF, in order (pdftotext separates pages with a form feed).
  static func pageTexts(of pdf: URL) throws -> [String] {
    let tool = try #require(pdfToText)
    let process = Process()
    process.executableURL = tool
    process.arguments = [pdf.path, "-"]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    var pages = text.components(separatedBy: "\u{0C}")
    if pages.last?.allSatisfy(\.isWhitespace) == true { pages.removeLast() }
    return pages
  }
}
