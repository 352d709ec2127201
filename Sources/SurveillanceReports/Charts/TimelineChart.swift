import SurveillanceCore

/// The child's record drawn month by month: reliever and preventer inhalers as bars, the
/// 12-month preventer ratio as a line, then one lane per kind of event (nebules, supplies
/// without prescription, oral steroid courses, attacks, reviews and plans, missed
/// appointments, the first firing of each signal), with safeguarding plans as bands.
///
/// Everything drawn is also in words: the `<desc>`, the figure caption and the table of
/// figures by month that follows the chart.
struct TimelineChart {
  let report: ChildReport
  let months: [MonthlyCounts]
  /// First firings in the order the report numbers them.
  let firings: [FirstFiring]

  // Layout, in SVG units: a 1000-wide canvas that scales to the page.
  let width = 1000.0
  let plotLeft = 200.0
  let plotRight = 948.0
  let legendY = 16.0
  let plansTop = 32.0
  let laneHeight = 26.0
  let barsTop = 74.0
  let barsBottom = 244.0
  let lanesTop = 288.0

  var rangeStart: CalendarDate { months.first!.month }
  var rangeEnd: CalendarDate { months.last!.month.adding(months: 1) }

  func x(_ date: CalendarDate) -> Double {
    let total = Double(rangeStart.days(to: rangeEnd))
    return plotLeft + Double(rangeStart.days(to: date)) / total * (plotRight - plotLeft)
  }

  func inRange(_ date: CalendarDate) -> Bool { date >= rangeStart && date < rangeEnd && date <= report.asOf }

  struct Lane {
    var title: String
    var marks: [Mark]
  }

  struct Mark {
    var date: CalendarDate
    var shape: Shape
    var colour: String
    var label: String
  }

  enum Shape: Equatable {
    case circle, hollowCircle, diamond, hollowDiamond, triangle, cross
    case letter(String)
  }

  var fragment: HTMLFragment {
    HTMLFragment { html in
      guard !months.isEmpty else { return }
      let lanes = self.lanes()
      let height = lanesTop + Double(lanes.count) * laneHeight + 14
      var svg = SVGCanvas()
      svg.begin(width: width, height: height, id: "timeline", title: "Asthma supplies and care, \(Words.month(rangeStart)) to \(Words.month(months.last!.month))", description: description)
      for index in lanes.indices where index % 2 == 0 {
        svg.rect(x: plotLeft, y: lanesTop + Double(index) * laneHeight, width: plotRight - plotLeft, height: laneHeight, fill: ChartPalette.stripe)
      }
      drawPlanBands(&svg, bottom: lanesTop + Double(lanes.count) * laneHeight)
      drawLegend(&svg)
      drawBars(&svg)
      drawMonthAxis(&svg, bottom: lanesTop + Double(lanes.count) * laneHeight)
      for (index, lane) in lanes.enumerated() { drawLane(&svg, lane, index: index) }
      drawReportDate(&svg, bottom: lanesTop + Double(lanes.count) * laneHeight)
      svg.end()
      html.append(svg.html)
    }
  }

  // MARK: What is drawn

  func lanes() -> [Lane] {
    let timeline = report.timeline
    var nebules = Lane(title: "Nebules", marks: [])
    var without = Lane(title: "Supplied without prescription", marks: [])
    var steroids = Lane(title: "Oral steroid courses", marks: [])
    var attacks = Lane(title: "Attendances and admissions", marks: [])
    var care = Lane(title: "Reviews and action plans", marks: [])
    var notBrought = Lane(title: "Not brought", marks: [])
    var signals = Lane(title: "Signals first fired", marks: [])
    for supply in timeline.supplies where inRange(supply.date) {
      if supply.role == .sabaNebule || supply.role == .otherNebule {
        nebules.marks.append(Mark(date: supply.date, shape: .circle, colour: ChartPalette.nebule, label: "\(supply.date): \(supply.primary.drugName)"))
      }
      if supply.status == .emergencySupply {
        without.marks.append(Mark(date: supply.date, shape: .diamond, colour: ChartPalette.withoutPrescription, label: "\(supply.date): emergency supply, \(Words.role(supply.role).lowercased())"))
      } else if supply.status.isWithoutPrescription {
        without.marks.append(Mark(date: supply.date, shape: .hollowDiamond, colour: ChartPalette.withoutPrescription, label: "\(supply.date): \(Words.status(supply.status)), \(Words.role(supply.role).lowercased())"))
      }
    }
    for start in timeline.oralSteroidCourseStarts(courseMergeDays: report.courseMergeDays) where inRange(start) {
      steroids.marks.append(Mark(date: start, shape: .triangle, colour: ChartPalette.steroid, label: "\(start): oral steroid course"))
    }
    for event in timeline.events where inRange(event.date) {
      let label = "\(event.date): \(Words.event(event.type))"
      switch event.type {
      case .edAttendance: attacks.marks.append(Mark(date: event.date, shape: .letter("E"), colour: ChartPalette.attack, label: label))
      case .hospitalAdmission: attacks.marks.append(Mark(date: event.date, shape: .letter("A"), colour: ChartPalette.attack, label: label))
      case .outOfHoursTreatment: attacks.marks.append(Mark(date: event.date, shape: .letter("O"), colour: ChartPalette.attack, label: label))
      case .asthmaReview: care.marks.append(Mark(date: event.date, shape: .letter("R"), colour: ChartPalette.care, label: label))
      case .actionPlanIssued, .actionPlanReviewed: care.marks.append(Mark(date: event.date, shape: .letter("P"), colour: ChartPalette.care, label: label))
      case .wasNotBrought: notBrought.marks.append(Mark(date: event.date, shape: .cross, colour: ChartPalette.notBrought, label: label))
      case .diagnosis, .inhalerTechniqueCheck: break
      }
    }
    for (index, firing) in firings.enumerated() where inRange(firing.first.asOf) {
      signals.marks.append(Mark(date: firing.first.asOf, shape: .letter(String(index + 1)), colour: ChartPalette.severity(firing.first.severity), label: "\(firing.first.asOf): \(firing.first.title) first fired (\(firing.first.severity.rawValue))"))
    }
    return [nebules, without, steroids, attacks, care, notBrought, signals]
  }

  var description: String {
    let total = { (path: KeyPath<MonthlyCounts, Int>) in months.reduce(0) { $0 + $1[keyPath: path] } }
    var parts = [
      "\(total(\.relieverDevices)) reliever and \(total(\.preventerDevices)) preventer inhalers",
      Words.count(total(\.nebuleIssues), "nebule issue"),
      Words.count(total(\.suppliesWithoutPrescription), "supply", "supplies") + " without prescription (\(total(\.emergencySupplies)) emergency)",
      Words.count(total(\.oralSteroidCourses), "oral steroid course"),
      Words.count(total(\.attacks), "day") + " with an attendance, admission or out-of-hours treatment",
      Words.count(total(\.asthmaReviews), "asthma review"),
      Words.count(total(\.actionPlans), "action plan"),
      Words.count(total(\.wasNotBrought), "missed appointment"),
    ]
    parts.append(Words.count(firings.count, "signal") + " first fired in the replay")
    let plans = report.timeline.plans.map { plan in
      "\(Words.plan(plan.type).lowercased()) from \(plan.start)\(plan.end.map { " to \($0)" } ?? ", open")"
    }
    let planText = plans.isEmpty ? "No safeguarding plan on record." : "Safeguarding: \(plans.joined(separator: "; "))."
    return "From \(Words.month(rangeStart)) to \(Words.month(months.last!.month)): \(parts.joined(separator: ", ")). \(planText)"
  }

  // MARK: Drawing

  func drawLegend(_ svg: inout SVGCanvas) {
    var cursor = plotLeft
    func swatch(_ colour: String, _ label: String) {
      svg.rect(x: cursor, y: legendY - 10, width: 12, height: 12, fill: colour)
      svg.text(label, x: cursor + 17, y: legendY)
      cursor += 17 + Double(label.count) * 7 + 22
    }
    swatch(ChartPalette.reliever, "Reliever inhalers")
    swatch(ChartPalette.preventer, "Preventer inhalers")
    svg.line(x1: cursor, y1: legendY - 4, x2: cursor + 22, y2: legendY - 4, stroke: ChartPalette.ink, width: 2)
    svg.circle(x: cursor + 11, y: legendY - 4, radius: 3, fill: ChartPalette.ink)
    svg.text("Preventer ratio over 12 months (right axis)", x: cursor + 28, y: legendY)
    svg.newline()
  }

  func drawPlanBands(_ svg: inout SVGCanvas, bottom: Double) {
    svg.text("Safeguarding plans", x: plotLeft - 10, y: plansTop + 17, anchor: .end, weight: "bold")
    svg.rect(x: plotLeft, y: plansTop, width: plotRight - plotLeft, height: laneHeight, fill: ChartPalette.stripe)
    // Later plans drawn over earlier ones; each lane bar is labelled where it is wide enough.
    for plan in report.timeline.plans {
      let end = min(plan.end ?? report.asOf, report.asOf)
      guard end >= rangeStart, plan.start < rangeEnd else { continue }
      let left = x(max(plan.start, rangeStart))
      let right = x(min(end.adding(days: 1), rangeEnd))
      let (fill, border) = ChartPalette.plan(plan.type)
      let label = "\(Words.plan(plan.type)) from \(plan.start)\(plan.end.map { " to \($0)" } ?? ", open")"
      svg.rect(x: left, y: plansTop + laneHeight, width: right - left, height: bottom - plansTop - laneHeight, fill: fill, opacity: 0.45)
      svg.rect(x: left, y: plansTop + 2, width: max(right - left, 2), height: laneHeight - 4, fill: fill, stroke: border, label: label)
      let text = plan.type.rawValue + (plan.category.map { " (\($0))" } ?? "")
      if right - left > Double(text.count) * 7.5 + 8 {
        svg.text(text, x: left + 5, y: plansTop + 17, size: 12)
      } else if right - left > Double(plan.type.rawValue.count) * 7.5 + 6 {
        svg.text(plan.type.rawValue, x: left + 3, y: plansTop + 17, size: 12)
      }
    }
    svg.newline()
  }

  func drawBars(_ svg: inout SVGCanvas) {
    let maximum = months.map { max($0.relieverDevices, $0.preventerDevices) }.max() ?? 0
    let step = maximum <= 6 ? 1 : maximum <= 12 ? 2 : maximum <= 30 ? 5 : 10
    let top = max(step * 2, ((maximum + step - 1) / step) * step)
    func y(_ count: Double) -> Double { barsBottom - count / Double(top) * (barsBottom - barsTop) }
    func yRatio(_ ratio: Double) -> Double { barsBottom - ratio * (barsBottom - barsTop) }

    svg.text("Inhalers a month", x: plotLeft - 34, y: barsTop + (barsBottom - barsTop) / 2, anchor: .end, weight: "bold")
    for tick in stride(from: 0, through: top, by: step) {
      svg.line(x1: plotLeft, y1: y(Double(tick)), x2: plotRight, y2: y(Double(tick)), stroke: ChartPalette.grid)
      svg.text(String(tick), x: plotLeft - 6, y: y(Double(tick)) + 4, anchor: .end, size: 11)
    }
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
      svg.text(Words.number(tick), x: plotRight + 6, y: yRatio(tick) + 4, size: 11, fill: ChartPalette.muted)
    }
    svg.newline()
    var points: [[(Double, Double)]] = [[]]
    for month in months {
      let left = x(month.month)
      let slot = x(month.month.adding(months: 1)) - left
      let barWidth = slot * 0.36
      for (value, offset, colour, name) in [
        (month.relieverDevices, 0.12, ChartPalette.reliever, "reliever"), (month.preventerDevices, 0.52, ChartPalette.preventer, "preventer"),
      ] where value > 0 {
        let barLeft = left + slot * offset
        svg.rect(x: barLeft, y: y(Double(value)), width: barWidth, height: barsBottom - y(Double(value)), fill: colour, label: "\(Words.month(month.month)): \(value) \(name)")
        svg.text(String(value), x: barLeft + barWidth / 2, y: y(Double(value)) - 3, anchor: .middle, size: 10)
      }
      if let ratio = month.preventerRatio12m {
        points[points.count - 1].append((left + slot / 2, yRatio(ratio)))
      } else if !points[points.count - 1].isEmpty {
        points.append([])
      }
    }
    for segment in points { svg.polyline(segment, stroke: ChartPalette.ink) }
    for month in months {
      if let ratio = month.preventerRatio12m {
        let centre = x(month.month) + (x(month.month.adding(months: 1)) - x(month.month)) / 2
        svg.circle(x: centre, y: yRatio(ratio), radius: 3, fill: ChartPalette.ink, label: "\(Words.month(month.month)): preventer ratio \(Words.number(ratio)) over 12 months")
      }
    }
    svg.line(x1: plotLeft, y1: barsBottom, x2: plotRight, y2: barsBottom, stroke: ChartPalette.ink)
    svg.newline()
  }

  func drawMonthAxis(_ svg: inout SVGCanvas, bottom: Double) {
    for (index, month) in months.enumerated() {
      let left = x(month.month)
      let centre = left + (x(month.month.adding(months: 1)) - left) / 2
      svg.line(x1: left, y1: barsTop, x2: left, y2: bottom, stroke: ChartPalette.grid, width: 0.6)
      svg.text(Words.shortMonth(month.month), x: centre, y: barsBottom + 16, anchor: .middle, size: 11)
      if month.month.month == 1 || index == 0 {
        svg.text(String(month.month.year), x: centre, y: barsBottom + 31, anchor: .middle, size: 11, weight: "bold")
      }
    }
    svg.newline()
  }

  /// Where the report date's line is drawn: at the end of its day.
  var reportDateX: Double { x(min(report.asOf.adding(days: 1), rangeEnd)) }

  func drawReportDate(_ svg: inout SVGCanvas, bottom: Double) {
    guard inRange(report.asOf) || report.asOf == rangeEnd.adding(days: -1) else { return }
    let position = reportDateX
    svg.line(x1: position, y1: plansTop, x2: position, y2: bottom, stroke: ChartPalette.ink, width: 1.5, dash: "5 3")
    svg.text("report date", x: position, y: plansTop - 4, anchor: .end, size: 11)
    svg.newline()
  }
}
