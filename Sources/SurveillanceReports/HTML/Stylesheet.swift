/// The one stylesheet, inline in every report: readable on screen, clean on A4 paper.
///
/// Fonts are the ones an NHS laptop already has (Arial, else Liberation Sans or DejaVu Sans
/// on Linux); nothing is downloaded. Colours carry no meaning alone: every coloured mark
/// also has a label or a shape, for colour-blind readers and black-and-white printers.
enum Stylesheet {
  static let css: StaticString = """
    :root { --ink: #0b0c0c; --muted: #505a5f; --rule: #b1b4b6; --band: #f3f2f1; --link: #1d70b8;
      --review: #1d70b8; --priority: #b35c00; --urgent: #d4351c; }
    * { box-sizing: border-box; }
    html { font-family: Arial, "Liberation Sans", "DejaVu Sans", Helvetica, sans-serif; color: var(--ink); background: #fff; }
    body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; font-size: 16px; line-height: 1.4; }
    h1 { font-size: 1.9rem; margin: 0 0 .25rem; }
    h2 { font-size: 1.45rem; margin: 2rem 0 .5rem; padding-top: .5rem; border-top: 2px solid var(--ink); }
    h3 { font-size: 1.15rem; margin: 1.25rem 0 .4rem; }
    p, ul, ol, dl { margin: .4rem 0 .8rem; }
    a { color: var(--link); }
    code { font-family: "DejaVu Sans Mono", "Liberation Mono", Consolas, monospace; font-size: .9em; background: var(--band); padding: 0 .2em; }
    .subtitle { font-size: 1.15rem; color: var(--muted); margin: 0 0 .75rem; }
    .provenance { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; font-size: .9rem; margin: 0 0 .75rem; }
    .provenance div { display: flex; gap: .4rem; }
    .provenance dt { color: var(--muted); }
    .provenance dd { margin: 0; font-weight: bold; }
    .notice { border-left: 6px solid var(--link); background: var(--band); padding: .6rem .9rem; }
    .warning { border-left: 6px solid var(--urgent); background: #fbeae8; padding: .6rem .9rem; }
    .generated { border: 2px dashed var(--muted); padding: .4rem .8rem; font-weight: bold; }
    .marking { margin: .3rem 0; text-align: center; font-weight: 700; letter-spacing: .04em; }
    .page-footer { margin-top: 2.5rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: .9rem; }
    .summary { display: flex; flex-wrap: wrap; gap: .75rem; padding: 0; list-style: none; }
    .summary li { border: 1px solid var(--rule); padding: .5rem .8rem; min-width: 10rem; }
    .summary strong { display: block; font-size: 1.6rem; }
    table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.25rem; font-size: .88rem; }
    caption { text-align: left; font-weight: bold; font-size: 1rem; padding: .3rem 0; }
    th, td { border: 1px solid var(--rule); padding: .25rem .4rem; vertical-align: top; text-align: left; }
    thead th { background: var(--band); }
    tbody th { font-weight: normal; }
    td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
    th.vertical { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-weight: normal; padding: .4rem .1rem; }
    .wide { overflow-x: auto; }
    .nowrap { white-space: nowrap; }
    .severity { font-weight: bold; white-space: nowrap; }
    .severity-review { color: var(--review); }
    .severity-priority { color: var(--priority); }
    .severity-urgent { color: var(--urgent); }
    .status { white-space: nowrap; }
    .source { font-family: "DejaVu Sans Mono", "Liberation Mono", Consolas, monospace; font-size: .8rem; word-break: break-all; }
    .muted { color: var(--muted); }
    figure { margin: 1rem 0 1.5rem; }
    figure svg { width: 100%; height: auto; display: block; }
    figcaption { font-size: .9rem; margin-top: .4rem; }
    figcaption ul { margin: .2rem 0; padding-left: 1.2rem; }
    .small-multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .75rem 1rem; }
    .small-multiples figure { margin: 0; }
    .small-multiples figcaption { margin: 0 0 .2rem; font-weight: bold; font-size: .85rem; }
    .rule { border-top: 1px solid var(--rule); margin-top: 1.5rem; }
    .references li { margin-bottom: .3rem; }
    .url { font-family: "DejaVu Sans Mono", "Liberation Mono", Consolas, monospace; font-size: .8rem; word-break: break-all; }
    @media print {
      @page { size: A4; margin: 14mm 12mm 16mm; }
      body { max-width: none; padding: 0; font-size: 10pt; }
      h1 { font-size: 18pt; }
      h2 { font-size: 14pt; break-after: avoid; page-break-after: avoid; }
      h3 { font-size: 11.5pt; break-after: avoid; page-break-after: avoid; }
      table { font-size: 8.5pt; }
      thead { display: table-header-group; }
      /* A chart is never cut, but its caption may run on to the next page, so a chart with a long
         legend starts on the page it belongs to rather than leaving that page blank. */
      tr, figure svg, .summary li, .rule-head { break-inside: avoid; page-break-inside: avoid; }
      figcaption { break-before: avoid; page-break-before: avoid; }
      caption { break-after: avoid; }
      .wide { overflow: visible; }
      a { color: var(--ink); text-decoration: none; }
      .notice, .warning, thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      figure svg { max-height: 240mm; }
      .page-break { break-before: page; page-break-before: always; }
      /* An area report's practices each start a page, after a summary of a few pages. */
      .practice-page { break-before: page; page-break-before: always; }
      .practice-page h2 { margin-top: 0; }
      .small-multiples { grid-template-columns: repeat(3, 1fr); gap: .4rem .8rem; }
      /* Printed, the marking is in the margin of every page (below), not once in the flow. */
      .marking { display: none; }
    }

    """

  /// The marking in the top and bottom margin of every printed page, with the page number, so
  /// that a page taken out of a bundle still says what it is and where it came from. Page
  /// margin boxes are CSS Paged Media, drawn by Chromium since version 131.
  static func printedMarking(_ marking: String) -> String {
    let text = cssString(marking)
    return """
      @media print {
        @page {
          @top-center { content: \(text); font: 700 8pt system-ui, sans-serif; letter-spacing: .04em; }
          @bottom-center { content: \(text); font: 700 8pt system-ui, sans-serif; letter-spacing: .04em; }
          @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt system-ui, sans-serif; }
        }
      }

      """
  }

  /// A CSS string literal for any text: letters, digits, spaces and plain punctuation as they
  /// are, everything else (quotes, backslashes, `<`, line breaks) as a CSS escape, so the text
  /// can neither end the string nor the `<style>` element.
  static func cssString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "a"..."z", "A"..."Z", "0"..."9", " ", ":", ",", ".", "-", "(", ")", "/", "!", "?", "'", "&", ";":
        out.unicodeScalars.append(scalar)
      default:
        out += "\\" + String(scalar.value, radix: 16) + " "
      }
    }
    return out + "\""
  }
}
