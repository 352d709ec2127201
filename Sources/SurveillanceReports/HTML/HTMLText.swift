/// Builds HTML text in which every piece of data is escaped.
///
/// Report text comes from NHS exports (drug names, codes, local authority names) and is
/// untrusted: a drug name of `<script>…` must print as those characters, never run. So tag
/// and attribute names are only ever literals in this module's code, and every value, text
/// or attribute, goes through ``escape(_:)``. Nothing else writes markup.
struct HTMLText {
  private(set) var text = ""

  /// `value` with the five characters that mean something in HTML (and SVG) replaced.
  static func escape(_ value: String) -> String {
    var result = ""
    result.reserveCapacity(value.utf8.count)
    for scalar in value.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      // Control characters other than tab and newline have no business in a report and
      // some break XML parsers (SVG); show them as a replacement character.
      case let s where s.value < 0x20 && s != "\t" && s != "\n": result += "\u{FFFD}"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// `<tag a="v">`, attributes escaped. `tag` and attribute names are code literals.
  mutating func open(_ tag: StaticString, _ attributes: KeyValuePairs<StaticString, String> = [:]) {
    text += "<\(tag)"
    // An empty value means "no such attribute here" (no report needs `class=""`).
    for (name, value) in attributes where !value.isEmpty { text += " \(name)=\"\(Self.escape(value))\"" }
    text += ">"
  }

  mutating func close(_ tag: StaticString) { text += "</\(tag)>" }

  /// `<tag>escaped text</tag>`.
  mutating func element(_ tag: StaticString, _ content: String) { element(tag, [:], content) }

  /// `<tag …>escaped text</tag>`.
  mutating func element(_ tag: StaticString, _ attributes: KeyValuePairs<StaticString, String>, _ content: String) {
    open(tag, attributes)
    self.text(content)
    close(tag)
  }

  /// `<tag …>` … `</tag>` around what `body` writes.
  mutating func element(_ tag: StaticString, _ attributes: KeyValuePairs<StaticString, String> = [:], body: (inout HTMLText) -> Void) {
    open(tag, attributes)
    body(&self)
    close(tag)
  }

  /// Escaped text.
  mutating func text(_ content: String) { text += Self.escape(content) }

  /// A new line, to keep the source readable and the golden files' diffs small.
  mutating func newline() { text += "\n" }

  /// Markup produced by this module's own builders (a chart, a table).
  mutating func append(_ fragment: HTMLFragment) { text += fragment.markup }

  /// Markup written by another ``HTMLText`` (an SVG canvas).
  mutating func append(_ other: HTMLText) { text += other.text }

  /// Markup that is a literal in this module's code: the doctype, the stylesheet.
  mutating func literal(_ markup: StaticString) { text += markup.description }

  /// Style rules built in this module around text escaped by ``Stylesheet/cssString(_:)``,
  /// inside `<style>`: with no `<` in them they cannot end the element.
  mutating func styleRules(_ css: String) {
    precondition(!css.contains("<"), "style rules must not contain '<'")
    text += css
  }

  /// `<!-- … -->`, escaped, with no `--` inside.
  mutating func comment(_ content: String) {
    var cleaned = ""
    for character in Self.escape(content) {
      if character == "-" && cleaned.last == "-" { cleaned += " " }
      cleaned.append(character)
    }
    text += "<!-- \(cleaned) -->"
  }
}

/// Markup already built by ``HTMLText``: the only way finished markup moves between builders.
struct HTMLFragment {
  let markup: String

  init(_ build: (inout HTMLText) -> Void) {
    var html = HTMLText()
    build(&html)
    markup = html.text
  }
}
