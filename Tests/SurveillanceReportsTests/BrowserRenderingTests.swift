import Foundation
import SurveillanceCore
import SurveillanceReports
import Testing

/// The child, area and rules reports opened in a real browser (headless Chromium, from Debian's
/// `chromium` package), rendered to PNG and to PDF. The test fails if the page logs any
/// error or the browser fails; where Chromium is not installed it is skipped and says so.
@Suite(.serialized, .enabled(if: HeadlessBrowser.installed != nil, "Chromium is not installed (apt-get install -y chromium): the reports were not checked in a browser"))
struct BrowserRenderingTests {
  static func pages() throws -> [(name: String, html: String, height: Int)] {
    [
      ("child-report", ChildReportRenderer(report: try SampleReports.hakeem()).html(), 1900),
      ("area-report", AreaReportRenderer(report: try SampleReports.pseudonymisedArea.get()).html(), 1900),
      ("rules-report", RuleCatalogue(rules: try ShippedRules.load(), provenance: ReportProvenance(toolVersion: "test", rulesVersion: try ShippedRules.load().version)).html(), 1400),
    ]
  }

  @Test func reportsRenderToPNGAndPDFWithoutErrors() throws {
    let browser = try #require(HeadlessBrowser.installed)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("browser-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for page in try Self.pages() {
      let html = directory.appendingPathComponent("\(page.name).html")
      try page.html.write(to: html, atomically: true, encoding: .utf8)

      let png = directory.appendingPathComponent("\(page.name).png")
      let shot = try browser.render(html, to: png, as: .png(width: 1100, height: page.height))
      #expect(shot.status == 0, "\(page.name): Chromium exited \(shot.status)\n\(shot.log.suffix(2000))")
      #expect(shot.consoleMessages == [], "\(page.name): the page logged errors")
      let pngBytes = try Data(contentsOf: png)
      #expect(pngBytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(page.name).png is not a PNG")
      #expect(pngBytes.count > 20_000, "\(page.name).png is suspiciously small: a blank page?")

      let pdf = directory.appendingPathComponent("\(page.name).pdf")
      let printed = try browser.render(html, to: pdf, as: .pdf)
      #expect(printed.status == 0, "\(page.name): Chromium exited \(printed.status) printing\n\(printed.log.suffix(2000))")
      #expect(printed.consoleMessages == [], "\(page.name): the page logged errors when printed")
      let pdfBytes = try Data(contentsOf: pdf)
      #expect(pdfBytes.starts(with: Array("%PDF".utf8)), "\(page.name).pdf is not a PDF")
      // A4 is 595 by 842 points; Chromium writes the media box of every page.
      let box = String(decoding: pdfBytes, as: UTF8.self).components(separatedBy: "/MediaBox [0 0 ").dropFirst().first?
        .split(separator: "]").first?.split(separator: " ").compactMap { Double($0) } ?? []
      #expect(box.count == 2 && abs(box[0] - 595) < 1 && abs(box[1] - 842) < 1, "\(page.name).pdf is not A4: \(box)")
    }
  }

  /// Printed and read back: the marking is in the margin of every page, and so is the page
  /// number, so a page lifted out of a bundle still says what it is.
  @Test(.enabled(if: HeadlessBrowser.pdfToText != nil, "pdftotext is not installed (apt-get install -y poppler-utils): the printed marking was not read back"))
  func everyPrintedPageOfAChildReportCarriesTheProtectiveMarking() throws {
    let browser = try #require(HeadlessBrowser.installed)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("browser-marking-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let html = directory.appendingPathComponent("child.html")
    try ChildReportRenderer(report: try SampleReports.hakeem()).html().write(to: html, atomically: true, encoding: .utf8)
    let pdf = directory.appendingPathComponent("child.pdf")
    #expect(try browser.render(html, to: pdf, as: .pdf).status == 0)

    let pages = try HeadlessBrowser.pageTexts(of: pdf)
    #expect(pages.count > 1, "the case child's chronology runs to several pages")
    for (index, page) in pages.enumerated() {
      let markings = page.components(separatedBy: ProtectiveMarkingTests.marking).count - 1
      #expect(markings == 2, "page \(index + 1) has the marking \(markings) time(s), not at top and bottom")
      #expect(page.contains("Page \(index + 1) of \(pages.count)"), "page \(index + 1) has no page number")
    }
  }

  @Test func aPageThatTriesToLoadSomethingFailsTheCheck() throws {
    let browser = try #require(HeadlessBrowser.installed)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("browser-bad-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // The reports' own policy, on a page that breaks it.
    let html = directory.appendingPathComponent("bad.html")
    try "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"></head><body><img src=\"https://example.org/x.png\"></body></html>"
      .write(to: html, atomically: true, encoding: .utf8)
    let outcome = try browser.render(html, to: directory.appendingPathComponent("bad.png"), as: .png(width: 400, height: 300))
    #expect(!outcome.consoleMessages.isEmpty, "a blocked load must show on the console, or the check above proves nothing")
  }

  /// The area report of a generated area of more than 25,000 children prints as a summary of a
  /// few pages, then a page for each practice, each practice starting its own page; and every
  /// chart label, measured by Chromium with the fonts it draws them in, fits its chart.
  @Test(.enabled(if: HeadlessBrowser.pdfToText != nil, "pdftotext is not installed (apt-get install -y poppler-utils): the printed pages were not counted"))
  func theAreaReportOfALargeAreaPrintsAsAShortSummaryAndAPagePerPractice() throws {
    let browser = try #require(HeadlessBrowser.installed)
    let report = try LargeGeneratedArea.report.get()
    #expect(report.evaluated.count > 25_000, "a generated area of more than 25,000 children")
    let renderer = AreaReportRenderer(report: report)
    let practices = renderer.tables.rankedPractices
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("browser-large-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let html = directory.appendingPathComponent("area-report.html")
    try renderer.html().write(to: html, atomically: true, encoding: .utf8)
    let pdf = directory.appendingPathComponent("area-report.pdf")
    let printed = try browser.render(html, to: pdf, as: .pdf)
    #expect(printed.status == 0 && printed.consoleMessages == [], "\(printed.log.suffix(2000))")

    let pages = try HeadlessBrowser.pageTexts(of: pdf)
    let summary = try #require(pages.firstIndex { $0.contains("Practice \(practices[0])\n") }, "no page starts the first practice")
    #expect(summary <= Self.summaryPages, "the summary runs to \(summary) pages, more than \(Self.summaryPages)")
    #expect(pages.count == summary + practices.count, "\(pages.count) pages: \(summary) of summary and \(practices.count) practices should make \(summary + practices.count)")
    for (offset, practice) in practices.enumerated() where summary + offset < pages.count {
      let heading = pages[summary + offset].split(separator: "\n").first { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
      #expect(heading == "Practice \(practice)", "page \(summary + offset + 1) does not start practice \(practice): \(heading)")
    }

    let measured = try browser.measureChartLabels(of: renderer.html(), in: directory)
    #expect(measured.count > 20, "every chart's labels were measured")
    for label in measured where !label.fits {
      Issue.record("\(label.chart): \"\(label.text)\" measures \(label.box) outside its chart's box")
    }
  }

  /// The summary's printed pages at most: overview, signals, trend, ratios, practices ranked
  /// and the data's limits.
  static let summaryPages = 8
}
