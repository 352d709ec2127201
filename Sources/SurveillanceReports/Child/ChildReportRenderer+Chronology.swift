import SurveillanceCore

extension ChildReportRenderer {
  /// Every supply, care event and safeguarding plan on the record, with the export rows it
  /// came from and, for supplies, what reconciling GP and pharmacy records made of it.
  func chronology(_ html: inout HTMLText) {
    let entries = ChronologyEntry.entries(for: report)
    html.element("section", ["aria-labelledby": "chronology"]) { html in
      html.newline()
      html.element("h2", ["id": "chronology"], "Chronology")
      html.newline()
      html.element("p", "Every asthma supply, care event and safeguarding plan on the record up to \(report.asOf). A GP issue and the pharmacy dispensing that filled it are one line, dated when the family received the medicine. \u{201C}Reconciliation\u{201D} says what matching the two sides found, as known on the report date; \u{201C}Source\u{201D} names each export file and line.")
      html.newline()
      let table = ReportTable(
        caption: "Chronology of supplies and events (\(Words.count(entries.count, "entry", "entries")))",
        columns: [
          .init("Date", csv: "date", oneLine: true), .init("What", csv: "what"), .init("Detail", csv: "detail"),
          .init("Reconciliation", csv: "reconciliation"), .init("Where", csv: "where"), .init("Source", csv: "source"),
        ],
        rows: entries.map(row),
        emptyText: "the record holds nothing up to the report date.")
      html.append(table.html)
    }
    html.newline()
  }

  private func row(_ entry: ChronologyEntry) -> [String] {
    let sources = entry.sources.map(report.coverage.describe).joined(separator: "; ")
    switch entry.kind {
    case .supply(let supply):
      return [entry.date.description, Words.role(supply.role), detail(supply), Words.status(supply.status), sites(supply), sources]
    case .event(let event):
      var detail: [String] = []
      if let due = event.nextReviewDue { detail.append("next review due \(due)") }
      if let code = event.snomedCode, !code.isEmpty { detail.append("SNOMED CT \(code)") }
      return [entry.date.description, Words.event(event.type), detail.joined(separator: "; "), "", "", sources]
    case .planStarted(let plan):
      var detail: [String] = []
      if let category = plan.category, !category.isEmpty { detail.append("category: \(category)") }
      detail.append(plan.end.map { "ended \($0)" } ?? "open")
      return [entry.date.description, "\(Words.plan(plan.type)) (\(plan.type.rawValue)) starts", detail.joined(separator: "; "), "", plan.localAuthority ?? "", sources]
    case .planEnded(let plan):
      return [entry.date.description, "\(Words.plan(plan.type)) (\(plan.type.rawValue)) ends", "started \(plan.start)", "", plan.localAuthority ?? "", sources]
    }
  }

  /// The product, how much, and when each side happened when the dates differ.
  private func detail(_ supply: SupplyEvent) -> String {
    var parts = [supply.primary.drugName]
    let quantity = "quantity \(Words.number(supply.primary.quantity))\(supply.primary.quantityUnit.map { " \($0.rawValue)" } ?? "")"
    switch supply.role {
    case .reliever, .preventer, .icsFormoterol, .labaAlone:
      parts.append("\(quantity), counted as \(Words.count(supply.devices, supply.product.unitsPerDevice == nil ? "inhaler" : "pack"))")
    case .unclassified:
      parts.append("\(quantity); a respiratory product the tool could not classify, counted by no figure")
    default:
      parts.append(quantity)
    }
    if let issue = supply.issue, let dispensing = supply.dispensing, issue.date != dispensing.date {
      parts.append("GP issue \(issue.date), dispensed \(dispensing.date)")
    }
    // Acute or repeat, as the practice's system recorded it: relievers issued on repeat with
    // no review between them are what the national review of asthma deaths found.
    if let type = supply.issue?.issueType, !type.isEmpty { parts.append("GP issue type \(type)") }
    if let type = supply.dispensing?.supplyType, type != .nhsPrescription { parts.append("supply type \(type.rawValue)") }
    return parts.joined(separator: "; ")
  }

  private func sites(_ supply: SupplyEvent) -> String {
    var parts: [String] = []
    if let issue = supply.issue { parts.append("practice \(issue.siteCode)") }
    if let dispensing = supply.dispensing { parts.append("pharmacy \(dispensing.siteCode)") }
    return parts.joined(separator: "; ")
  }
}

extension ChildReportRenderer {
  /// The data's limits, with this child's dates.
  func limits(_ html: inout HTMLText) {
    var dates: [String] = []
    if let span = report.recordSpan {
      dates.append("This child's record runs from \(span.first) to \(span.last). Only what was known by the report date, \(report.asOf), is counted; rows dated after it were set aside.")
    } else {
      dates.append("This child has no row dated on or before the report date, \(report.asOf).")
    }
    dates.append("The replay evaluated \(Words.count(report.replayDates, "date")), \(Words.step(report.replayStep)) from \(report.replayFrom) to \(report.asOf). Figures over 12 months early in the replay undercount when the exports start less than a year before it.")
    DataLimits.render(&html, coverage: report.coverage, dateStatements: dates)
  }
}
