import Foundation
import SurveillanceReports
import Testing

/// A report must open from a USB stick on a locked-down laptop: it loads nothing. Links a
/// reader may follow (references) are fine; anything a browser would fetch by itself is not.
enum ExternalReferences {
  /// Every construct in `html` that would make a browser load something, or run a script.
  static func find(in html: String) -> [String] {
    var found: [String] = []
    let lower = html.lowercased()
    for construct in ["<script", "<link", "<iframe", "<object", "<embed", "<img", "<source", "<video", "<audio", "<base", "@import", "url(", " src=", "srcset=", "xlink:href", "<use", "<image", "http-equiv=\"refresh\""] where lower.contains(construct) {
      found.append(construct)
    }
    // href only on <a>, to a web address or a place in the page.
    let pattern = try! NSRegularExpression(pattern: "<([a-z0-9]+)[^>]*\\shref=\"([^\"]*)\"", options: [.caseInsensitive])
    for match in pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
      let tag = String(html[Range(match.range(at: 1), in: html)!]).lowercased()
      let target = String(html[Range(match.range(at: 2), in: html)!])
      let followable = target.hasPrefix("https://") || target.hasPrefix("http://") || target.hasPrefix("#")
      if tag != "a" || !followable { found.append("<\(tag) href=\"\(target)\">") }
    }
    return found
  }
}

struct ExternalReferenceTests {
  @Test func theCheckerFindsWhatABrowserWouldLoad() {
    #expect(ExternalReferences.find(in: "<img src=\"https://example.org/x.png\">") != [])
    #expect(ExternalReferences.find(in: "<link rel=\"stylesheet\" href=\"https://example.org/a.css\">") != [])
    #expect(ExternalReferences.find(in: "<style>@font-face { src: url(https://example.org/f.woff) }</style>") != [])
    #expect(ExternalReferences.find(in: "<script>fetch('https://example.org')</script>") != [])
    #expect(ExternalReferences.find(in: "<a href=\"javascript:alert(1)\">x</a>") != [])
    #expect(ExternalReferences.find(in: "<a href=\"https://www.nice.org.uk/guidance/ng245\">NG245</a>") == [])
  }

  @Test func theChildReportLoadsNothing() throws {
    for report in [try SampleReports.hakeem(), try SampleReports.wellControlled()] {
      let html = ChildReportRenderer(report: report).html()
      #expect(ExternalReferences.find(in: html) == [])
      // References are printed as text, not links, in the child report.
      #expect(!html.contains("href="))
      #expect(html.contains("Content-Security-Policy"))
    }
  }

  @Test func theAreaReportLoadsNothing() throws {
    let html = AreaReportRenderer(report: try SampleReports.pseudonymisedArea.get()).html()
    #expect(ExternalReferences.find(in: html) == [])
    #expect(html.contains("default-src &#39;none&#39;"))
  }

  @Test func theRuleCatalogueLoadsNothingAndLinksOnlyItsReferences() throws {
    let html = RuleCatalogue(rules: try ShippedRules.load(), provenance: ReportProvenance(toolVersion: "test", rulesVersion: "test")).html()
    #expect(ExternalReferences.find(in: html) == [])
    #expect(html.contains("<a href=\"https://"))
  }
}
