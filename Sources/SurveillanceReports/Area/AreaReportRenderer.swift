import SurveillanceCore

/// Renders an ``AreaReport`` as one self-contained HTML page, with its tables also as CSV
/// (``AreaTables``) for the analyst's own spreadsheets.
public struct AreaReportRenderer {
  public let report: AreaReport
  public let tables: AreaTables

  public init(report: AreaReport) {
    self.report = report
    tables = AreaTables(report: report)
  }

  /// The page's file name in the output directory.
  public static let htmlFileName = "area-report.html"

  /// The page, as HTML text.
  public func html() -> String {
    let page = ReportPage(
      title: "Children's asthma signals across the area",
      subtitle: "As known on \(report.asOf), with the trend over \(Words.count(max(0, report.trendDates.count - 1), "month"))",
      provenance: [
        ("Report date", report.asOf.description),
        ("Trend", "\(report.trendDates.first?.description ?? "") to \(report.asOf), monthly"),
        ("Children", report.identified ? "identified by NHS number" : "pseudonymised"),
      ] + report.provenance.headerFacts, warnings: report.dataWarnings, marking: report.identified ? report.marking : nil)
    return page.render { html in
      identityNotice(&html)
      overview(&html)
      section(&html, id: "by-signal", heading: "Signals by severity") { html in
        html.element("p", "How many children each signal fired for on the report date, at the severity it reached after any safeguarding raise (a child protection, child in need or looked-after plan, active or ended in the last 12 months, raises a signal one level).")
        html.element("figure", ["aria-labelledby": "by-signal-caption"]) { html in
          html.append(AreaCharts.signalsBySeverity(report))
          html.element("figcaption", ["id": "by-signal-caption"], "Children with each signal, coloured by severity: blue review, brown priority, red urgent. The figures are in the table below.")
        }
        html.newline()
        html.append(tables.signalsByRule.html)
      }
      section(&html, id: "trend", heading: "Trend over the last \(Words.count(max(0, report.trendDates.count - 1), "month"))") { html in
        html.element("p", "Each month's count is of the children for whom the signal fired when evaluated on that date with only what the exports held by then. A child counted one month may not be the next.")
        html.append(AreaCharts.trend(report))
        html.append(tables.trend.html)
      }
      section(&html, id: "ratios", heading: "Preventer ratios") { html in
        html.element("p", "The preventer ratio is preventer inhalers divided by preventer plus reliever inhalers over 12 months: near 0, relievers with few preventers; near 1, preventers with few relievers. Children with no inhalers in the 12 months have no ratio.")
        html.element("figure", ["aria-labelledby": "ratios-caption"]) { html in
          html.append(AreaCharts.preventerRatios(tables.preventerRatios))
          html.element("figcaption", ["id": "ratios-caption"], "Children in each tenth of the preventer ratio; the grey column is children with no inhalers. The figures are in the table below.")
        }
        html.newline()
        html.append(tables.preventerRatios.html)
      }
      section(&html, id: "practices", heading: "Practices") { html in
        html.element("p", "Each child is counted at the practice that issued their latest asthma prescription.")
        html.append(tables.practices.html)
        html.append(tables.signalsByPractice.html)
      }
      section(&html, id: "safeguarding", heading: "Children with safeguarding context and signals") { html in
        html.element("p", "Children with a safeguarding plan active on the report date, or ended within the last 12 months, and at least one signal: the signals go to the safeguarding lead. The full list of children and signals is in children-with-signals.csv.")
        html.append(tables.safeguardingWithSignals.html)
      }
      limits(&html)
    }
  }

  /// CSV files to write beside the page: name and text.
  public func csvFiles() -> [(name: String, text: String)] {
    tables.all.compactMap { table in table.csvFileName.map { ($0, table.csv) } }
  }

  private func section(_ html: inout HTMLText, id: String, heading: String, body: (inout HTMLText) -> Void) {
    html.element("section", ["aria-labelledby": id]) { html in
      html.newline()
      html.element("h2", ["id": id], heading)
      html.newline()
      body(&html)
    }
    html.newline()
  }

  private func identityNotice(_ html: inout HTMLText) {
    if report.identified {
      html.element("p", ["class": "warning"], "This copy identifies children by NHS number, because it was asked for with --identify. Keep it as you would the clinical record: share it only with those who need to act on it.")
    } else {
      html.element("p", ["class": "notice"], "Children are shown by pseudonym: a keyed hash of the NHS number, the same for the same child in every output made with the same key, which cannot be turned back into an NHS number without the key. The pseudonyms are the 16 hexadecimal digits the tool uses everywhere, printed in groups of four.")
    }
    html.newline()
  }

  private func overview(_ html: inout HTMLText) {
    let evaluated = report.evaluated
    let withSignal = evaluated.filter { !$0.signals.isEmpty }
    section(&html, id: "overview", heading: "Overview") { html in
      html.element("ul", ["class": "summary"]) { html in
        func item(_ value: Int, _ label: String) {
          html.element("li") { html in
            html.element("strong", String(value))
            html.text(label)
          }
        }
        item(evaluated.count, "children evaluated")
        item(withSignal.count, "with at least one signal")
        for severity in Severity.allCases.reversed() {
          item(withSignal.filter { $0.highestSeverity == severity }.count, "highest \(severity.rawValue)")
        }
        item(withSignal.filter { $0.safeguarding != nil }.count, "with a signal and safeguarding context")
      }
      html.newline()
      let excluded = Exclusion.allCases.compactMap { why in report.excluded[why].map { "\($0) \(Self.exclusionWords(why))" } }
      if !excluded.isEmpty {
        html.element("p", "Not evaluated on the report date: \(excluded.joined(separator: ", ")).")
      }
    }
  }

  private static func exclusionWords(_ exclusion: Exclusion) -> String {
    switch exclusion {
    case .adult: return "patients aged 18 or over"
    case .noDateOfBirth: return "with no date of birth"
    case .inactive: return "with no asthma supply or event in the last 12 months"
    case .notYetBorn: return "not yet born"
    }
  }

  private func limits(_ html: inout HTMLText) {
    let dates = [
      "Signals and figures are as known on \(report.asOf); rows dated after it were set aside. The trend evaluated \(Words.count(report.trendDates.count, "date")), monthly from \(report.trendDates.first?.description ?? "") to \(report.asOf); figures over 12 months early in the trend undercount when the exports start less than a year before it.",
      "A child counts in the population when under 18 with an asthma supply or care event in the 12 months before the date evaluated.",
    ] + report.sourceLimits
    DataLimits.render(&html, coverage: report.coverage, dateStatements: dates)
  }
}
