import Foundation
import SurveillanceCore
@testable import SurveillanceReports
import Testing

/// Every label of the area report's charts fits inside its chart, whatever the counts: a
/// five-digit axis label was once drawn partly outside the trend charts (`'5882`).
///
/// A label's box is worked out from its position, anchor and font size, with its width
/// estimated from the font's metrics as ``TextWidth`` does (Arial's advance widths raised by
/// a margin for a wider fallback font) and its height from Arial's ascent and descent. The
/// browser test of a generated area measures the same labels with the fonts Chromium uses.
struct AreaChartLabelTests {
  enum Source: String, CaseIterable, CustomTestStringConvertible {
    case samplesPseudonymised, samplesIdentified, fiveDigitCounts

    var testDescription: String { rawValue }

    func report() throws -> AreaReport {
      switch self {
      case .samplesPseudonymised: return try SampleReports.pseudonymisedArea.get()
      case .samplesIdentified: return try SampleReports.identifiedArea.get()
      case .fiveDigitCounts: return try LargeCountArea.report()
      }
    }
  }

  @Test(arguments: Source.allCases)
  func everyChartLabelFitsItsChart(_ source: Source) throws {
    let html = AreaReportRenderer(report: try source.report()).html()
    let charts = ChartLabels.read(html)
    #expect(charts.count >= 3, "the overview, trend and ratio charts")
    for chart in charts {
      for label in chart.labels {
        let box = label.estimatedBox
        #expect(
          box.minX >= 0 && box.maxX <= chart.width && box.minY >= 0 && box.maxY <= chart.height,
          "\(chart.id): \"\(label.text)\" at x \(label.x), y \(label.y) spans \(box) outside 0 0 \(chart.width) \(chart.height)")
      }
    }
  }

  @Test func aFiveDigitAxisLabelGivesTheTrendChartRoom() throws {
    let html = AreaReportRenderer(report: try LargeCountArea.report()).html()
    let trend = try #require(ChartLabels.read(html).first { $0.id == "trend-action-plan-overdue" })
    #expect(trend.labels.contains { Int($0.text).map { $0 >= 10_000 } ?? false }, "the axis reads in tens of thousands")
  }

  @Test func labelWidthsFollowTheFontsMetrics() {
    #expect(TextWidth.of("25882", size: 10) > TextWidth.of("12", size: 10))
    // Five digits of Arial at 12 are 33.4 units; with the fallback margin, 38.4.
    #expect(abs(TextWidth.of("25882", size: 12) - 5 * 0.556 * 12 * TextWidth.fallbackMargin) < 0.01)
    #expect(TextWidth.of("W", size: 10) > TextWidth.of("i", size: 10))
    #expect(TextWidth.of(TextWidth.fitting("Asthma attack without a GP review within 2 working days", width: 150, size: 12), size: 12) <= 150)
    #expect(TextWidth.fitting("short", width: 150, size: 12) == "short")
    #expect(TextWidth.of("a label", size: TextWidth.size(fitting: "a label", width: 20, upTo: 12)) <= 20)
  }
}

/// The charts of a page, read back from its SVG: the box each draws in and its labels.
struct ChartLabels {
  struct Label {
    var text: String, x: Double, y: Double, anchor: String, size: Double, bold: Bool

    /// Arial's ascent and descent are 0.905 and 0.212 of the font size.
    var estimatedBox: (minX: Double, maxX: Double, minY: Double, maxY: Double) {
      let width = TextWidth.of(text, size: size, bold: bold)
      let minX = anchor == "end" ? x - width : anchor == "middle" ? x - width / 2 : x
      return (minX, minX + width, y - 0.905 * size, y + 0.212 * size)
    }
  }

  var id: String, width: Double, height: Double, labels: [Label]

  static func read(_ html: String) -> [ChartLabels] {
    matches(#"(<svg[\s\S]*?</svg>)"#, in: html).map { svg in
      let open = matches(#"(<svg[^>]*>)"#, in: svg).first ?? ""
      let box = (attribute("viewBox", in: open) ?? "0 0 0 0").split(separator: " ").compactMap { Double($0) }
      let size = attribute("font-size", in: open).flatMap(Double.init) ?? 16
      let id = attribute("id", in: matches(#"(<title[^>]*>)"#, in: svg).first ?? "")?.replacingOccurrences(of: "-title", with: "") ?? "chart"
      let labels = matches(#"(<text[^>]*>[^<]*</text>)"#, in: svg).map { element in
        let tag = matches(#"(<text[^>]*>)"#, in: element)[0]
        return Label(
          text: HTMLEntities.decode(matches(#">([^<]*)</text>"#, in: element).first ?? ""),
          x: attribute("x", in: tag).flatMap(Double.init) ?? 0, y: attribute("y", in: tag).flatMap(Double.init) ?? 0,
          anchor: attribute("text-anchor", in: tag) ?? "start", size: attribute("font-size", in: tag).flatMap(Double.init) ?? size,
          bold: attribute("font-weight", in: tag) == "bold")
      }
      return ChartLabels(id: id, width: box.count == 4 ? box[2] : 0, height: box.count == 4 ? box[3] : 0, labels: labels)
    }
  }

  private static func attribute(_ name: String, in tag: String) -> String? {
    matches(#"\s"# + name + #"="([^"]*)""#, in: tag).first
  }

  private static func matches(_ pattern: String, in text: String) -> [String] {
    let regex = try! NSRegularExpression(pattern: pattern)
    return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) }
  }
}

/// An area of 26000 children at three practices, built as a report model (no exports): every
/// count in its charts has five digits, and the exports' history starts 15 months before the
/// report date, so the trend's early months are not comparable for the 12-month rules.
enum LargeCountArea {
  static func report() throws -> AreaReport {
    let rules = try ShippedRules.load()
    let asOf = date("2026-11-21")
    let dates = (0...6).map { asOf.adding(months: $0 - 6) }
    let children = (0..<26_000).map { index in
      let signals = [AreaSignal(ruleID: "action-plan-overdue", severity: .review, ruleSeverity: .review)]
        + (index % 2 == 0 ? [AreaSignal(ruleID: "reliever-overuse", severity: .urgent, ruleSeverity: .urgent)] : [])
      return AreaChild(
        label: String(format: "child-%05d", index), practiceCode: ["M85001", "M85002", "M85003"][index % 3], ageYears: 4 + index % 13,
        evaluated: true, preventerRatio12m: Double(index % 10) / 10, signals: signals, safeguarding: index % 7 == 0 ? "CIN" : nil,
        firingOnTrendDates: dates.map { _ in signals.map(\.ruleID) })
    }
    var report = AreaReport(
      asOf: asOf, trendDates: dates, children: children, excluded: [.adult: 41_250], rules: rules.signals, identified: false,
      disclosureControl: rules.reports.disclosureControl, coverage: DataCoverage(files: []),
      provenance: ReportProvenance(toolVersion: "test", rulesVersion: "test"))
    report.population = PopulationWords(rules.timeline)
    report.historyStart = asOf.adding(months: -15)
    return report
  }
}
