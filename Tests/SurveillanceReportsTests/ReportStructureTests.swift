import Foundation
import SurveillanceCore
import SurveillanceReports
import Testing

/// What makes a report usable by everyone who needs it: real headings, table headers with
/// scope, charts with text alternatives, a print stylesheet for A4, and the statement that
/// patterns are not conclusions.
struct ReportStructureTests {
  static func pages() throws -> [(String, String)] {
    [
      ("child", ChildReportRenderer(report: try SampleReports.hakeem()).html()),
      ("area", AreaReportRenderer(report: try SampleReports.pseudonymisedArea.get()).html()),
      ("rules", RuleCatalogue(rules: try ShippedRules.load(), provenance: ReportProvenance(toolVersion: "test", rulesVersion: "test")).html()),
    ]
  }

  @Test func everyPageHasOneTitleHeadingAndSectionHeadings() throws {
    for (name, html) in try Self.pages() {
      #expect(occurrences(of: "<h1>", in: html) == 1, "\(name)")
      #expect(occurrences(of: "<h2 ", in: html) >= 3, "\(name)")
      #expect(html.hasPrefix("<!DOCTYPE html>\n"), "\(name)")
      #expect(html.contains("<html lang=\"en-GB\">"), "\(name)")
    }
  }

  @Test func everyTableHeaderHasAScope() throws {
    for (name, html) in try Self.pages() {
      let headerCells = occurrences(of: "<th ", in: html) + occurrences(of: "<th>", in: html)
      #expect(headerCells > 0, "\(name)")
      #expect(headerCells == occurrences(of: "<th scope=\"col\"", in: html) + occurrences(of: "<th scope=\"row\"", in: html), "\(name)")
      #expect(occurrences(of: "<table>", in: html) == occurrences(of: "<caption>", in: html), "\(name): every table has a caption")
    }
  }

  @Test func everyChartHasATitleADescriptionAndACaption() throws {
    for (name, html) in try Self.pages() where name != "rules" {
      let charts = occurrences(of: "<svg ", in: html)
      #expect(charts > 0, "\(name)")
      #expect(occurrences(of: "role=\"img\" aria-labelledby=", in: html) == charts, "\(name)")
      #expect(occurrences(of: "-desc\">", in: html) == charts, "\(name)")
      #expect(occurrences(of: "<figure", in: html) == occurrences(of: "<figcaption", in: html), "\(name)")
    }
  }

  @Test func everyPagePrintsToA4AndSaysItConcludesNothing() throws {
    for (name, html) in try Self.pages() {
      #expect(html.contains("@media print"), "\(name)")
      #expect(html.contains("size: A4"), "\(name)")
      #expect(html.contains("thead { display: table-header-group; }"), "\(name)")
      #expect(html.contains("It never concludes that a child was neglected"), "\(name)")
      #expect(html.contains("Limits of this data") || name == "rules", "\(name)")
    }
  }

  func occurrences(of needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }
}

/// A report that identifies children says so on every printed page, in the words of
/// `rules/reports.json`; a pseudonymised one does not claim a marking it does not need.
struct ProtectiveMarkingTests {
  static let marking = "OFFICIAL-SENSITIVE: contains personal data about children"

  @Test func theMarkingComesFromTheRules() throws {
    #expect(try ShippedRules.load().reports.protectiveMarking.identified == Self.marking)
  }

  @Test func reportsThatIdentifyChildrenCarryTheMarkingAtTopBottomAndInEveryPrintedMargin() throws {
    for (name, html) in [
      ("child", ChildReportRenderer(report: try SampleReports.hakeem()).html()),
      ("identified area", AreaReportRenderer(report: try SampleReports.identifiedArea.get()).html()),
    ] {
      #expect(html.contains("<p class=\"marking marking-top\">\(Self.marking)</p>"), "\(name)")
      #expect(html.contains("<p class=\"marking marking-bottom\">\(Self.marking)</p>"), "\(name)")
      #expect(html.contains("@top-center { content: \"\(Self.marking)\""), "\(name)")
      #expect(html.contains("@bottom-center { content: \"\(Self.marking)\""), "\(name)")
    }
  }

  @Test func aPseudonymisedAreaReportCarriesNoMarking() throws {
    let html = AreaReportRenderer(report: try SampleReports.pseudonymisedArea.get()).html()
    #expect(!html.contains("OFFICIAL-SENSITIVE"))
    #expect(!html.contains("@top-center"))
  }

  @Test func markingWordsCannotBreakOutOfTheStylesheet() throws {
    var report = try SampleReports.hakeem()
    report.marking = "SECRET \"</style><script>alert(1)</script>\\"
    let html = ChildReportRenderer(report: report).html()
    let style = try #require(html.components(separatedBy: "<style>").dropFirst().first?.components(separatedBy: "</style>").first)
    #expect(!style.contains("<"))
    #expect(style.contains(#"content: "SECRET \22 \3c /style\3e \3c script\3e alert(1)\3c /script\3e \5c ""#))
    #expect(!html.contains("<script"))
  }
}
