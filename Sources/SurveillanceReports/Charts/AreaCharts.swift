import SurveillanceCore

/// The area report's charts. Each is a picture of a table printed beside it, which is the
/// chart's text alternative; the SVG's own title and description summarise it in a sentence.
///
/// They draw the figures as published (``AreaFigures``): a bar or a point would otherwise
/// show by its length what the table suppresses. A suppressed count is drawn as the band or
/// grey remainder its words allow, never at its value.
enum AreaCharts {
  /// Horizontal bars, one per signal, split by severity.
  static func signalsBySeverity(_ tables: AreaTables) -> HTMLFragment {
    let report = tables.report, figures = tables.figures
    let threshold = report.disclosureControl.suppressBelow
    let rows: [(title: String, counts: [PublishedCount], total: PublishedCount)] = tables.rulesByChildren.map { rule in
      (rule.title, Severity.allCases.map { figures.published(.signalAt(rule.id, $0)) }, figures.published(.signal(rule.id)))
    }
    let maximum = max(1, rows.map { max($0.total.orderingValue(threshold: threshold), $0.counts.compactMap(\.exact).reduce(0, +)) }.max() ?? 1)
    // Room for the longest title (cut with an ellipsis past a limit: the table gives it whole)
    // on the left, and for the widest total after its bar on the right, whatever the counts.
    let width = 1000.0, size = 12.0, legendSize = 13.0, margin = 4.0, rowHeight = 22.0, top = 34.0
    let titleRoom = min(rows.map { TextWidth.of($0.title, size: size) }.max() ?? 0, 420)
    let left = max(180, margin + titleRoom + 8)
    let totalRoom = (rows.map { TextWidth.of($0.total.text, size: size) }.max() ?? 0) + 5 + margin
    let scale = (width - totalRoom - left) / Double(maximum)
    let height = top + Double(rows.count) * rowHeight + 12
    var svg = SVGCanvas()
    let described = rows.filter { ($0.total.exact ?? 1) > 0 }.prefix(3).map { "\($0.title): \($0.total.text)" }
    svg.begin(
      width: width, height: height, id: "by-severity", title: "Children with each signal on \(report.asOf), by severity",
      description: "Bars of children per signal, split into review, priority and urgent. Most common: \(described.joined(separator: "; ")). The table below gives every figure.")
    var cursor = left
    for severity in Severity.allCases {
      svg.rect(x: cursor, y: 8, width: 12, height: 12, fill: ChartPalette.severity(severity))
      svg.text(severity.rawValue, x: cursor + 17, y: 18, size: legendSize)
      cursor += 17 + TextWidth.of(severity.rawValue, size: legendSize) + 24
    }
    for (index, row) in rows.enumerated() {
      let y = top + Double(index) * rowHeight
      svg.text(TextWidth.fitting(row.title, width: left - 8 - margin, size: size), x: left - 8, y: y + 15, anchor: .end, size: size)
      var x = left
      for (severity, count) in zip(Severity.allCases, row.counts) {
        guard let exact = count.exact, exact > 0 else { continue }
        svg.rect(x: x, y: y + 3, width: Double(exact) * scale, height: rowHeight - 6, fill: ChartPalette.severity(severity), label: "\(row.title): \(exact) \(severity.rawValue)")
        x += Double(exact) * scale
      }
      // What the suppressed severities add up to is the total less the shown ones, which the
      // table gives anyway: one grey remainder, never a bar per suppressed count.
      let shown = row.counts.compactMap(\.exact).reduce(0, +)
      if let total = row.total.exact, total > shown {
        svg.rect(x: x, y: y + 3, width: Double(total - shown) * scale, height: rowHeight - 6, fill: ChartPalette.grid, label: "\(row.title): \(total - shown) at severities not shown")
        x += Double(total - shown) * scale
      }
      svg.text(row.total.text, x: x + 5, y: y + 15, size: size)
    }
    svg.end()
    return HTMLFragment { $0.append(svg.html) }
  }

  /// Columns of children per preventer ratio bin.
  static func preventerRatios(_ tables: AreaTables) -> HTMLFragment {
    let threshold = tables.report.disclosureControl.suppressBelow
    let bins = tables.ratioRows
    let maximum = max(axisFloor(tables.report), bins.map { $0.count.orderingValue(threshold: threshold) }.max() ?? 1, bins.contains { $0.count.exact == nil } ? threshold : 1)
    // The axis's labels need room for the top count, however many digits it has.
    let size = 11.0
    let left = max(60, TextWidth.of(String(maximum), size: size) + 6 + 4), right = 980.0, top = 20.0, bottom = 230.0
    let slot = (right - left) / Double(bins.count)
    var svg = SVGCanvas()
    svg.begin(
      width: 1000, height: 290, id: "ratios", title: "Children by preventer ratio over 12 months",
      description: "Columns of children in each tenth of the preventer ratio, from 0.0 (relievers only) to 1.0 (preventers only), and children with no inhalers. "
        + bins.map { "\($0.label): \($0.count.text)" }.joined(separator: "; ") + ".")
    for tick in [0, maximum] {
      let y = bottom - Double(tick) / Double(maximum) * (bottom - top)
      svg.line(x1: left, y1: y, x2: right, y2: y, stroke: ChartPalette.grid)
      svg.text(String(tick), x: left - 6, y: y + 4, anchor: .end, size: size)
    }
    for (index, bin) in bins.enumerated() {
      let x = left + Double(index) * slot
      let colour = index == bins.count - 1 ? ChartPalette.muted : ChartPalette.preventer
      // A suppressed count is drawn as the pale band from 0 to the threshold, the range its
      // words give.
      let height: Double
      if let exact = bin.count.exact {
        height = Double(exact) / Double(maximum) * (bottom - top)
        svg.rect(x: x + slot * 0.1, y: bottom - height, width: slot * 0.8, height: height, fill: colour, label: "\(bin.label): \(exact)")
      } else {
        height = Double(threshold) / Double(maximum) * (bottom - top)
        svg.rect(x: x + slot * 0.1, y: bottom - height, width: slot * 0.8, height: height, fill: colour, opacity: 0.25, label: "\(bin.label): \(bin.count.text)")
      }
      // A count wider than its column (a five-digit count in a narrow chart) is set smaller.
      svg.text(bin.count.text, x: x + slot / 2, y: bottom - height - 4, anchor: .middle, size: TextWidth.size(fitting: bin.count.text, width: slot - 2, upTo: size))
      let words = bin.label.split(separator: " ").map(String.init)
      let firstLine = words.count > 3 ? words.prefix(words.count - 2).joined(separator: " ") : bin.label
      svg.text(firstLine, x: x + slot / 2, y: bottom + 16, anchor: .middle, size: TextWidth.size(fitting: firstLine, width: slot - 2, upTo: size))
      if words.count > 3 {
        let secondLine = words.suffix(2).joined(separator: " ")
        svg.text(secondLine, x: x + slot / 2, y: bottom + 30, anchor: .middle, size: TextWidth.size(fitting: secondLine, width: slot - 2, upTo: size))
      }
    }
    svg.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: ChartPalette.ink)
    svg.end()
    return HTMLFragment { $0.append(svg.html) }
  }

  /// The least top of an axis: 1, or in a report with disclosure control the threshold, so
  /// that an axis never reads as a small count.
  private static func axisFloor(_ report: AreaReport) -> Int { report.identified ? 1 : report.disclosureControl.suppressBelow }

  /// One small line chart per signal: children with it on each monthly trend date. Every chart
  /// has the same months along its axis; a rule's months before its first comparable one are
  /// a hatched band with no line (too little export history before them for its window).
  static func trend(_ tables: AreaTables) -> HTMLFragment {
    let report = tables.report
    return HTMLFragment { html in
      html.element("div", ["class": "small-multiples"]) { html in
        for rule in report.rules {
          let counts = report.trendDates.indices.map { report.isComparable(rule, at: $0) ? tables.figures.published(.trend($0, rule.id)) : nil }
          html.element("figure") { html in
            html.element("figcaption", rule.title)
            html.append(sparkline(
              rule: rule, counts: counts, dates: report.trendDates, threshold: report.disclosureControl.suppressBelow, floor: axisFloor(report),
              history: report.historyNeeded(for: rule)))
          }
          html.newline()
        }
      }
      html.newline()
    }
  }

  /// Months whose count is suppressed break the line; a pale band from 0 to the threshold
  /// marks the range their words give. Months with no comparable count (`nil`) come first,
  /// under a hatched band.
  private static func sparkline(rule: SignalRule, counts: [PublishedCount?], dates: [CalendarDate], threshold: Int, floor: Int, history: Period) -> HTMLText {
    let size = 12.0, width = 300.0, right = 292.0, top = 10.0, bottom = 86.0
    let comparable = counts.compactMap { $0 }
    let anySuppressed = comparable.contains { $0.exact == nil }
    let maximum = max(floor, comparable.map { $0.orderingValue(threshold: threshold) }.max() ?? 1, anySuppressed ? threshold : 1)
    // The axis's top label is drawn left of the plot, so the plot starts where it ends.
    let left = max(34, 3 + TextWidth.of(String(maximum), size: size) + 5)
    func x(_ index: Int) -> Double { dates.count < 2 ? left : left + Double(index) / Double(dates.count - 1) * (right - left) }
    func y(_ count: Int) -> Double { bottom - Double(count) / Double(maximum) * (bottom - top) }
    let firstComparable = counts.firstIndex { $0 != nil }
    let shown = counts.indices.filter { counts[$0]?.exact != nil }
    let peak = shown.max { counts[$0]!.exact! < counts[$1]!.exact! }
    let lastText = counts.last.map { $0?.text ?? AreaTables.notComparable } ?? "0"
    let firstLabel = dates.first.map { Words.shortMonth($0) + " " + String($0.year) } ?? ""
    let lastLabel = dates.last.map { Words.shortMonth($0) + " " + String($0.year) + ": " + lastText } ?? ""
    // The two date labels on one line when they fit side by side, else the last on a second.
    let twoLines = left + TextWidth.of(firstLabel, size: size) + 8 > right - TextWidth.of(lastLabel, size: size)
    let height = twoLines ? 126.0 : 110.0
    var description: String
    if dates.isEmpty {
      description = "No dates."
    } else if let firstComparable {
      let highest = peak.map { "highest\(anySuppressed ? " shown" : "") \(counts[$0]!.text) on \(dates[$0])" } ?? "no month's count shown"
      description = "\(counts[firstComparable]!.text) on \(dates[firstComparable]), \(lastText) on \(dates.last!); \(highest)."
      if firstComparable > 0 {
        description += " Months before \(dates[firstComparable]) are not comparable: the exports hold less than the \(CriterionWording.period(history)) of history the count needs before them."
      }
    } else {
      description = "No month is comparable: the exports hold less than the \(CriterionWording.period(history)) of history the count needs before each."
    }
    var svg = SVGCanvas()
    svg.begin(width: width, height: height, id: "trend-\(rule.id)", title: "\(rule.title): children with the signal each month", description: description)
    let hatchEnd = firstComparable.map { $0 == 0 ? left : (x($0 - 1) + x($0)) / 2 } ?? right
    if hatchEnd > left {
      svg.rect(x: left, y: top, width: hatchEnd - left, height: bottom - top, fill: ChartPalette.grid, opacity: 0.35)
      let words = AreaTables.notComparable
      let wordsSize = TextWidth.size(fitting: words, width: hatchEnd - left - 6, upTo: 11)
      if wordsSize >= 8 { svg.text(words, x: (left + hatchEnd) / 2, y: (top + bottom) / 2 + 4, anchor: .middle, size: wordsSize, fill: ChartPalette.muted) }
    }
    if anySuppressed { svg.rect(x: hatchEnd, y: y(threshold), width: right - hatchEnd, height: bottom - y(threshold), fill: ChartPalette.grid, opacity: 0.5) }
    svg.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: ChartPalette.ink)
    svg.line(x1: left, y1: top, x2: right, y2: top, stroke: ChartPalette.grid)
    svg.text(String(maximum), x: left - 5, y: top + 4, anchor: .end, size: size)
    svg.text("0", x: left - 5, y: bottom + 4, anchor: .end, size: size)
    var run: [(Double, Double)] = []
    for index in counts.indices {
      if let count = counts[index]?.exact { run.append((x(index), y(count))) }
      if counts[index]?.exact == nil || index == counts.count - 1 {
        if run.count == 1 { svg.circle(x: run[0].0, y: run[0].1, radius: 2, fill: ChartPalette.reliever) }
        svg.polyline(run, stroke: ChartPalette.reliever, width: 2.5)
        run = []
      }
    }
    if let last = counts.indices.last, let count = counts[last]?.exact { svg.circle(x: x(last), y: y(count), radius: 3.5, fill: ChartPalette.reliever) }
    if !dates.isEmpty {
      svg.text(firstLabel, x: left, y: bottom + 18, size: size)
      svg.text(lastLabel, x: right, y: bottom + (twoLines ? 34 : 18), anchor: .end, size: size)
    }
    svg.end()
    return svg.html
  }
}
