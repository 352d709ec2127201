import CSVReading
import Foundation
import SurveillanceCore
import SurveillanceFrontend
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Files nobody here controls, at their worst: each one gives the expected rejection (with
/// its line) or a clear error, never a crash or a hang.
struct HostileFileTests {
  static let rules: RuleSet? = try? RuleSource.directory(repositoryRoot.appendingPathComponent("rules")).load().readingTestData()

  static let header = "nhs_number,date_of_birth,practice_code,issue_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,issue_type,prescriber_code,prescription_id"
  static let good = "9434765919,2010-06-01,P1,2017-05-12,3408611000001107,0301011R0AAAAAA,Salbutamol 100micrograms/dose inhaler,1,device,acute,G1,RX1"

  /// Reads `bytes` as a GP export through the whole reading path.
  func read(_ bytes: [UInt8]) throws -> ExportContents {
    let rules = try #require(Self.rules)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).csv")
    try Data(bytes).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    return try ExportReader.read(ExportFile(path: file.path, kind: .gpPrescriptions), index: 0, rules: rules, earliest: date("2017-11-26"), latest: date("2017-11-26"))
  }

  func read(_ text: String) throws -> ExportContents { try read(Array(text.utf8)) }

  func rejections(_ contents: ExportContents) -> [(Int, RejectReason)] {
    contents.rejects.map { (Int($0.source.line), $0.reason) }
  }

  @Test func aFileCutOffMidRowRejectsTheLastRowWithItsLine() throws {
    let text = [Self.header, Self.good, Self.good, String(Self.good.prefix(40))].joined(separator: "\n")
    let contents = try read(text)
    #expect(rejections(contents).map(\.0) == [4])
    #expect(rejections(contents).map(\.1) == [.wrongFieldCount])
    #expect(contents.report.rowsRead == 3)
    #expect(contents.report.rowsRead == contents.report.rowsAccepted + contents.report.rowsRejected)
  }

  @Test func anUnterminatedQuoteAtTheEndIsAnErrorNamingTheLineItOpens() throws {
    let text = [Self.header, Self.good, "9434765919,2010-06-01,P1,2017-05-12,,,\"Salbutamol, never closed", Self.good].joined(separator: "\n")
    #expect {
      _ = try read(text)
    } throws: { error in
      guard case .unterminatedQuote(_, let line) = error as? CSVReadingError else { return false }
      return line == 3
    }
  }

  @Test func aTenMegabyteFieldIsRejectedQuicklyWithoutKeepingIt() throws {
    let huge = "\"" + String(repeating: "A", count: 10 * 1024 * 1024) + "\""
    let text = [Self.header, Self.good.replacingOccurrences(of: "Salbutamol 100micrograms/dose inhaler", with: huge), Self.good].joined(separator: "\n")
    let contents = try read(text)
    #expect(rejections(contents).map(\.1) == [.fieldTooLong])
    #expect(contents.rejects[0].fields.map(\.utf8.count).max()! < 5_000)
    #expect(contents.report.used == 1)
  }

  @Test func nulBytesInsideARowRejectThatRow() throws {
    var bytes = Array((Self.header + "\n" + Self.good + "\n").utf8)
    bytes += Array("9434765919,2010-06-01,P1,2017-05-12,3408611000001107,,Salbu".utf8) + [0] + Array("tamol,1,,acute,G1,RX2\n".utf8)
    let contents = try read(bytes)
    #expect(rejections(contents).map(\.0) == [3])
    #expect(rejections(contents).map(\.1) == [.containsNUL])
  }

  /// The splitter looks for NUL bytes as it splits a line, and a row it saw none in skips the
  /// second look: a NUL anywhere in a row of a medicine already known to be no asthma
  /// medicine (the quick path) still rejects the row, in the first vector or the last bytes.
  @Test func nulBytesInAKnownOtherMedicineRejectThatRowWhereverTheyFall() throws {
    let antibiotic = "9434765919,2010-06-01,P1,2017-05-12,,0501013B0AAAAAA,Amoxicillin 250mg capsules,21,,acute,G1,RX"
    var bytes = Array((Self.header + "\n" + antibiotic + "1\n").utf8)
    let utf8 = Array(antibiotic.utf8)
    for position in [3, 40, utf8.count - 2] {
      var row = utf8 + Array("\(position)".utf8)
      row[position] = 0
      bytes += row + [0x0A]
    }
    bytes += Array((antibiotic + "9\n").utf8)
    let contents = try read(bytes)
    #expect(rejections(contents).map(\.0) == [3, 4, 5])
    #expect(rejections(contents).map(\.1) == [.containsNUL, .containsNUL, .containsNUL])
    #expect(contents.report.outOfScope[.notAsthmaRelated] == 2)
  }

  @Test func mixedLineEndingsStillGiveEveryRowItsLine() throws {
    let bad = Self.good.replacingOccurrences(of: "9434765919", with: "9434765918")
    let text = Self.header + "\r\n" + Self.good + "\n" + bad + "\r\n" + Self.good + "\r" + bad + "\n"
    let contents = try read(text)
    #expect(contents.report.rowsRead == 4)
    #expect(rejections(contents).map(\.1) == [.invalidNHSNumber, .invalidNHSNumber])
    #expect(rejections(contents).map(\.0).first == 3)
  }

  @Test func raggedRowsAreRejectedOneByOne() throws {
    let text = [Self.header, Self.good, "1,2,3", Self.good + ",extra,cells", Self.good].joined(separator: "\n")
    let contents = try read(text)
    #expect(rejections(contents).map(\.0) == [3, 4])
    #expect(rejections(contents).map(\.1) == [.wrongFieldCount, .wrongFieldCount])
  }

  @Test func aHeaderRepeatedMidFileIsARejectedRowNotData() throws {
    let text = [Self.header, Self.good, Self.header, Self.good].joined(separator: "\n")
    let contents = try read(text)
    #expect(rejections(contents).map(\.0) == [3])
    #expect(rejections(contents).map(\.1) == [.repeatedHeader])
  }

  @Test func duplicateHeaderNamesAreAnError() throws {
    let text = Self.header + ",nhs_number\n" + Self.good + ",9434765919\n"
    #expect {
      _ = try read(text)
    } throws: { error in
      guard case .duplicateColumn(_, let field, _, let columns) = error as? InputError else { return false }
      return field == "nhs_number" && columns == [1, 13]
    }
  }

  @Test func utf16WithAByteOrderMarkIsRefused() throws {
    var bytes: [UInt8] = [0xFF, 0xFE]
    for unit in (Self.header + "\n").utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    #expect(throws: CSVReadingError.self) { _ = try read(bytes) }
  }

  @Test func utf16WithoutAByteOrderMarkIsNotText() throws {
    var bytes: [UInt8] = []
    for unit in (Self.header + "\n" + Self.good + "\n").utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    #expect {
      _ = try read(bytes)
    } throws: { error in
      if case .notText = error as? InputError { return true }
      return false
    }
  }

  @Test func impossibleDatesLettersInNHSNumbersAndAbsurdQuantitiesAreRejected() throws {
    let rows = [
      Self.good.replacingOccurrences(of: "2017-05-12", with: "2023-02-29"),
      Self.good.replacingOccurrences(of: "9434765919", with: "94347A5919"),
      Self.good.replacingOccurrences(of: ",1,device,", with: ",1e308,device,"),
      Self.good.replacingOccurrences(of: ",1,device,", with: ",NaN,device,"),
      Self.good.replacingOccurrences(of: ",1,device,", with: ",-inf,device,"),
    ]
    let contents = try read(([Self.header] + rows).joined(separator: "\n"))
    #expect(rejections(contents).map(\.0) == [2, 3, 4, 5, 6])
    #expect(rejections(contents).map(\.1) == [.invalidDate, .invalidNHSNumber, .invalidQuantity, .invalidQuantity, .invalidQuantity])
  }

  @Test func anEmptyFileIsAnError() throws {
    #expect(throws: InputError.self) { _ = try read([]) }
    #expect(throws: InputError.self) { _ = try read("\n\n\r\n") }
  }

  @Test(arguments: [
    ("a PNG image", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52] as [UInt8]),
    ("an xlsx (zip) file", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00]),
    ("a gzip file", [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]),
    ("prose", Array("Dear colleague,\nplease find the report attached.\n".utf8)),
  ])
  func aFileThatIsNotCSVAtAllIsAClearError(name: String, bytes: [UInt8]) throws {
    #expect(throws: (any Error).self, "\(name)") { _ = try read(bytes) }
  }

  @Test func randomBytesNeverCrashTheReader() throws {
    var generator = SystemRandomNumberGenerator()
    for round in 0..<200 {
      let length = Int.random(in: 0...2_000, using: &generator)
      var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      if round % 2 == 0 { bytes = Array((Self.header + "\n").utf8) + bytes }
      if let contents = try? read(bytes) {
        #expect(contents.report.rowsRead == contents.report.rowsAccepted + contents.report.rowsRejected)
      }
    }
  }
}

func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }
