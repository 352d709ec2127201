import SurveillanceCore

/// Renders a ``ChildReport`` as one self-contained HTML page for a Child Death Overview Panel
/// or a safeguarding review: a summary, the timeline chart, when each signal could first have
/// been seen, the full chronology with its sources, and the data's limits.
public struct ChildReportRenderer {
  public let report: ChildReport

  public init(report: ChildReport) { self.report = report }

  /// The page, as HTML text.
  public func html() -> String {
    let months = report.months
    let page = ReportPage(
      title: "Asthma chronology for one child",
      subtitle: "NHS number \(report.nhsNumber.spaced), as known on \(report.asOf)",
      provenance: [
        ("Report date", report.asOf.description),
        ("Replay", "\(report.replayFrom) to \(report.asOf), \(Words.step(report.replayStep))"),
      ] + report.provenance.headerFacts, warnings: report.dataWarnings, marking: report.marking)
    return page.render { html in
      summary(&html)
      timeline(&html, months: months)
      firstSeen(&html)
      if let history = report.signalHistory { reviews(&html, history) }
      chronology(&html)
      limits(&html)
    }
  }

  private func summary(_ html: inout HTMLText) {
    html.element("section", ["aria-labelledby": "summary"]) { html in
      html.newline()
      html.element("h2", ["id": "summary"], "Summary")
      html.newline()
      if let exclusion = report.exclusion {
        html.element("p", ["class": "warning"], "On the report date this child \(Words.exclusion(exclusion, population: report.population)). The chronology below is complete; signals come from the dates on which the child was in the population.")
        html.newline()
      }
      let strongest = report.signals.map(\.severity).max()
      html.element("ul", ["class": "summary"]) { html in
        func item(_ label: String, _ value: String) {
          html.element("li") { html in
            html.element("strong", value)
            html.text(label)
          }
          html.newline()
        }
        html.newline()
        item("age on the report date" + (report.dateOfBirth.map { " (born \($0))" } ?? ""), report.ageYears.map(String.init) ?? "unknown")
        item("signals firing on the report date" + (strongest.map { ", highest \($0.rawValue)" } ?? ""), String(report.signals.count))
        let alreadyFiring = report.firstFirings.filter(\.alreadyFiringAtStart).count
        let appeared = report.firstFirings.first { !$0.alreadyFiringAtStart }
        item(
          "first signal to appear in the replay" + (alreadyFiring > 0 ? " (\(Words.count(alreadyFiring, "other")) already firing when it starts)" : ""),
          appeared.map { $0.first.asOf.description } ?? "none")
        item("safeguarding context on the report date", report.safeguarding?.summary ?? (report.coverage.kinds.contains(.safeguarding) ? "none" : "unknown"))
        item("personal asthma action plan", report.actionPlan.state.rawValue)
        item("practice that issued last", report.timeline.practiceCode ?? "none")
        let martDevices = report.timeline.value(.icsFormoterolDevices, over: Period(months: 12), courseMergeDays: report.courseMergeDays) ?? 0
        if martDevices > 0 {
          let perDay = report.timeline.value(.icsFormoterolDosesPerDay, over: Period(months: 3), courseMergeDays: report.courseMergeDays) ?? 0
          let relievers = Int(report.timeline.value(.relieverDevices, over: Period(months: 12), courseMergeDays: report.courseMergeDays) ?? 0)
          item(
            "steroid/formoterol (MART or AIR) inhalations a day over the last 3 months, from the doses supplied (\(Words.count(Int(martDevices), "inhaler")) in 12 months, \(relievers == 0 ? "no separate reliever: the one inhaler is preventer and reliever" : Words.count(relievers, "separate reliever")))",
            Words.number((perDay * 10).rounded(.down) / 10))
        }
        let unclassified = Int(report.timeline.value(.unclassifiedSupplies, over: Period(months: 12), courseMergeDays: report.courseMergeDays) ?? 0)
        if unclassified > 0 {
          item("supplies in 12 months of a respiratory product the tool could not classify, counted by no figure", String(unclassified))
        }
      }
      html.newline()
      html.element("p", "The record was replayed \(Words.step(report.replayStep)) from \(report.replayFrom) to \(report.asOf) (\(report.replayDates) dates), each date using only what these exports held by then: the table \u{201C}When could this have been seen?\u{201D} gives the first date each signal fired. Every supply and event below names the export row it came from.")
      html.newline()
    }
    html.newline()
  }

  private func timeline(_ html: inout HTMLText, months: [MonthlyCounts]) {
    html.element("section", ["aria-labelledby": "timeline-heading"]) { html in
      html.newline()
      html.element("h2", ["id": "timeline-heading"], "Timeline")
      html.newline()
      html.element("figure", ["aria-labelledby": "timeline-caption"]) { html in
        html.newline()
        html.append(TimelineChart(report: report, months: months, firings: report.firstFirings.map(\.self)).fragment)
        html.element("figcaption", ["id": "timeline-caption"]) { html in
          html.text("Month by month from \(Words.month(months.first?.month ?? report.asOf)) to \(Words.month(report.asOf)). ")
          html.element("ul") { html in
            for line in legendLines(months) { html.element("li", line) }
          }
          html.text("The same figures are in the table \u{201C}Figures by month\u{201D} below.")
        }
        html.newline()
      }
      html.newline()
      html.append(monthlyTable(months).html)
    }
    html.newline()
  }

  private func legendLines(_ months: [MonthlyCounts]) -> [String] {
    let total = { (path: KeyPath<MonthlyCounts, Int>) in months.reduce(0) { $0 + $1[keyPath: path] } }
    var lines = [
      "Blue bars: reliever inhalers supplied each month (\(total(\.relieverDevices)) in all). Brown bars: preventer inhalers, steroid/formoterol (MART or AIR) included (\(total(\.preventerDevices)) in all). Inhalers are counted as devices, and a GP issue and its dispensing count once.",
      "Black line (right axis, 0 to 1): the preventer ratio, preventer inhalers divided by preventer plus reliever inhalers over the 12 months to each month's end; a gap means neither was supplied.",
      "Nebules: purple circles, one per nebule issue (\(total(\.nebuleIssues))).",
      "Supplied without prescription: filled red diamonds are emergency supplies (\(total(\.emergencySupplies))); hollow diamonds are supplies made before a prescription or with none found (\(total(\.suppliesWithoutPrescription) - total(\.emergencySupplies))).",
      "Oral steroid courses: green triangles (\(total(\.oralSteroidCourses))).",
      "Attendances and admissions: E emergency department, A hospital admission, O out-of-hours treatment (\(total(\.attacks)) days).",
      "Reviews and action plans: R asthma review (\(total(\.asthmaReviews))), P personal asthma action plan issued or reviewed (\(total(\.actionPlans))).",
      "Not brought: a cross for each missed asthma appointment (\(total(\.wasNotBrought))).",
      "Signals first fired: the numbers of the table \u{201C}When could this have been seen?\u{201D}, coloured by severity then.",
    ]
    let plans = report.timeline.plans.map { "\(Words.plan($0.type)) (\($0.type.rawValue)) from \($0.start)\($0.end.map { " to \($0)" } ?? ", still open on the report date")" }
    lines.append(plans.isEmpty ? "Safeguarding plans: none on record." : "Safeguarding plans, shaded behind the chart: \(plans.joined(separator: "; ")).")
    lines.append("The dashed line marks the report date.")
    return lines
  }

  private func monthlyTable(_ months: [MonthlyCounts]) -> ReportTable {
    ReportTable(
      caption: "Figures by month",
      columns: [
        .init("Month", csv: "month", oneLine: true), .init("Reliever inhalers", csv: "reliever_devices", numeric: true),
        .init("Preventer inhalers", csv: "preventer_devices", numeric: true),
        .init("Preventer ratio, 12 months", csv: "preventer_ratio_12m", numeric: true),
        .init("Nebule issues", csv: "nebule_issues", numeric: true), .init("Emergency supplies", csv: "emergency_supplies", numeric: true),
        .init("Without prescription", csv: "supplies_without_prescription", numeric: true),
        .init("Oral steroid courses", csv: "oral_steroid_courses", numeric: true),
        .init("Attendance or admission days", csv: "attacks", numeric: true), .init("Reviews", csv: "asthma_reviews", numeric: true),
        .init("Action plans", csv: "action_plans", numeric: true), .init("Not brought", csv: "was_not_brought", numeric: true),
        .init("Safeguarding plan", csv: "safeguarding"),
      ],
      rows: months.map { month in
        [
          Words.month(month.month), String(month.relieverDevices), String(month.preventerDevices),
          month.preventerRatio12m.map { Words.number($0) } ?? "\u{2013}", String(month.nebuleIssues), String(month.emergencySupplies),
          String(month.suppliesWithoutPrescription), String(month.oralSteroidCourses), String(month.attacks), String(month.asthmaReviews),
          String(month.actionPlans), String(month.wasNotBrought), plansActive(in: month.month),
        ]
      })
  }

  /// Plan types open at any time in the month starting on `month`.
  private func plansActive(in month: CalendarDate) -> String {
    let last = min(month.adding(months: 1).adding(days: -1), report.asOf)
    let types = report.timeline.plans.filter { $0.start <= last && ($0.end ?? report.asOf) >= month }.map(\.type.rawValue)
    var seen: Set<String> = []
    return types.filter { seen.insert($0).inserted }.joined(separator: ", ")
  }
}
