@testable import SurveillanceCore
import Testing

struct OutputTests {
  @Test func cellsThatSpreadsheetsWouldRunAsFormulasAreNeutralised() {
    #expect(CSVOutput.neutralised("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")")
    #expect(CSVOutput.neutralised("+44") == "'+44")
    #expect(CSVOutput.neutralised("-1") == "'-1")
    #expect(CSVOutput.neutralised("@SUM(A1)") == "'@SUM(A1)")
    #expect(CSVOutput.neutralised("\tx") == "'\tx")
    #expect(CSVOutput.neutralised("Salbutamol") == "Salbutamol")
  }

  @Test func cellsAreQuotedOnlyWhenTheyMustBe() {
    var csv = CSVOutput(header: ["a", "b"])
    csv.append(["Sodium chloride 0.9%, solution", "say \"hi\""])
    #expect(csv.text == "a,b\n\"Sodium chloride 0.9%, solution\",\"say \"\"hi\"\"\"\n")
  }

  /// Evidence and figures are written into their cell in pieces; the cell must come out as the
  /// whole text would, neutralised and quoted.
  @Test func aCellWrittenInPiecesIsMadeSafeAsTheWholeTextWouldBe() {
    for text in ["=1+2", "-gp,2024.csv:3; -gp,2024.csv:9", "a,b", "say \"hi\"", "\tx", "\rx", "", "plain", "é=", "=\"a,b\"", "line\nbreak"] {
      var pieces = CSVOutput()
      pieces.cell { bytes in
        for character in text { bytes.appendText(String(character)) }
      }
      pieces.cell("next")
      pieces.endRow()
      let expected = CSVOutput.escaped(CSVOutput.neutralised(text))
      #expect(pieces.text == expected + ",next\n", "\(text)")
      var alone = CSVOutput()
      alone.append([text])
      #expect(alone.text == (text.isEmpty ? "\"\"" : expected) + "\n", "\(text)")
    }
  }

  /// The word-at-a-time scan behind quoting and escaping answers as a byte-by-byte one would.
  @Test func theByteScanAgreesWithLookingAtEachByte() {
    var generator = SystemRandomNumberGenerator()
    let interesting: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x2B, 0x2C, 0x2D, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xA0, 0xFF]
    for _ in 0..<5_000 {
      let length = Int.random(in: 0...40, using: &generator)
      let bytes = (0..<length).map { _ in Bool.random(using: &generator) ? interesting.randomElement(using: &generator)! : UInt8.random(in: 0x41...0x7A, using: &generator) }
      bytes.withUnsafeBufferPointer { buffer in
        #expect(buffer.containsByte(below: 0x20, or: 0x22, 0x5C, 0x5C, 0x5C) == bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }, "\(bytes)")
        #expect(buffer.containsByte(below: 0, or: 0x2C, 0x22, 0x0A, 0x0D) == bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }, "\(bytes)")
      }
    }
  }

  @Test func numbersAndDatesAreWrittenAsTheirDescriptions() {
    for value in [0, 7, 10, 99, 12_345, Int(Int32.max), Int.max, -1, Int.min] {
      var bytes: [UInt8] = []
      bytes.appendDecimal(value)
      #expect(String(decoding: bytes, as: UTF8.self) == String(value))
    }
    for date in [CalendarDate(year: 2017, month: 5, day: 2)!, CalendarDate(year: 1900, month: 12, day: 31)!, CalendarDate(year: 9, month: 1, day: 1)!, CalendarDate(dayNumber: Int32.max)] {
      var bytes: [UInt8] = []
      bytes.appendDate(date)
      #expect(String(decoding: bytes, as: UTF8.self) == date.description)
    }
  }

  @Test func jsonTextEscapesControlCharacters() {
    #expect(JSONText.quoted("a\"b\\c\nd\u{1}") == "\"a\\\"b\\\\c\\nd\\u0001\"")
  }

  @Test func childrenCSVForAHandWorkedChild() throws {
    let rules = try ShippedRules.load()
    let evaluation = AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases))
    let child = try evaluation.summary(for: FigureTests.poorlyControlled.record, asOf: date("2017-11-26")).get()
    let csv = RunOutputs(fileNames: ["gp.csv", "pharmacy.csv", "sg.csv", "events.csv"]).childrenCSV([child])
    let lines = csv.split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    let values = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let row = Dictionary(uniqueKeysWithValues: zip(header, values))
    #expect(row["nhs_number"] == child.nhsNumber.description)
    #expect(row["age_years"] == "7")
    #expect(row["reliever_devices_3m"] == "4")
    #expect(row["reliever_devices_6m"] == "8")
    #expect(row["reliever_devices_12m"] == "10")
    #expect(row["preventer_devices_12m"] == "4")
    #expect(row["preventer_ratio_12m"] == "0.28")  // 4 of 14, cut to two decimals
    #expect(row["nebule_issues_12m"] == "2")
    #expect(row["oral_steroid_courses_12m"] == "2")
    #expect(row["pharmacies_6m"] == "3")
    #expect(row["issued_not_dispensed_12m"] == "2")  // the two nebule issues were never dispensed
    #expect(row["safeguarding_status"] == "none")
    #expect(row["action_plan_status"] == "none")
    #expect(Int(row["signal_count"] ?? "") == child.signals.count)
    #expect(row["highest_severity"] == child.highestSeverity?.rawValue)
  }

  @Test func signalsCarryEveryFieldDownstreamJobsRead() throws {
    let rules = try ShippedRules.load()
    let evaluation = AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases))
    let child = try evaluation.summary(for: FigureTests.poorlyControlled.record, asOf: date("2017-11-26")).get()
    let renderer = RunOutputs(fileNames: ["gp.csv", "pharmacy.csv", "sg.csv", "events.csv"])
    let header = renderer.signalsCSV(child.signals).split(separator: "\n")[0]
    for field in ["nhs_number", "signal", "severity", "as_of", "window_start", "window_end", "metrics", "evidence", "safeguarding_context", "action_plan_status", "reason", "rule_version"] {
      #expect(header.contains(field))
    }
    let overuse = try #require(child.signals.first { $0.ruleID == "reliever-overuse" })
    #expect(overuse.severity == .priority)
    #expect(overuse.evidence.count == 20)  // ten relievers, each a GP issue and a dispensing
    let jsonl = renderer.signalsJSONLines([overuse])
    #expect(jsonl.contains("\"reliever_devices_12m\":10"))
    #expect(jsonl.contains("{\"file\":\"gp.csv\",\"lines\":["))
  }

  /// Each file is named once, its lines after it in order: a signal behind twenty supplies
  /// does not repeat a long path twenty times.
  @Test func evidenceNamesEachFileOnceWithItsLines() throws {
    let rules = try ShippedRules.load()
    let evaluation = AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases))
    let child = try evaluation.summary(for: FigureTests.poorlyControlled.record, asOf: date("2017-11-26")).get()
    var signal = try #require(child.signals.first { $0.ruleID == "reliever-overuse" })
    signal.evidence = [SourceRef(file: 0, line: 7), SourceRef(file: 0, line: 12), SourceRef(file: 1, line: 3), SourceRef(file: 3, line: 40)]
    let renderer = RunOutputs(fileNames: ["exports/gp.csv", "exports/pharmacy.csv", "sg.csv", "events.csv"])

    let csv = renderer.signalsCSV([signal]).split(separator: "\n").map(String.init)
    #expect(csv[1].contains(",\"exports/gp.csv:7,12; exports/pharmacy.csv:3; events.csv:40\","))

    let jsonl = renderer.signalsJSONLines([signal])
    #expect(jsonl.contains(
      "\"evidence\":[{\"file\":\"exports/gp.csv\",\"lines\":[7,12]},{\"file\":\"exports/pharmacy.csv\",\"lines\":[3]},{\"file\":\"events.csv\",\"lines\":[40]}]"))

    signal.evidence = []
    #expect(renderer.signalsJSONLines([signal]).contains("\"evidence\":[]"))
  }

  /// Rows rendered into a buffer that held an earlier run's rows are the rows alone, written
  /// into the same storage when it is large enough (the nightly job hands written buffers on).
  @Test func rowsRenderedIntoAUsedBufferAreTheRowsAloneInTheSameStorage() throws {
    let rules = try ShippedRules.load()
    let evaluation = AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases))
    let child = try evaluation.summary(for: FigureTests.poorlyControlled.record, asOf: date("2017-11-26")).get()
    let renderer = RunOutputs(fileNames: ["gp.csv", "pharmacy.csv", "sg.csv", "events.csv"])

    var used: [UInt8] = Array(repeating: UInt8(ascii: "x"), count: 100)
    used.reserveCapacity(1 << 20)
    let storage = used.withUnsafeBufferPointer { $0.baseAddress }
    let lines = renderer.signalsJSONLineBytes(child.signals, reusing: consume used)
    #expect(lines == renderer.signalsJSONLineBytes(child.signals))
    #expect(lines.withUnsafeBufferPointer { $0.baseAddress } == storage)

    let rows = renderer.signalsCSVRowBytes(child.signals, reusing: lines)
    #expect(rows == renderer.signalsCSVRowBytes(child.signals))
    #expect(renderer.childrenCSVRowBytes([child], reusing: rows) == renderer.childrenCSVRowBytes([child]))
  }
}

/// Which exports a run refuses as empty: a GP or pharmacy side given with no rows at all.
struct EmptySupplyExportsTests {
  @Test func aSideGivenWithNoRowsIsRefusedAndSaysHowToRunWithoutIt() throws {
    let pharmacy = try #require(EmptySupplyExports.failure([("gp.csv", .gpPrescriptions, 10), ("ph.csv", .pharmacyDispensing, 0)]))
    #expect(pharmacy.hasPrefix("ph.csv: the pharmacy export holds no rows"))
    #expect(pharmacy.contains("run without --pharmacy"))
    let gp = try #require(EmptySupplyExports.failure([("a.csv", .gpPrescriptions, 0), ("b.csv", .gpPrescriptions, 0), ("ph.csv", .pharmacyDispensing, 5)]))
    #expect(gp.hasPrefix("a.csv, b.csv: the GP export holds no rows"))
  }

  @Test func aSideWithRowsInAnyOfItsExportsOrNotGivenAtAllIsNoFault() {
    #expect(EmptySupplyExports.failure([("a.csv", .gpPrescriptions, 0), ("b.csv", .gpPrescriptions, 3)]) == nil)
    #expect(EmptySupplyExports.failure([("gp.csv", .gpPrescriptions, 3)]) == nil)
    // Safeguarding and care events may rightly be empty: no child on a plan, no attendances.
    #expect(EmptySupplyExports.failure([("gp.csv", .gpPrescriptions, 3), ("sg.csv", .safeguarding, 0), ("ce.csv", .careEvents, 0)]) == nil)
  }
}

/// An as-of date that puts most rows in the future (a mistyped year) is said, not run quietly.
struct AsOfCheckTests {
  func report(used: Int, later: Int) -> InputFileReport {
    var report = InputFileReport(path: "gp.csv", kind: .gpPrescriptions, profile: "canonical-gp")
    report.used = used
    report.outOfScope = [.notYetKnown: later]
    return report
  }

  @Test func moreRowsAfterTheAsOfDateThanUsedIsAWarning() throws {
    let warning = try #require(AsOfCheck.warning([report(used: 0, later: 900), report(used: 10, later: 200)], asOf: CalendarDate(iso: "2020-01-01")!))
    #expect(warning == "1100 of the exports' rows are dated after the as-of date 2020-01-01, and only 10 were used: check --as-of")
  }

  @Test func aFewRowsAfterTheAsOfDateAreNoCauseForWarning() {
    #expect(AsOfCheck.warning([report(used: 5000, later: 40)], asOf: CalendarDate(iso: "2026-11-21")!) == nil)
  }
}
