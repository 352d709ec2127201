@testable import SurveillanceCore
import Testing

/// Row-by-row validation: every reject reason, and what is set aside rather than rejected.
struct RowDecoderTests {
  static let gpHeader = [
    "nhs_number", "date_of_birth", "practice_code", "issue_date", "dmd_code", "bnf_code", "drug_name",
    "quantity", "quantity_unit", "issue_type", "prescriber_code", "prescription_id",
  ]
  static let salbutamol = ["9434765919", "2010-06-01", "P1", "2017-05-12", "3408611000001107", "0301011R0AAAAAA", "Salbutamol 100micrograms/dose inhaler", "1", "device", "acute", "G1", "RX1"]

  func decoder(asOf: String = "2017-11-26") throws -> RowDecoder {
    let rules = try ShippedRules.load()
    let layout = try ColumnLayout.detect(header: Self.gpHeader, kind: .gpPrescriptions, profiles: rules.profiles, file: "gp.csv")
    return RowDecoder(layout: layout, formulary: rules.formulary, context: DecodeContext(fileIndex: 0, latestEvaluationDate: date(asOf), earliestEvaluationDate: date(asOf), policy: rules.timeline))
  }

  func row(_ changes: [String: String]) -> [String] {
    var row = Self.salbutamol
    for (column, value) in changes { row[Self.gpHeader.firstIndex(of: column)!] = value }
    return row
  }

  func rejection(_ fields: [String]) throws -> RejectedRow? {
    if case .rejected(let rejected) = try decoder().decode(fields, line: 7) { return rejected }
    return nil
  }

  /// A real export holding a number reserved for testing has a test record in it: rejected,
  /// with its own reason, unless the run reads test data.
  @Test func testRangeNumbersAreRejectedUnlessTheRunReadsTestData() throws {
    let rules = try ShippedRules.load()
    let layout = try ColumnLayout.detect(header: Self.gpHeader, kind: .gpPrescriptions, profiles: rules.profiles, file: "gp.csv")
    var real = rules.nhsNumbers
    real.acceptsTestNumbers = false
    let context = DecodeContext(
      fileIndex: 0, latestEvaluationDate: date("2017-11-26"), earliestEvaluationDate: date("2017-11-26"), policy: rules.timeline,
      rejectedNumberRanges: real.rejectedRanges)
    let decoder = RowDecoder(layout: layout, formulary: rules.formulary, context: context)
    guard case .rejected(let rejected) = decoder.decode(row(["nhs_number": "9990000018"]), line: 3) else {
      Issue.record("a test-range number was accepted")
      return
    }
    #expect(rejected.reason == .testRangeNHSNumber)
    #expect(!rejected.detail.contains("9990000018"))
    guard case .supply = decoder.decode(Self.salbutamol, line: 4) else {
      Issue.record("a real number was rejected")
      return
    }
    #expect(rules.nhsNumbers.acceptsTestNumbers, "the tests read test data")
  }

  @Test func aValidRowBecomesASupplyOfOneDevice() throws {
    guard case .supply(let supply) = try decoder().decode(Self.salbutamol, line: 2) else {
      Issue.record("expected a supply")
      return
    }
    #expect(supply.role == .reliever)
    #expect(supply.devices == 1)
    #expect(supply.source == SourceRef(file: 0, line: 2))
  }

  static let cases: [(String, [String: String], RejectReason)] = [
    ("letters in the NHS number", ["nhs_number": "94347A5919"], .invalidNHSNumber),
    ("failing check digit", ["nhs_number": "9434765918"], .invalidNHSNumber),
    ("a placeholder number that passes the check digit", ["nhs_number": "0000000000"], .placeholderNHSNumber),
    ("29 February in a common year", ["issue_date": "2023-02-29"], .invalidDate),
    ("empty issue date", ["issue_date": ""], .invalidDate),
    ("date before 1900", ["issue_date": "1066-10-14"], .invalidDate),
    ("impossible date of birth", ["date_of_birth": "2010-13-01"], .invalidDateOfBirth),
    ("issued before birth", ["date_of_birth": "2017-06-01"], .dateBeforeBirth),
    ("zero quantity", ["quantity": "0"], .invalidQuantity),
    ("negative quantity", ["quantity": "-1"], .invalidQuantity),
    ("NaN quantity", ["quantity": "NaN"], .invalidQuantity),
    ("1e308 quantity", ["quantity": "1e308"], .invalidQuantity),
    ("implausible number of inhalers", ["quantity": "5000", "quantity_unit": "device"], .invalidQuantity),
    ("unknown unit", ["quantity_unit": "barrels"], .invalidValue),
    ("no product at all", ["dmd_code": "", "bnf_code": "", "drug_name": ""], .unknownProduct),
    ("unknown name without a code", ["dmd_code": "", "bnf_code": "", "drug_name": "Unicorn dust"], .unknownProduct),
  ]

  @Test(arguments: cases)
  func rejectsBadRowsWithTheirReason(note: String, changes: [String: String], reason: RejectReason) throws {
    let rejected = try #require(try rejection(row(changes)), "\(note) was not rejected")
    #expect(rejected.reason == reason, "\(note)")
    #expect(rejected.source.line == 7)
    #expect(rejected.fields == row(changes))
  }

  /// The decoder reads plain fields from their bytes and remembers products, sites and units
  /// by their bytes: none of that may change an answer, whatever was read before.
  @Test(arguments: cases)
  func aBadRowIsRejectedAlikeWhenTheDecoderHasReadGoodRowsFirst(note: String, changes: [String: String], reason: RejectReason) throws {
    let fresh = try #require(try rejection(row(changes)), "\(note) was not rejected")
    let warmed = try decoder()
    for warmUp in [Self.salbutamol, row(["practice_code": "p9", "quantity_unit": "doses", "quantity": "200"]), row(["issue_type": "Repeat"])] {
      guard case .supply = warmed.decode(warmUp, line: 2) else { Issue.record("warm-up row not a supply"); return }
    }
    guard case .rejected(let rejected) = warmed.decode(row(changes), line: 7) else { Issue.record("\(note) not rejected after warm-up"); return }
    #expect(rejected.reason == fresh.reason, "\(note)")
    #expect(rejected.detail == fresh.detail, "\(note)")
    #expect(rejected.fields == fresh.fields, "\(note)")
  }

  @Test func paddedAndSpacedFieldsReadAsTheirPlainValues() throws {
    let decoder = try decoder()
    guard case .supply(let plain) = decoder.decode(Self.salbutamol, line: 2),
      case .supply(let padded) = decoder.decode(
        row([
          "nhs_number": " 943 476 5919 ", "date_of_birth": " 2010-06-01\u{2003}", "issue_date": " 2017-05-12T09:30:00",
          "practice_code": "\tp1 ", "quantity": " 1", "quantity_unit": " Device", "issue_type": "ACUTE ",
        ]), line: 2)
    else {
      Issue.record("expected two supplies")
      return
    }
    #expect(padded == plain)
  }

  @Test func aSpellingSeenBeforeReadsAsItDidTheFirstTime() throws {
    let decoder = try decoder()
    var sites: [String] = []
    var units: [QuantityUnit?] = []
    for (practice, unit) in [("p1", "device"), ("P2", ""), ("p1", "inhaler"), ("P2", "device"), ("p1", "")] {
      guard case .supply(let supply) = decoder.decode(row(["practice_code": practice, "quantity_unit": unit]), line: 2) else {
        Issue.record("expected a supply for \(practice) \(unit)")
        return
      }
      sites.append(supply.siteCode)
      units.append(supply.quantityUnit)
    }
    #expect(sites == ["P1", "P2", "P1", "P2", "P1"])
    #expect(units == [.device, nil, .device, .device, nil])
  }

  @Test func theAdultBirthCutOffAgreesWithWholeYearsAroundEveryBirthday() {
    for evaluation in ["2026-11-21", "2024-02-29", "2025-02-28", "2025-03-01", "2023-12-31", "2024-01-01"].map(date) {
      for years in [1, 16, 18] {
        let cutOff = RowDecoder.latestBirth(ofAge: years, on: evaluation)
        #expect(cutOff.wholeYears(to: evaluation) >= years, "\(evaluation) \(years)")
        #expect(cutOff.adding(days: 1).wholeYears(to: evaluation) < years, "\(evaluation) \(years)")
      }
    }
  }

  @Test func aPlainQuantityReadsAsDoubleWouldReadIt() {
    for text in ["1", "+2", "007", "200", "0.5", "2.", ".5", "123456789012345", "1234567890123456789", "99999999999999999999"] {
      #expect(RowDecoder.parseQuantity(text) == Double(text), "\(text)")
    }
    for text in ["", "+", ".", "1.2.3", "-1", "1e3", "NaN", "inf", "0x10", "1 000", "++1"] {
      #expect(RowDecoder.parseQuantity(text) == nil, "\(text)")
    }
  }

  @Test func rejectsRowsOfTheWrongWidthButToleratesTrailingEmptyFields() throws {
    #expect(try rejection(Array(Self.salbutamol.dropLast()))?.reason == .wrongFieldCount)
    #expect(try rejection(Self.salbutamol + ["x"])?.reason == .wrongFieldCount)
    #expect(try rejection(Self.salbutamol + ["", ""]) == nil)
  }

  @Test func rejectsARepeatedHeaderAndNULBytes() throws {
    #expect(try rejection(Self.gpHeader)?.reason == .repeatedHeader)
    #expect(try rejection(row(["drug_name": "Salbutamol\u{0}"]))?.reason == .containsNUL)
  }

  @Test func aRunawayFieldIsRejectedAndKeptOnlyInPart() throws {
    let huge = String(repeating: "x", count: 100_000)
    let rejected = try #require(try rejection(row(["drug_name": huge])))
    #expect(rejected.reason == .fieldTooLong)
    #expect(rejected.fields[6].utf8.count < 5_000)
  }

  @Test func everyRejectReasonIsExercisedSomewhere() {
    let covered = Set(Self.cases.map(\.2)).union([
      .wrongFieldCount, .repeatedHeader, .containsNUL, .invalidValue, .endBeforeStart, .fieldTooLong, .testRangeNHSNumber,
    ])
    #expect(covered == Set(RejectReason.allCases))
  }

  @Test func nonAsthmaProductsAdultsAndFutureRowsAreSetAsideNotRejected() throws {
    let decoder = try decoder()
    // Paracetamol: a valid BNF code outside the asthma formulary.
    let paracetamol = row(["dmd_code": "", "bnf_code": "0407010H0AAAMAM", "drug_name": "Paracetamol 500mg tablets", "nhs_number": "not checked"])
    guard case .outOfScope(.notAsthmaRelated) = decoder.decode(paracetamol, line: 3) else { Issue.record("paracetamol"); return }
    guard case .outOfScope(.adult) = decoder.decode(row(["date_of_birth": "1980-01-01"]), line: 4) else { Issue.record("adult"); return }
    guard case .outOfScope(.notYetKnown) = decoder.decode(row(["issue_date": "2018-01-01"]), line: 5) else { Issue.record("future"); return }
  }

  /// A spreadsheet saved as CSV writes its unused rows below the data as commas alone. They
  /// name no patient and no product: counted as empty rows, never rejected (enough of them
  /// would otherwise fail the night on its reject rate). A row with anything in it is not one.
  @Test(arguments: [
    Array(repeating: "", count: 12), Array(repeating: " ", count: 12), ["", "", ""], Array(repeating: "", count: 14),
  ])
  func aRowOfEmptyFieldsIsAnEmptyRowNotARejection(_ fields: [String]) throws {
    guard case .outOfScope(.emptyRow) = try decoder().decode(fields, line: 9) else {
      Issue.record("\(fields.count) empty fields")
      return
    }
  }

  @Test func aRowWithOneFieldFilledIsStillChecked() throws {
    var fields = Array(repeating: "", count: 12)
    fields[6] = "Salbutamol 100micrograms/dose inhaler"
    #expect(try rejection(fields)?.reason == .invalidNHSNumber)
  }

  /// Once a product is known to be outside the formulary, a reader may settle its rows with
  /// the quick check; the check must still leave every broken row of it to the full path,
  /// which rejects it as it did before the product was known.
  @Test func aKnownOtherMedicineIsStillCheckedForShape() throws {
    let decoder = try decoder()
    let paracetamol = row(["dmd_code": "", "bnf_code": "0407010H0AAAMAM", "drug_name": "Paracetamol 500mg tablets"])
    #expect(!paracetamol.withSlices { decoder.isOtherMedicine($0) }, "not known before its first row")
    guard case .outOfScope(.notAsthmaRelated) = decoder.decode(paracetamol, line: 2) else { Issue.record("first paracetamol"); return }
    #expect(paracetamol.withSlices { decoder.isOtherMedicine($0) })
    #expect(!Self.salbutamol.withSlices { decoder.isOtherMedicine($0) }, "an asthma product is never settled quickly")
    func quickly(_ fields: [String]) -> Bool { fields.withSlices { decoder.isOtherMedicine($0) } }
    func reason(_ fields: [String]) -> RejectReason? {
      if case .rejected(let rejected) = decoder.decode(fields, line: 4) { return rejected.reason }
      return nil
    }
    var withNUL = paracetamol
    withNUL[2] = "P\u{0}1"
    var tooLong = paracetamol
    tooLong[10] = String(repeating: "G", count: 100_000)
    let broken: [([String], RejectReason)] = [
      (Array(paracetamol.dropLast()), .wrongFieldCount), (paracetamol + ["extra"], .wrongFieldCount),
      (withNUL, .containsNUL), (tooLong, .fieldTooLong), (Self.gpHeader, .repeatedHeader),
    ]
    for (fields, expected) in broken {
      #expect(!quickly(fields), "\(expected) settled quickly")
      #expect(reason(fields) == expected)
    }
    // A trailing empty field is not a reason to reject; it takes the full path.
    #expect(!quickly(paracetamol + [""]))
    guard case .outOfScope(.notAsthmaRelated) = decoder.decode(paracetamol + [""], line: 5) else { Issue.record("trailing comma"); return }
  }

  @Test func fieldOrdinalsFollowTheirCases() {
    #expect(CanonicalField.allCases.map(\.ordinal) == Array(CanonicalField.allCases.indices))
    #expect(OutOfScope.allCases.map(\.ordinal) == Array(OutOfScope.allCases.indices))
    #expect(Metric.allCases.map(\.ordinal) == Array(Metric.allCases.indices))
  }

  @Test func dosesAreTurnedIntoDevices() throws {
    guard case .supply(let supply) = try decoder().decode(row(["quantity": "400", "quantity_unit": "dose"]), line: 2) else {
      Issue.record("expected a supply")
      return
    }
    #expect(supply.devices == 2)
  }
}

struct SafeguardingAndEventDecodingTests {
  @Test func planTypesAreReadThroughTheProfileValueMap() throws {
    let rules = try ShippedRules.load()
    let header = ["NHS Number", "Plan Type", "Category", "Start Date", "End Date", "Local Authority"]
    let layout = try ColumnLayout.detect(header: header, kind: .safeguarding, profiles: rules.profiles, file: "sg.csv")
    let decoder = RowDecoder(layout: layout, formulary: rules.formulary, context: DecodeContext(fileIndex: 2, latestEvaluationDate: date("2017-11-26"), earliestEvaluationDate: date("2017-11-26"), policy: rules.timeline))
    guard case .plan(let plan) = decoder.decode(["943 476 5919", "Child in Need", "Neglect", "03/07/2017", "", "Birmingham"], line: 2) else {
      Issue.record("expected a plan")
      return
    }
    #expect(plan.type == .childInNeed)
    #expect(plan.start == date("2017-07-03"))
    #expect(plan.end == nil)
    guard case .rejected(let rejected) = decoder.decode(["9434765919", "CPP", "", "03/07/2017", "01/07/2017", ""], line: 3) else {
      Issue.record("expected a rejection")
      return
    }
    #expect(rejected.reason == .endBeforeStart)
    guard case .rejected(let unknown) = decoder.decode(["9434765919", "Early Help", "", "03/07/2017", "", ""], line: 4) else {
      Issue.record("expected a rejection")
      return
    }
    #expect(unknown.reason == .invalidValue)
  }
}

struct ColumnLayoutTests {
  @Test func detectsTheEMISStyleLayoutFromItsHumanHeaders() throws {
    let rules = try ShippedRules.load()
    let header = ["NHS Number", "Date of Birth", "Drug", "Issue Date", "Quantity"]
    let layout = try ColumnLayout.detect(header: header, kind: .gpPrescriptions, profiles: rules.profiles, file: "emis.csv")
    #expect(layout.profile.id == "emis-web-gp")
    #expect(layout.index(of: .drugName) == 2)
  }

  @Test func anUnknownHeaderNamesTheMissingColumns() throws {
    let rules = try ShippedRules.load()
    #expect {
      try ColumnLayout.detect(header: ["patient", "drug_name", "issue_date"], kind: .gpPrescriptions, profiles: rules.profiles, file: "odd.csv")
    } throws: { error in
      guard case .missingColumns(_, _, _, let missing, _, _) = error as? InputError else { return false }
      return missing.contains { $0.hasPrefix("nhs_number") } && missing.contains { $0.hasPrefix("quantity") }
    }
  }

  @Test(arguments: [(";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars (|)")])
  func aHeaderDividedByAnotherSeparatorSaysWhich(_ separator: String, _ name: String) throws {
    let rules = try ShippedRules.load()
    let header = ["nhs_number", "date_of_birth", "issue_date", "drug_name", "quantity"].joined(separator: separator)
    #expect(throws: InputError.notCommaSeparated(file: "x.csv", separator: name)) {
      try ColumnLayout.detect(header: [header], kind: .gpPrescriptions, profiles: rules.profiles, file: "x.csv")
    }
    #expect(InputError.notCommaSeparated(file: "x.csv", separator: name).description.contains("separated by \(name), not commas"))
  }

  @Test func aOneColumnHeaderWithoutAnotherSeparatorStillNamesTheMissingColumns() throws {
    let rules = try ShippedRules.load()
    #expect {
      try ColumnLayout.detect(header: ["nhs_number; date_of_birth"], kind: .gpPrescriptions, profiles: rules.profiles, file: "x.csv")
    } throws: { error in
      guard case .missingColumns = error as? InputError else { return false }
      return true
    }
  }

  @Test func aFileThatStartsWithDataIsHeaderless() throws {
    let rules = try ShippedRules.load()
    #expect(throws: InputError.headerless(file: "x.csv")) {
      try ColumnLayout.detect(header: ["9434765919", "2017-05-12", "Salbutamol", "1"], kind: .gpPrescriptions, profiles: rules.profiles, file: "x.csv")
    }
  }
}
