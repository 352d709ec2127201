import Testing
@testable import SurveillanceReports

/// Export text is untrusted: whatever a drug name or a code holds prints as text.
struct HTMLEscapingTests {
  @Test(arguments: [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("Tom & Jerry's \"inhaler\"", "Tom &amp; Jerry&#39;s &quot;inhaler&quot;"),
    ("bell\u{07}", "bell\u{FFFD}"),
    ("£9.90 café", "£9.90 café"),
  ])
  func markupCharactersPrintAsText(input: String, expected: String) {
    #expect(HTMLText.escape(input) == expected)
  }

  @Test func attributeValuesAreEscapedAndEmptyOnesLeftOut() {
    var html = HTMLText()
    html.element("td", ["title": "\" onmouseover=\"x", "class": ""], "<b>")
    #expect(html.text == "<td title=\"&quot; onmouseover=&quot;x\">&lt;b&gt;</td>")
  }
}
