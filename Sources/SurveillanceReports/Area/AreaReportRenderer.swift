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
        ("Children", report.identified ? "identified by NHS number" : "not identified (counts only)"),
        ("Disclosure control", report.identified ? "not applied: children are identified" : "counts under \(report.disclosureControl.suppressBelow) suppressed"),
      ] + report.provenance.headerFacts, warnings: report.dataWarnings, marking: report.identified ? report.marking : nil)
    return page.render { html in
      identityNotice(&html)
      disclosureNotice(&html)
      overview(&html)
      section(&html, id: "by-signal", heading: "Signals by severity") { html in
        html.element("p", "How many children each signal fired for on the report date, at the severity it reached after any safeguarding raise (a child protection, child in need or looked-after plan, active or ended in the last 12 months, raises a signal one level).")
        if !tables.figures.withheld.contains(.signalsByRule) {
          html.element("figure", ["aria-labelledby": "by-signal-caption"]) { html in
            html.append(AreaCharts.signalsBySeverity(tables))
            html.element("figcaption", ["id": "by-signal-caption"], "Children with each signal, coloured by severity: blue review, brown priority, red urgent\(report.identified ? "" : ", grey the severities not shown"). The figures are in the table below.")
          }
          html.newline()
        }
        table(&html, tables.signalsByRule, part: .signalsByRule)
      }
      section(&html, id: "trend", heading: "Trend over the last \(Words.count(max(0, report.trendDates.count - 1), "month"))") { html in
        html.element("p", "Each month's count is of the children for whom the signal fired when evaluated on that date with only what the exports held by then. A child counted one month may not be the next.")
        if let history = historyWords { html.element("p", history) }
        if !tables.figures.withheld.contains(.trend) { html.append(AreaCharts.trend(tables)) }
        table(&html, tables.trend, part: .trend)
      }
      section(&html, id: "ratios", heading: "Preventer ratios") { html in
        html.element("p", "The preventer ratio is preventer inhalers divided by preventer plus reliever inhalers over 12 months: near 0, relievers with few preventers; near 1, preventers with few relievers. Children with no inhalers in the 12 months have no ratio.")
        if !tables.figures.withheld.contains(.preventerRatios) {
          html.element("figure", ["aria-labelledby": "ratios-caption"]) { html in
            html.append(AreaCharts.preventerRatios(tables))
            html.element("figcaption", ["id": "ratios-caption"], "Children in each tenth of the preventer ratio; the grey column is children with no inhalers. The figures are in the table below.")
          }
          html.newline()
        }
        table(&html, tables.preventerRatios, part: .preventerRatios)
      }
      section(&html, id: "practices", heading: "Practices ranked") { html in
        html.element("p", "Each child is counted at the practice that issued their latest asthma prescription. Practices are ranked by their children with a signal, then by those whose highest signal is urgent, then priority, then review\(report.identified ? "" : " (a suppressed count ranks by what its words say)"). \(practicePagesWords) Every practice's signals by severity are in signals-by-practice.csv beside this page.")
        table(&html, tables.practices, part: .practices)
      }
      section(&html, id: "safeguarding", heading: "Children with safeguarding context and signals") { html in
        if report.identified {
          html.element("p", "Children with a safeguarding plan active on the report date, or ended within the last 12 months, and at least one signal: the signals go to the safeguarding lead. \(Words.count(tables.figures.counts[.withSignalAndSafeguarding] ?? 0, "child has", "children have")) both; they are listed by NHS number, with their practice, age, plan and signals, in safeguarding-and-signals.csv beside this page, and every child with a signal, one row per signal, in children-with-signals.csv. The lists are not printed here: at an area's scale they run to hundreds of rows.")
        } else {
          html.element("p", "Children with a safeguarding plan active on the report date, or ended within the last 12 months, and at least one signal: the signals go to the safeguarding lead. How many there are is in the overview, and for each signal in the first table. The list of these children, with their practice, age and plan, and the list of every child with a signal are only in a report that identifies children (--identify, which is audited): under a pseudonym, practice, age and plan together can still point to a child.")
        }
      }
      limits(&html)
      practicePages(&html)
    }
  }

  /// What the page holds and where the rest is, said once near the top.
  private var layoutWords: String {
    let lists = report.identified
      ? "signals-by-practice.csv (every practice's signals by severity), safeguarding-and-signals.csv and children-with-signals.csv (the children, by NHS number)"
      : "signals-by-practice.csv (every practice's signals by severity)"
    return "The summary comes first: this overview, signals by severity, the monthly trend, preventer ratios, the practices ranked and the limits of the data. \(practicePagesWords) Every table is also a CSV file beside this page, and lists too long to print are only there: \(lists)."
  }

  /// Whether each practice gets a page: not when both its figures and its signals are withheld.
  private var hasPracticePages: Bool {
    !(tables.figures.withheld.contains(.practices) && tables.figures.withheld.contains(.signalsByPractice)) && !tables.figures.practices.isEmpty
  }

  private var practicePagesWords: String {
    hasPracticePages
      ? "After the summary, each of the \(Words.count(tables.figures.practices.count, "practice")) has a page of its own, in this order, with its signals by severity."
      : "There are no practice pages: their counts are withheld."
  }

  /// Why the trend starts where it does: the history each rule's count needs before it.
  private var historyWords: String? {
    guard let start = report.historyStart, let first = report.trendDates.first else { return nil }
    let needs = Set(report.rules.map { report.historyNeeded(for: $0) }).sorted { ($0.months, $0.days) < ($1.months, $1.days) }
    let windows = needs.map { CriterionWording.period($0) }
    var words = "The prescribing and dispensing exports hold rows from \(start). A month's count means the same as the report date's only once the exports cover the history the rule needs before that month: the rule's window, or if longer the \(report.population?.activeWindow ?? "year") of asthma activity that puts a child in the population (a child whose supplies began before the exports did is not yet counted). "
    words += windows.count == 1 ? "Every rule here needs \(windows[0]). " : "The rules here need \(Words.list(windows)). "
    words += "Earlier months would show where the exports start, not a change in prescribing, so the trend starts on \(first)"
    if let asked = report.trendRequestedFrom, asked < first { words += " (\(asked) was asked for)" }
    let later = report.rules.filter { rule in report.firstComparableDate(for: rule).map { $0 > first } ?? false }
    words += later.isEmpty
      ? "."
      : "; \(Words.count(later.count, "rule that needs", "rules that need")) more history \(later.count == 1 ? "has" : "have") \(later.count == 1 ? "its" : "their") earlier months shown as \u{201C}\(AreaTables.notComparable)\u{201D}, hatched in the chart."
    return words
  }

  /// Each practice on a page of its own (printed), in the ranked table's order: its figures
  /// and its signals by severity, nothing per child.
  private func practicePages(_ html: inout HTMLText) {
    guard hasPracticePages else { return }
    let figures = tables.figures
    for (rank, practice) in tables.rankedPractices.enumerated() {
      html.element("section", ["class": "practice-page", "aria-labelledby": "practice-\(rank + 1)"]) { html in
        html.newline()
        html.element("h2", ["id": "practice-\(rank + 1)"], "Practice \(practice)")
        html.newline()
        if !figures.withheld.contains(.practices) {
          let severities = Severity.allCases.reversed().map { "\(figures.text(.practiceHighest(practice, $0))) \($0.rawValue)" }
          html.element("p", "Ranked \(rank + 1) of \(figures.practices.count). On \(report.asOf): \(figures.text(.practice(practice))) children evaluated, \(figures.text(.practiceWithSignal(practice))) with a signal (by their highest: \(severities.joined(separator: ", "))), \(figures.text(.practiceWithSignalAndSafeguarding(practice))) with a signal and safeguarding context.")
        }
        table(&html, tables.signalsAt(practice: practice), part: .signalsByPractice)
      }
      html.newline()
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
      html.element("p", ["class": "notice"], "This copy does not identify children: it gives counts, and no list of children. A list, by NHS number, needs --identify, which is recorded in the audit trail.")
    }
    html.newline()
  }

  /// Which disclosure control applied, in the words of `rules/reports.json`'s threshold.
  private func disclosureNotice(_ html: inout HTMLText) {
    let threshold = report.disclosureControl.suppressBelow
    let small = "\u{201C}\(PublishedCount.fewerThan(threshold).text)\u{201D}"
    guard !report.identified else {
      html.element("p", ["class": "notice"], "Disclosure control was not applied: this copy identifies children, for those entitled to see them, so its counts are exact. A report that names no child shows counts from 1 to \(threshold - 1) as \(small) (rules/reports.json).")
      html.newline()
      return
    }
    let figures = tables.figures
    var words = "Disclosure control (rules/reports.json): counts from 1 to \(threshold - 1) children are shown as \(small), in this page and its CSV files alike; 0 is shown. "
    words += figures.hiddenCount == 0
      ? "No other count needed hiding: none of them can be worked out from a total."
      : "\(Words.count(figures.hiddenCount, "other count is", "other counts are")) shown as \u{201C}\(PublishedCount.hidden.text)\u{201D}, so that none of them can be worked out from a total."
    let withheld = AreaFigures.Part.allCases.filter(figures.withheld.contains)
    if !withheld.isEmpty {
      words += " Withheld, because their counts are so small that some could be worked out whatever else was hidden: \(withheld.map(\.words).joined(separator: ", "))."
    }
    html.element("p", ["class": "notice"], words)
    html.newline()
  }

  /// The table, or in its place the sentence saying it was withheld.
  private func table(_ html: inout HTMLText, _ table: ReportTable, part: AreaFigures.Part) {
    guard tables.figures.withheld.contains(part) else { return html.append(table.html) }
    html.element("p", ["class": "muted"], "\(table.caption): withheld, because its counts are so small that some could be worked out from the totals whatever else was hidden.")
    html.newline()
  }

  private func overview(_ html: inout HTMLText) {
    let figures = tables.figures
    section(&html, id: "overview", heading: "Overview") { html in
      guard !figures.withheld.contains(.overview) else {
        html.element("p", ["class": "muted"], "The overview's figures are withheld, because they are so small that some could be worked out from the totals whatever else was hidden.")
        html.element("p", layoutWords)
        return
      }
      html.element("ul", ["class": "summary"]) { html in
        func item(_ figure: AreaFigures.Figure, _ label: String) {
          html.element("li") { html in
            html.element("strong", figures.text(figure))
            html.text(label)
          }
        }
        item(.evaluated, "children evaluated")
        item(.withSignal, "with at least one signal")
        for severity in Severity.allCases.reversed() {
          item(.highest(severity), "highest \(severity.rawValue)")
        }
        item(.withSignalAndSafeguarding, "with a signal and safeguarding context")
      }
      html.newline()
      let excluded = Exclusion.allCases.compactMap { why in report.excluded[why].map { _ in "\(figures.text(.excluded(why))) \(exclusionWords(why))" } }
      if !excluded.isEmpty {
        html.element("p", "Not evaluated on the report date: \(excluded.joined(separator: ", ")).")
      }
      html.element("p", layoutWords)
    }
  }

  private func exclusionWords(_ exclusion: Exclusion) -> String {
    switch exclusion {
    case .adult: return "patients aged " + (report.population?.adult ?? "over the age limit")
    case .noDateOfBirth: return "with no date of birth"
    case .inactive: return "with no asthma supply or event in the last " + (report.population?.activeWindow ?? "year")
    case .notYetBorn: return "not yet born"
    }
  }

  private func limits(_ html: inout HTMLText) {
    var trend = "Signals and figures are as known on \(report.asOf); rows dated after it were set aside. The trend evaluated \(Words.count(report.trendDates.count, "date")), monthly from \(report.trendDates.first?.description ?? "") to \(report.asOf)"
    if let start = report.historyStart {
      trend += "; the prescribing and dispensing exports start on \(start), and no month is counted before the exports cover the history its rule needs (see the trend)."
    } else {
      trend += "; the exports hold no supplies, so where they start is not known, and early months may undercount."
    }
    let dates = [trend] + (report.population.map { ["A child counts in the population when \($0.rule) the date evaluated."] } ?? []) + report.sourceLimits
    DataLimits.render(&html, coverage: report.coverage, dateStatements: dates, disclosureControl: report.identified ? nil : report.disclosureControl)
  }
}
