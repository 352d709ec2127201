import CSVReading
import Foundation
import PropertyBased
import SurveillanceCore
import SurveillanceFrontend
import Testing

/// Properties of the reading paths that must hold for every input, not only the ones we
/// thought of.
struct ReadingProperties {
  /// Bytes that matter to CSV, to encodings and to the decoder, plus some that never should.
  static let alphabet: [UInt8] = Array(",\"\n\r a1-/.:".utf8) + [0x00, 0x09, 0xA3, 0xC2, 0xEF, 0xBB, 0xBF, 0xFE, 0xFF, 0x80]

  @Test func anyBytesGiveRowsOrACleanError() async {
    await propertyCheck(count: 400, input: Gen.element(of: Self.alphabet).map { $0! }.array(of: 0...300)) { bytes in
      do {
        var records = 0
        let summary = try CSVReader.read(bytes: bytes, chunkSize: 7) { _ in records += 1 }
        #expect(summary.records == records)
      } catch is CSVReadingError {
        // A clean, described error is an acceptable answer.
      } catch {
        Issue.record("unexpected error \(error)")
      }
    }
  }

  /// Cells for GP export rows: valid values, and the bad ones real exports hold.
  static let cells: [[String]] = [
    ["9434765919", "943 476 5919", "9434765918", "94347A5919", "", "1"],
    ["2010-06-01", "", "2010-13-01", "2017-06-01", "1980-01-01"],
    ["P1", "", "=cmd|' /C calc'!A0"],
    ["2017-05-12", "2023-02-29", "", "2018-01-01", "12/05/2017"],
    ["3408611000001107", "", "123", "10617711000001103"],
    ["0301011R0AAAAAA", "", "0407010H0AAAMAM", "XYZ"],
    ["Salbutamol 100micrograms/dose inhaler", "", "Unicorn dust", "Paracetamol 500mg tablets, generic", "\"quoted\" name"],
    ["1", "200", "0", "-1", "NaN", "1e308", "2.5", ""],
    ["device", "dose", "", "barrels", "tablets"],
    ["acute", "repeat", ""], ["G1", ""], ["RX1", ""],
  ]

  @Test func everyRowReadIsAcceptedOrRejected() async throws {
    let rules = try RuleSource.directory(repositoryRoot.appendingPathComponent("rules")).load().readingTestData()
    let header = HostileFileTests.header
    let row = Gen.oneOf(
      Gen.int(in: 0...0).map { _ in "" },  // a blank line
      Gen.int(in: 0...Int.max).map { seed in
        var generator = SplitMix(seed: UInt64(truncatingIfNeeded: seed))
        var cells = Self.cells.map { $0[Int(generator.next() % UInt64($0.count))] }
        if generator.next() % 10 == 0 { cells.removeLast() }  // a ragged row now and then
        var csv = CSVOutput(header: [])
        csv.append(cells)
        return String(csv.text.dropFirst().dropLast())
      })
    await propertyCheck(count: 200, input: row.array(of: 0...40)) { rows in
      let text = ([header] + rows).joined(separator: "\n") + "\n"
      var decoder: RowDecoder?
      var report = InputFileReport(path: "p", kind: .gpPrescriptions, profile: "")
      do {
        try CSVReader.read(bytes: Array(text.utf8)) { record in
          guard let decoder else {
            let layout = try ColumnLayout.detect(header: record.fields, kind: .gpPrescriptions, profiles: rules.profiles, file: "p")
            decoder = RowDecoder(layout: layout, formulary: rules.formulary, context: DecodeContext(fileIndex: 0, latestEvaluationDate: date("2017-11-26"), earliestEvaluationDate: date("2017-11-26"), policy: rules.timeline))
            return
          }
          let settledQuickly = record.withSlices { decoder.isOtherMedicine($0) }
          let decoded = decoder.decode(record, line: record.lineNumber)
          if settledQuickly, case .outOfScope(.notAsthmaRelated) = decoded {} else {
            #expect(!settledQuickly, "a row settled quickly as another medicine decodes otherwise")
          }
          if case .rejected(let rejected) = decoded { #expect(rejected.source.line == Int32(record.lineNumber)) }
          report.count(decoded)
        }
      } catch {
        Issue.record("a well-formed CSV text raised \(error)")
      }
      #expect(report.rowsRead == rows.filter { !$0.isEmpty }.count)
      #expect(report.rowsRead == report.rowsAccepted + report.rowsRejected)
      #expect(report.rejectedByReason.values.reduce(0, +) == report.rowsRejected)
    }
  }

  @Test func whatTheToolWritesItReadsBack() async {
    let text = Gen.element(of: Array("ab ,\"\n\r£=+-@é".unicodeScalars).map(String.init)).map { $0! }.array(of: 0...12).map { $0.joined() }
    await propertyCheck(count: 300, input: text.array(of: 1...6)) { cells in
      var csv = CSVOutput(header: ["h"])
      csv.append(cells)
      var rows: [[String]] = []
      do {
        try CSVReader.read(bytes: Array(csv.text.utf8)) { rows.append($0.fields) }
      } catch {
        Issue.record("\(error)")
      }
      #expect(rows.count == 2)
      #expect(rows.last == cells.map(CSVOutput.neutralised))
    }
  }
}

/// A tiny deterministic generator for building rows from a seed.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
