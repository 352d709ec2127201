import SurveillanceCore

/// The area report's charts. Each is a picture of a table printed beside it, which is the
/// chart's text alternative; the SVG's own title and description summarise it in a sentence.
enum AreaCharts {
  /// Horizontal bars, one per signal, split by severity.
  static func signalsBySeverity(_ report: AreaReport) -> HTMLFragment {
    let rows: [(id: String, title: String, counts: [Int])] = report.rules.map { rule in
      let signals = report.evaluated.compactMap { $0.signals.first { $0.ruleID == rule.id } }
      return (rule.id, rule.title, Severity.allCases.map { severity in signals.filter { $0.severity == severity }.count })
    }.sorted { ($1.counts.reduce(0, +), $0.id) < ($0.counts.reduce(0, +), $1.id) }
    let maximum = max(1, rows.map { $0.counts.reduce(0, +) }.max() ?? 1)
    let left = 330.0, right = 940.0, rowHeight = 22.0, top = 34.0
    let height = top + Double(rows.count) * rowHeight + 12
    var svg = SVGCanvas()
    let described = rows.filter { $0.counts.reduce(0, +) > 0 }.prefix(3).map { "\($0.title): \($0.counts.reduce(0, +))" }
    svg.begin(
      width: 1000, height: height, id: "by-severity", title: "Children with each signal on \(report.asOf), by severity",
      description: "Bars of children per signal, split into review, priority and urgent. Most common: \(described.joined(separator: "; ")). The table below gives every figure.")
    var cursor = left
    for severity in Severity.allCases {
      svg.rect(x: cursor, y: 8, width: 12, height: 12, fill: ChartPalette.severity(severity))
      svg.text(severity.rawValue, x: cursor + 17, y: 18)
      cursor += 100
    }
    for (index, row) in rows.enumerated() {
      let y = top + Double(index) * rowHeight
      svg.text(row.title, x: left - 8, y: y + 15, anchor: .end, size: 12)
      var x = left
      for (severity, count) in zip(Severity.allCases, row.counts) where count > 0 {
        let width = Double(count) / Double(maximum) * (right - left - 40)
        svg.rect(x: x, y: y + 3, width: width, height: rowHeight - 6, fill: ChartPalette.severity(severity), label: "\(row.title): \(count) \(severity.rawValue)")
        x += width
      }
      svg.text(String(row.counts.reduce(0, +)), x: x + 5, y: y + 15, size: 12)
    }
    svg.end()
    return HTMLFragment { $0.append(svg.html) }
  }

  /// Columns of children per preventer ratio bin.
  static func preventerRatios(_ table: ReportTable) -> HTMLFragment {
    let bins = table.rows.map { (label: $0[0], count: Int($0[1]) ?? 0) }
    let maximum = max(1, bins.map(\.count).max() ?? 1)
    let left = 60.0, right = 980.0, top = 20.0, bottom = 230.0
    let slot = (right - left) / Double(bins.count)
    var svg = SVGCanvas()
    svg.begin(
      width: 1000, height: 290, id: "ratios", title: "Children by preventer ratio over 12 months",
      description: "Columns of children in each tenth of the preventer ratio, from 0 (relievers only) to 1 (preventers only), and children with no inhalers. "
        + bins.map { "\($0.label): \($0.count)" }.joined(separator: "; ") + ".")
    for tick in [0, maximum] {
      let y = bottom - Double(tick) / Double(maximum) * (bottom - top)
      svg.line(x1: left, y1: y, x2: right, y2: y, stroke: ChartPalette.grid)
      svg.text(String(tick), x: left - 6, y: y + 4, anchor: .end, size: 11)
    }
    for (index, bin) in bins.enumerated() {
      let x = left + Double(index) * slot
      let height = Double(bin.count) / Double(maximum) * (bottom - top)
      let colour = index == bins.count - 1 ? ChartPalette.muted : ChartPalette.preventer
      svg.rect(x: x + slot * 0.1, y: bottom - height, width: slot * 0.8, height: height, fill: colour, label: "\(bin.label): \(bin.count)")
      svg.text(String(bin.count), x: x + slot / 2, y: bottom - height - 4, anchor: .middle, size: 11)
      let words = bin.label.split(separator: " ").map(String.init)
      let firstLine = words.count > 3 ? words.prefix(words.count - 2).joined(separator: " ") : bin.label
      svg.text(firstLine, x: x + slot / 2, y: bottom + 16, anchor: .middle, size: 11)
      if words.count > 3 { svg.text(words.suffix(2).joined(separator: " "), x: x + slot / 2, y: bottom + 30, anchor: .middle, size: 11) }
    }
    svg.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: ChartPalette.ink)
    svg.end()
    return HTMLFragment { $0.append(svg.html) }
  }

  /// One small line chart per signal: children with it on each monthly trend date.
  static func trend(_ report: AreaReport) -> HTMLFragment {
    HTMLFragment { html in
      html.element("div", ["class": "small-multiples"]) { html in
        for rule in report.rules {
          let counts = report.trendDates.indices.map { index in report.children.filter { $0.firingOnTrendDates[index].contains(rule.id) }.count }
          html.element("figure") { html in
            html.element("figcaption", rule.title)
            html.append(sparkline(rule: rule, counts: counts, dates: report.trendDates))
          }
          html.newline()
        }
      }
      html.newline()
    }
  }

  private static func sparkline(rule: SignalRule, counts: [Int], dates: [CalendarDate]) -> HTMLText {
    let width = 300.0, height = 110.0, left = 34.0, right = 292.0, top = 10.0, bottom = 86.0
    let maximum = max(1, counts.max() ?? 1)
    func x(_ index: Int) -> Double { dates.count < 2 ? left : left + Double(index) / Double(dates.count - 1) * (right - left) }
    func y(_ count: Int) -> Double { bottom - Double(count) / Double(maximum) * (bottom - top) }
    var svg = SVGCanvas()
    let peak = counts.indices.max { counts[$0] < counts[$1] } ?? 0
    svg.begin(
      width: width, height: height, id: "trend-\(rule.id)", title: "\(rule.title): children with the signal each month",
      description: dates.isEmpty ? "No dates." : "\(counts.first ?? 0) on \(dates.first!), \(counts.last ?? 0) on \(dates.last!); highest \(counts[peak]) on \(dates[peak]).")
    svg.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: ChartPalette.ink)
    svg.line(x1: left, y1: top, x2: right, y2: top, stroke: ChartPalette.grid)
    svg.text(String(maximum), x: left - 5, y: top + 4, anchor: .end, size: 12)
    svg.text("0", x: left - 5, y: bottom + 4, anchor: .end, size: 12)
    svg.polyline(counts.indices.map { (x($0), y(counts[$0])) }, stroke: ChartPalette.reliever, width: 2.5)
    if let last = counts.indices.last { svg.circle(x: x(last), y: y(counts[last]), radius: 3.5, fill: ChartPalette.reliever) }
    if let first = dates.first, let last = dates.last {
      svg.text(Words.shortMonth(first) + " " + String(first.year), x: left, y: bottom + 18, size: 12)
      svg.text(Words.shortMonth(last) + " " + String(last.year) + ": " + String(counts.last ?? 0), x: right, y: bottom + 18, anchor: .end, size: 12)
    }
    svg.end()
    return svg.html
  }
}
