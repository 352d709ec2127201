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
  /// A chart label as Chromium draws it: its box in the chart's own units (`getBBox`).
  struct MeasuredLabel {
    var chart: String, text: String
    var box: (x: Double, y: Double, width: Double, height: Double)
    var chartWidth: Double, chartHeight: Double

    /// Inside the chart's view box, to half a unit.
    var fits: Bool {
      box.x >= -0.5 && box.y >= -0.5 && box.x + box.width <= chartWidth + 0.5 && box.y + box.height <= chartHeight + 0.5
    }
  }

  /// Every `<text>` of every chart in `html`, measured by Chromium with the fonts it has: the
  /// charts are copied into a page of their own with a script (the reports carry none and
  /// forbid any), which writes each label's box into the page that `--dump-dom` prints.
  func measureChartLabels(of html: String, in directory: URL) throws -> [MeasuredLabel] {
    let svgs = try NSRegularExpression(pattern: #"<svg[\s\S]*?</svg>"#)
      .matches(in: html, range: NSRange(html.startIndex..., in: html)).map { String(html[Range($0.range, in: html)!]) }
    let page = """
      <!DOCTYPE html><html><head><meta charset="utf-8"><style>html { font-family: Arial, "Liberation Sans", "DejaVu Sans", Helvetica, sans-serif; } svg { width: 1000px; display: block; }</style></head><body>
      \(svgs.joined(separator: "\n"))
      <pre id="measured"></pre>
      <script>
      const rows = [];
      for (const svg of document.querySelectorAll("svg")) {
        const view = svg.viewBox.baseVal, title = svg.querySelector("title");
        for (const text of svg.querySelectorAll("text")) {
          const box = text.getBBox();
          rows.push([title ? title.id : "", text.textContent, box.x, box.y, box.width, box.height, view.width, view.height].join("\\t"));
        }
      }
      document.getElementById("measured").textContent = rows.join("\\n");
      </script></body></html>
      """
    let url = directory.appendingPathComponent("chart-labels-\(UUID().uuidString).html")
    try page.write(to: url, atomically: true, encoding: .utf8)
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-profile-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: profile) }
    let process = Process()
    process.executableURL = executable
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
      "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=\(profile.path)", "--dump-dom", url.absoluteString,
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
    let dom = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    watchdog.cancel()
    guard let start = dom.range(of: "<pre id=\"measured\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else { return [] }
    let text = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    return text.split(separator: "\n").compactMap { line in
      let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard cells.count == 8, let numbers = Optional(cells[2...].compactMap(Double.init)), numbers.count == 6 else { return nil }
      return MeasuredLabel(
        chart: cells[0].replacingOccurrences(of: "-title", with: ""), text: cells[1], box: (numbers[0], numbers[1], numbers[2], numbers[3]),
        chartWidth: numbers[4], chartHeight: numbers[5])
    }
  }
}
