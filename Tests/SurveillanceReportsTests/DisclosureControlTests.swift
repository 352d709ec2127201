import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SurveillanceReports
import SyntheticArea
import Testing

/// A pseudonymised area report publishes no count of 1 to 4 children, in its page or its CSV
/// files, and no total gives one back; it lists no child. A report with `--identify` is for
/// people entitled to see the children, so it shows every count exactly, and each report says
/// which of the two it is.
struct DisclosureControlTests {
  static let threshold = 5

  /// The pseudonymised reports to scan: the samples read from their exports and from a store,
  /// and a generated area of 3000 patients in every export layout.
  enum Source: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case samples, samplesFromAStore, generatedArea

    var testDescription: String { rawValue }

    func report() throws -> AreaReport {
      switch self {
      case .samples: return try SampleReports.pseudonymisedArea.get()
      case .samplesFromAStore: return try StoreReportTests.areaFromStore(identified: false)
      case .generatedArea: return try GeneratedArea.pseudonymised.get()
      }
    }
  }

  @Test func theThresholdIsTheRules() throws {
    #expect(try ShippedRules.load().reports.disclosureControl.suppressBelow == Self.threshold)
  }

  @Test(arguments: Source.allCases) func aPseudonymisedReportPublishesNoCountBelowTheThreshold(_ source: Source) throws {
    let name = source.rawValue
    let renderer = AreaReportRenderer(report: try source.report())
    let html = renderer.html()
    #expect(PublishedText.smallCounts(inHTML: html, below: Self.threshold, ruleTitles: renderer.report.rules.map(\.title)) == [], "\(name)")
    for (file, csv) in renderer.csvFiles() {
      #expect(PublishedText.smallCounts(inCSV: csv, below: Self.threshold) == [], "\(name): \(file)")
    }
    #expect(html.contains(">fewer than 5<"), "\(name): the report has small counts to suppress")
  }

  /// The scan finds what it looks for: the same report identified has small counts in the
  /// same places.
  @Test func theScanFindsTheSmallCountsOfAnIdentifiedReport() throws {
    let renderer = AreaReportRenderer(report: try SampleReports.identifiedArea.get())
    let html = renderer.html()
    #expect(!PublishedText.smallCounts(inHTML: html, below: Self.threshold, ruleTitles: renderer.report.rules.map(\.title)).isEmpty)
    let practices = try #require(renderer.csvFiles().first { $0.name == "practices.csv" })
    #expect(!PublishedText.smallCounts(inCSV: practices.text, below: Self.threshold).isEmpty)
  }

  /// Every cell of every table, pseudonymised against identified: the same number, or
  /// "fewer than 5" for a count from 1 to 4, or "hidden" for a larger one.
  @Test func everyPublishedCountIsExactOrSaysTruthfullyWhatItHides() throws {
    let published = AreaTables(report: try SampleReports.pseudonymisedArea.get())
    let exact = AreaTables(report: try SampleReports.identifiedArea.get())
    var suppressed = 0, hidden = 0
    for (table, counts) in zip(published.all, exact.all) {
      #expect(table.caption == counts.caption)
      let keyColumns = table.columns.prefix { !$0.isNumeric }.count
      let exactRows = Dictionary(uniqueKeysWithValues: counts.rows.map { ($0.prefix(keyColumns).joined(separator: "|"), $0) })
      #expect(table.rows.count == counts.rows.count, "\(table.caption)")
      for row in table.rows {
        let key = row.prefix(keyColumns).joined(separator: "|")
        let truth = try #require(exactRows[key], "\(table.caption): \(key)")
        for (column, (shown, value)) in zip(table.columns, zip(row, truth)) where column.isNumeric {
          let count = try #require(Int(value), "\(table.caption): \(key) \(column.csvName) identified as \(value)")
          switch shown {
          case "fewer than 5":
            #expect((1...4).contains(count), "\(table.caption): \(key) \(column.csvName) is \(count)")
            suppressed += 1
          case "hidden":
            #expect(count >= 5, "\(table.caption): \(key) \(column.csvName) is \(count)")
            hidden += 1
          default: #expect(Int(shown) == count, "\(table.caption): \(key) \(column.csvName)")
          }
        }
      }
    }
    #expect(suppressed > 0 && hidden > 0)
  }

  /// Wherever a CSV file holds a total and its parts (a row's children and its severities, a
  /// practice's children with a signal and their highest severities, the practices' counts
  /// and the area's), no suppressed part has only one value that adds up, and what the
  /// suppressed parts come to is not itself a count of 1 to 4: checked here by trying every
  /// value, apart from the suppression's own reasoning.
  @Test(arguments: Source.allCases) func noSuppressedCountCanBeWorkedOutFromATotal(_ source: Source) throws {
    let name = source.rawValue
    let files = Dictionary(uniqueKeysWithValues: AreaReportRenderer(report: try source.report()).csvFiles().map { ($0.name, PublishedText.records(inCSV: $0.text)) })
    var checked = 0
    func check(_ total: String, _ parts: [String], _ what: String) {
      checked += 1
      #expect(PublishedText.derivable(total: total, parts: parts, threshold: Self.threshold) == nil, "\(name): \(what): \(total) = \(parts)")
    }
    let byRule = try #require(files["signals-by-rule.csv"])
    for row in byRule.dropFirst() { check(row[2], Array(row[3...5]), "signals-by-rule.csv \(row[1])") }
    let practices = try #require(files["practices.csv"])
    for row in practices.dropFirst() { check(row[2], Array(row[3...5]), "practices.csv \(row[0])") }
    let byPractice = try #require(files["signals-by-practice.csv"])
    for row in byPractice.dropFirst() { check(row[2], Array(row[3...5]), "signals-by-practice.csv \(row[0]) \(row[1])") }
    // Each rule's count at each severity against its practices' (a practice not listed has none).
    for rule in byRule.dropFirst() {
      let rows = byPractice.dropFirst().filter { $0[1] == rule[1] }
      for column in 2...5 { check(rule[column], rows.map { $0[column] }, "\(rule[1]) column \(column) across practices") }
    }
    #expect(checked > 100)
  }

  @Test func aPseudonymisedReportListsNoChild() throws {
    let renderer = AreaReportRenderer(report: try SampleReports.pseudonymisedArea.get())
    #expect(renderer.csvFiles().map(\.name) == ["signals-by-rule.csv", "signals-by-month.csv", "preventer-ratio-distribution.csv", "practices.csv", "signals-by-practice.csv"])
    let html = renderer.html()
    let pseudonym = try NSRegularExpression(pattern: "[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}")
    #expect(pseudonym.numberOfMatches(in: html, range: NSRange(html.startIndex..., in: html)) == 0)
    #expect(html.contains("The list of these children, with their practice, age and plan, and the list of every child with a signal are only in a report that identifies children (--identify, which is audited)"))
    #expect(!html.contains("Age</th>"))
  }

  @Test func anIdentifiedReportStillListsItsChildren() throws {
    let names = AreaReportRenderer(report: try SampleReports.identifiedArea.get()).csvFiles().map(\.name)
    #expect(names == AreaTables.csvFileNames, "every file an area report may write, so a later one can clear what it does not")
  }

  @Test func eachReportSaysWhichPolicyApplied() throws {
    let pseudonymised = AreaReportRenderer(report: try SampleReports.pseudonymisedArea.get()).html()
    #expect(pseudonymised.contains("Disclosure control (rules/reports.json): counts from 1 to 4 children are shown as “fewer than 5”, in this page and its CSV files alike; 0 is shown."))
    #expect(pseudonymised.contains("other counts are shown as “hidden”, so that none of them can be worked out from a total."))
    #expect(pseudonymised.contains("<dt>Disclosure control</dt><dd>counts under 5 suppressed</dd>"))
    let identified = AreaReportRenderer(report: try SampleReports.identifiedArea.get()).html()
    #expect(identified.contains("Disclosure control was not applied: this copy identifies children, for those entitled to see them, so its counts are exact."))
    #expect(identified.contains("<dt>Disclosure control</dt><dd>not applied: children are identified</dd>"))
    #expect(!identified.contains(">fewer than 5<") && !identified.contains(">hidden<"))
  }

  /// Four children at four practices: the practices add up to "fewer than 5", so each
  /// practice's count is 1 whatever is hidden; the practice table is withheld instead.
  @Test func aTableWhoseCountsCannotBeProtectedIsWithheld() throws {
    let children = (1...4).map { index in
      AreaChild(
        label: "child \(index)", practiceCode: "P\(index)", ageYears: 9, evaluated: true, preventerRatio12m: 0.5,
        signals: [AreaSignal(ruleID: "reliever-overuse", severity: .review, ruleSeverity: .review)], safeguarding: nil,
        firingOnTrendDates: [["reliever-overuse"]])
    }
    let rules = try ShippedRules.load()
    let report = AreaReport(
      asOf: date("2026-11-21"), trendDates: [date("2026-11-21")], children: children, excluded: [:], rules: rules.signals, identified: false,
      disclosureControl: rules.reports.disclosureControl, coverage: DataCoverage(files: []),
      provenance: ReportProvenance(toolVersion: "test", rulesVersion: "test"))
    let renderer = AreaReportRenderer(report: report)
    #expect(renderer.tables.figures.withheld == [.practices, .signalsByPractice])
    #expect(!renderer.csvFiles().contains { $0.name == "practices.csv" })
    let html = renderer.html()
    #expect(html.contains("Practices: children evaluated on 2026-11-21 and those with a signal, by their highest severity: withheld"))
    #expect(PublishedText.smallCounts(inHTML: html, below: Self.threshold, ruleTitles: rules.signals.map(\.title)) == [])
    for (file, csv) in renderer.csvFiles() {
      #expect(PublishedText.smallCounts(inCSV: csv, below: Self.threshold) == [], "\(file)")
    }
  }
}

/// A generated area larger than the samples, read through the frontend as the command reads it.
enum GeneratedArea {
  static let pseudonymised = Result { try report(AreaSpec(patients: 3000, seed: 23, asOf: date("2026-11-21"), layouts: .all), trendMonths: 12) }

  static func report(_ spec: AreaSpec, trendMonths: Int) throws -> AreaReport {
    let rules = try ShippedRules.load()
    let source = RuleSource.directory(repositoryRoot.appendingPathComponent("rules"))
    let (definition, codelists) = try source.formularyFiles()
    let area = SyntheticArea(spec: spec, catalogue: ProductCatalogue(definition: definition, codelists: codelists, formulary: rules.formulary))
    var bytes: [SyntheticFile: [UInt8]] = [:]
    area.generate { file, text in bytes[file, default: []] += file.encode(text) }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("generated-area-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    func paths(_ files: [SyntheticFile]) throws -> [String] {
      try files.filter(area.files.contains).map { file in
        let url = directory.appendingPathComponent(file.fileName)
        try Data(bytes[file] ?? []).write(to: url)
        return url.path
      }
    }
    let inputs = RunInputs(
      gp: try paths([.gp, .gpEMIS]), pharmacy: try paths([.pharmacy, .pharmacyPMR]), safeguarding: try paths([.safeguarding, .safeguardingLA]),
      careEvents: try paths([.careEvents, .careEventsEMIS]))
    let job = ReportAreaJob(
      inputs: inputs, asOf: spec.asOf, trendMonths: trendMonths, identity: .countsOnly,
      outputPath: "unused", rules: rules, rulesFingerprint: "x", toolVersion: "test", log: { _ in })
    return try job.makeReport()
  }
}

/// A generated area of more than 25,000 children: most of its patients are children with
/// asthma, so that the exports stay small enough to read in a test.
enum LargeGeneratedArea {
  static let report = Result {
    try GeneratedArea.report(
      AreaSpec(patients: 29_500, seed: 29, asOf: date("2026-11-21"), brokenRows: false, childrenWithAsthmaPercent: 88), trendMonths: 24)
  }
}

/// Reading a published report the way its reader does: the counts in its table cells,
/// overview, sentences and charts, and in its CSV files.
enum PublishedText {
  /// Whole numbers from 1 to `threshold - 1` in the page's count positions: every table cell,
  /// the overview's figures, the sentence of patients not evaluated, and each chart's text,
  /// title and description (rule titles taken out first: "within 2 working days" is no count).
  /// Dates, decimals and codes are not whole numbers on their own, so they are never read as
  /// one. The limits section counts rows of the exports, not children, and is left out (the
  /// practice pages after it are read).
  static func smallCounts(inHTML page: String, below threshold: Int, ruleTitles: [String]) -> [String] {
    let parts = page.components(separatedBy: "<section aria-labelledby=\"limits\">")
    let html = parts[0] + (parts.count > 1 ? parts[1].components(separatedBy: "</section>").dropFirst().joined(separator: "</section>") : "")
    var found: [String] = []
    for cell in matches(#"<t[dh][^>]*>([^<]*)</t[dh]>"#, in: html) + matches(#"<strong>([^<]*)</strong>"#, in: html) {
      if let count = Int(cell.trimmingCharacters(in: .whitespaces)), (1..<threshold).contains(count) { found.append(cell) }
    }
    var texts = matches(#"<p>(Not evaluated on the report date:[^<]*)</p>"#, in: html)
    for svg in matches(#"(<svg[\s\S]*?</svg>)"#, in: html) {
      texts += matches(#"<(?:text|title|desc)[^>]*>([^<]*)</(?:text|title|desc)>"#, in: svg)
    }
    for text in texts {
      let plain = ruleTitles.reduce(HTMLEntities.decode(text)) { $0.replacingOccurrences(of: $1, with: "") }
      for token in matches(#"(?<![\w.\-])(\d+)(?![\w.\-])"#, in: plain) where (1..<threshold).contains(Int(token)!) {
        found.append(text)
      }
    }
    return found
  }

  /// CSV cells that are whole numbers from 1 to `threshold - 1`.
  static func smallCounts(inCSV csv: String, below threshold: Int) -> [String] {
    records(inCSV: csv).dropFirst().flatMap { $0 }.filter { cell in Int(cell).map { (1..<threshold).contains($0) } ?? false }
  }

  /// The records of a CSV text (quoted fields may hold commas and doubled quotes).
  static func records(inCSV csv: String) -> [[String]] {
    var records: [[String]] = [], record: [String] = [], field = "", quoted = false
    var characters = csv.makeIterator()
    while let character = characters.next() {
      switch (character, quoted) {
      case ("\"", true):
        if let next = characters.next() {
          if next == "\"" { field.append("\"") } else {
            quoted = false
            if next == "," { record.append(field); field = "" } else if next == "\n" { record.append(field); records.append(record); record = []; field = "" } else { field.append(next) }
          }
        } else { quoted = false }
      case ("\"", false) where field.isEmpty: quoted = true
      case (",", false): record.append(field); field = ""
      case ("\n", false): record.append(field); records.append(record); record = []; field = ""
      default: field.append(character)
      }
    }
    if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
    return records
  }

  /// The suppressed part a reader could work out from a shown total, or what the suppressed
  /// parts add up to when that is itself from 1 to `threshold - 1`; `nil` when neither. Tries
  /// every value: "fewer than" is 1 to `threshold - 1`, "hidden" at least `threshold`.
  static func derivable(total: String, parts: [String], threshold: Int) -> String? {
    guard let total = Int(total) else { return nil }
    let rest = parts.reduce(total) { $0 - (Int($1) ?? 0) }
    let suppressed = parts.filter { Int($0) == nil }
    guard !suppressed.isEmpty else { return rest == 0 ? nil : "the parts do not add up" }
    if (1..<threshold).contains(rest) { return "the suppressed parts add up to \(rest)" }
    func values(_ cell: String) -> ClosedRange<Int>? {
      cell == "hidden" ? (threshold <= rest ? threshold...rest : nil) : (1...min(threshold - 1, max(1, rest)))
    }
    // Sums the other suppressed parts can reach, for each part in turn.
    for (index, cell) in suppressed.enumerated() {
      var reachable: Set<Int> = [0]
      for (other, otherCell) in suppressed.enumerated() where other != index {
        guard let range = values(otherCell) else { return "\(otherCell) cannot fit in \(rest)" }
        reachable = Set(reachable.flatMap { sum in range.map { sum + $0 } }.filter { $0 <= rest })
      }
      let possible = (values(cell) ?? 0...(-1)).filter { reachable.contains(rest - $0) }
      if possible.count == 1 { return "\(cell) is \(possible[0])" }
    }
    return nil
  }

  private static func matches(_ pattern: String, in text: String) -> [String] {
    let regex = try! NSRegularExpression(pattern: pattern)
    return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) }
  }
}

/// The few entities the renderer writes, undone for reading.
enum HTMLEntities {
  static func decode(_ text: String) -> String {
    text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
      .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
  }
}
