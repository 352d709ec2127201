import Foundation
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
