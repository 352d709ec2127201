/// Inline SVG drawing for the reports' charts, written as text with every label escaped.
///
/// Charts are drawn by the tool itself rather than by a charting library: a library would
/// mean a script (which the reports must not carry) or a dependency larger than the charts.
/// Coordinates print with at most one decimal so that golden files stay stable and small.
struct SVGCanvas {
  private(set) var html = HTMLText()

  static func number(_ value: Double) -> String {
    let tenths = (value * 10).rounded()
    if tenths == (tenths / 10).rounded() * 10 { return String(Int(tenths / 10)) }
    let whole = Int(tenths) / 10
    let fraction = abs(Int(tenths)) % 10
    return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(fraction)"
  }

  /// Opens the `<svg>` with an accessible name (`<title>`) and description (`<desc>`).
  mutating func begin(width: Double, height: Double, id: String, title: String, description: String) {
    html.open("svg", [
      "viewBox": "0 0 \(Self.number(width)) \(Self.number(height))",
      "role": "img", "aria-labelledby": "\(id)-title \(id)-desc", "font-size": "13",
      "font-family": "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif",
    ])
    html.newline()
    html.element("title", ["id": "\(id)-title"], title)
    html.element("desc", ["id": "\(id)-desc"], description)
    html.newline()
  }

  mutating func end() {
    html.close("svg")
    html.newline()
  }

  mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String = "", opacity: Double? = nil, radius: Double? = nil, label: String? = nil) {
    html.open("rect", [
      "x": Self.number(x), "y": Self.number(y), "width": Self.number(max(width, 0)), "height": Self.number(max(height, 0)),
      "rx": radius.map(Self.number) ?? "", "fill": fill, "stroke": stroke, "fill-opacity": opacity.map(Self.number) ?? "",
    ])
    if let label { html.element("title", label) }
    html.close("rect")
  }

  mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String = "") {
    html.open("line", [
      "x1": Self.number(x1), "y1": Self.number(y1), "x2": Self.number(x2), "y2": Self.number(y2),
      "stroke": stroke, "stroke-width": Self.number(width), "stroke-dasharray": dash,
    ])
    html.close("line")
  }

  mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2) {
    guard points.count > 1 else { return }
    let list = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
    html.open("polyline", ["points": list, "fill": "none", "stroke": stroke, "stroke-width": Self.number(width)])
    html.close("polyline")
  }

  mutating func circle(x: Double, y: Double, radius: Double, fill: String, stroke: String = "", label: String? = nil) {
    html.open("circle", ["cx": Self.number(x), "cy": Self.number(y), "r": Self.number(radius), "fill": fill, "stroke": stroke])
    if let label { html.element("title", label) }
    html.close("circle")
  }

  mutating func polygon(_ points: [(Double, Double)], fill: String, stroke: String = "", label: String? = nil) {
    let list = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
    html.open("polygon", ["points": list, "fill": fill, "stroke": stroke, "stroke-width": stroke.isEmpty ? "" : "1.5"])
    if let label { html.element("title", label) }
    html.close("polygon")
  }

  enum Anchor: String { case start, middle, end }

  mutating func text(_ content: String, x: Double, y: Double, anchor: Anchor = .start, size: Double? = nil, weight: String = "", fill: String = "#0b0c0c") {
    html.element("text", [
      "x": Self.number(x), "y": Self.number(y), "text-anchor": anchor == .start ? "" : anchor.rawValue,
      "font-size": size.map(Self.number) ?? "", "font-weight": weight, "fill": fill,
    ], content)
  }

  mutating func newline() { html.newline() }
}
