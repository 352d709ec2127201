/// The shell every report shares: one self-contained HTML file.
///
/// The file must open from a USB stick on a locked-down NHS laptop and print to A4, so it
/// loads nothing: the stylesheet is inline, charts are inline SVG, there is no script, and a
/// Content-Security-Policy forbids loading anything at all. The policy also means that if
/// untrusted text ever escaped ``HTMLText/escape(_:)``, a browser still would not run it.
struct ReportPage {
  var title: String
  /// Shown under the title: what the report is about, as of when.
  var subtitle: String
  /// Facts for the page header (rules version, tool version, inputs), in order.
  var provenance: [(String, String)]
  /// Problems with the source as a whole, shown under the title before anything else.
  var warnings: [String] = []
  /// The protective marking (`rules/reports.json`) for a report that identifies children:
  /// at the top and bottom of the page on screen, and of every page printed.
  var marking: String? = nil

  /// Nothing is loaded and nothing runs; inline styles and `data:` are all the page needs.
  static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

  /// The whole document around `body`.
  func render(generatedNotice: String? = nil, body: (inout HTMLText) -> Void) -> String {
    var html = HTMLText()
    html.literal("<!DOCTYPE html>\n")
    if let generatedNotice {
      html.comment(generatedNotice.replacingBackticks())
      html.newline()
    }
    html.open("html", ["lang": "en-GB"])
    html.newline()
    html.open("head")
    html.newline()
    html.open("meta", ["charset": "utf-8"])
    html.newline()
    html.open("meta", ["http-equiv": "Content-Security-Policy", "content": Self.contentSecurityPolicy])
    html.newline()
    html.open("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
    html.newline()
    html.open("meta", ["name": "referrer", "content": "no-referrer"])
    html.newline()
    html.element("title", title)
    html.newline()
    html.literal("<style>\n")
    html.literal(Stylesheet.css)
    if let marking { html.styleRules(Stylesheet.printedMarking(marking)) }
    html.literal("</style>\n")
    html.close("head")
    html.newline()
    html.open("body")
    html.newline()
    if let marking {
      html.element("p", ["class": "marking marking-top"], marking)
      html.newline()
    }
    html.element("header", ["class": "page-header"]) { html in
      html.newline()
      html.element("h1", title)
      html.newline()
      html.element("p", ["class": "subtitle"], subtitle)
      html.newline()
      if !warnings.isEmpty {
        html.element("div", ["class": "warning", "role": "alert"]) { html in
          for warning in warnings { html.element("p", "Warning: " + warning) }
        }
        html.newline()
      }
      html.element("dl", ["class": "provenance"]) { html in
        for (term, value) in provenance {
          html.element("div") { html in
            html.element("dt", term)
            html.element("dd", value)
          }
        }
      }
      html.newline()
      html.element("p", ["class": "notice"], Self.patternsNotConclusions)
      html.newline()
    }
    html.newline()
    html.element("main") { html in
      html.newline()
      body(&html)
    }
    html.newline()
    html.element("footer", ["class": "page-footer"]) { html in
      html.element("p", Self.patternsNotConclusions)
    }
    if let marking {
      html.newline()
      html.element("p", ["class": "marking marking-bottom"], marking)
    }
    html.newline()
    html.close("body")
    html.newline()
    html.close("html")
    html.newline()
    return html.text
  }

  /// Said at the top and bottom of every report (DOMAIN.md section 6).
  static let patternsNotConclusions =
    "This report surfaces patterns in prescribing, dispensing and care records for a clinician or safeguarding lead to review. It never concludes that a child was neglected, and no pattern here is a finding about a family."
}
