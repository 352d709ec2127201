import CSVReading
import Foundation
import PropertyBased
import Testing

/// The CSV reader splits plain lines itself and gives the rest to libcsv. Whatever the bytes,
/// that must give exactly what libcsv alone gives: the same records, fields byte for byte,
/// line numbers, summary, and the same error.
struct PlainLineProperties {
  /// What a read produced, in a form two reads can be compared in.
  struct Outcome: Equatable {
    var records: [[[UInt8]]] = []
    var lines: [Int] = []
    var summary: CSVReadSummary?
    var error: String?
  }

  static func read(_ bytes: [UInt8], chunkSize: Int, plainLinesInPlace: Bool) -> Outcome {
    var outcome = Outcome()
    do {
      outcome.summary = try CSVReader.read(bytes: bytes, chunkSize: chunkSize, plainLinesInPlace: plainLinesInPlace) { record in
        outcome.records.append((0..<record.count).map { index in record.withBytes(at: index) { Array($0) } })
        outcome.lines.append(record.lineNumber)
      }
    } catch {
      outcome.error = "\(error)"
    }
    return outcome
  }

  /// Mostly export-like lines, with every byte that changes how CSV splits mixed in.
  static let pieces: [String] = [
    "9434765919", "2017-05-12", "Salbutamol 100micrograms/dose inhaler", "\"Paracetamol 500mg tablets, generic\"",
    ",", ",", ",", "\n", "\n", "\r\n", "\r", "\"", "\"\"", " ", "", "\u{0}", "£", "é", "\"a\nb\"", "\"x\"y", "x\"y",
  ]

  @Test func anyTextReadsAsLibcsvAloneReadsIt() async {
    let text = Gen.element(of: Self.pieces).map { $0! }.array(of: 0...60).map { Array($0.joined().utf8) }
    await propertyCheck(count: 500, input: text) { text in
      // And the same bytes with every newline a carriage return, as Excel for Mac's older
      // "CSV" ends its lines: the reader then splits lines at carriage returns.
      for bytes in [text, text.map { $0 == 0x0A ? 0x0D : $0 }] {
        for chunkSize in [5, 64, 1 << 20] {
          let inPlace = Self.read(bytes, chunkSize: chunkSize, plainLinesInPlace: true)
          let libcsv = Self.read(bytes, chunkSize: chunkSize, plainLinesInPlace: false)
          #expect(inPlace == libcsv, "chunk size \(chunkSize): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
      }
    }
  }

  @Test func exportLinesReadTheSameEitherWay() {
    let export = [
      "nhs_number,drug_name,quantity\r\n",
      "9434765919,\"Paracetamol 500mg tablets, generic\",32\r\n",
      "9434765919,Salbutamol 100micrograms/dose inhaler,1\r\n",
      "\r\n",
      "9434765919,\"Beclometasone \"\"Clenil\"\"\",1\r\n",
      "9434765919,\"two\nlines\",1\n",
      "9434765919,,\n",
      ",,\n",
      "9434765919,\"\",1",
    ].joined()
    let bytes = Array(export.utf8)
    let inPlace = Self.read(bytes, chunkSize: 1 << 20, plainLinesInPlace: true)
    #expect(inPlace == Self.read(bytes, chunkSize: 1 << 20, plainLinesInPlace: false))
    #expect(inPlace.records.count == 8)
    #expect(inPlace.lines == [1, 2, 3, 5, 6, 8, 9, 10])
    #expect(inPlace.records[1][1] == Array("Paracetamol 500mg tablets, generic".utf8))
    #expect(inPlace.records[3][1] == Array("Beclometasone \"Clenil\"".utf8))
    #expect(inPlace.records[4][1] == Array("two\nlines".utf8))
    #expect(inPlace.records[5] == [Array("9434765919".utf8), [], []])
  }
}
