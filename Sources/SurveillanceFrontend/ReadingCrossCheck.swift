import CSVReading
import Foundation
import SurveillanceCore

/// The reading paths held to each other on any bytes: libcsv through `CSVReader`, header
/// detection and the row decoder with the given rules. Whatever the bytes, reading must give
/// rows or a clean error; every row read must be accepted or rejected, with its line; reading
/// plain lines in place must give exactly what libcsv alone gives; a row the export reader's
/// quick check settles as another medicine must decode to that; and a row must decode alike
/// from the reader's bytes and from its fields as strings.
///
/// Shared by the libFuzzer target (`asthma-surveillance-fuzz`), which runs it for as long as
/// it is given, and a bounded test in `swift test` over the seed corpus and seeded mutations
/// of it.
public enum ReadingCrossCheck {
  /// Every way the paths disagreed on `bytes`; empty when they agree.
  public static func disagreements(in bytes: [UInt8], rules: RuleSet, context: DecodeContext) -> [String] {
    var found: [String] = []
    if transcript(bytes, plainLinesInPlace: true) != transcript(bytes, plainLinesInPlace: false) {
      found.append("reading plain lines in place differs from libcsv alone")
    }
    for kind in InputKind.allCases {
      var decoder: RowDecoder?
      var textDecoder: RowDecoder?
      var read = 0
      var accepted = 0
      var rejected = 0
      do {
        try CSVReader.read(bytes: bytes, source: "cross-check", chunkSize: 97) { record in
          guard let decoder else {
            let layout = try ColumnLayout.detect(header: record.fields, kind: kind, profiles: rules.profiles, file: "cross-check")
            decoder = RowDecoder(layout: layout, formulary: rules.formulary, context: context)
            textDecoder = RowDecoder(layout: layout, formulary: rules.formulary, context: context)
            return
          }
          read += 1
          let settledQuickly = record.withSlices { decoder.isOtherMedicine($0) }
          let decoded = decoder.decode(record, line: record.lineNumber)
          if settledQuickly, case .outOfScope(.notAsthmaRelated) = decoded {} else if settledQuickly {
            found.append("\(kind.rawValue) line \(record.lineNumber): settled quickly as another medicine, decodes otherwise")
          }
          let decodedFromText = textDecoder!.decode(record.fields, line: record.lineNumber)
          if !sameOutcome(decoded, decodedFromText) {
            found.append("\(kind.rawValue) line \(record.lineNumber): decodes differently from its bytes and from its text")
          }
          switch decoded {
          case .rejected(let row):
            if row.source.line < 1 { found.append("\(kind.rawValue): a rejected row without a line") }
            rejected += 1
          case .supply, .plan, .event, .outOfScope: accepted += 1
          }
        }
      } catch is CSVReadingError {
      } catch is InputError {
      } catch {
        found.append("\(kind.rawValue): unexpected error type \(type(of: error)): \(error)")
      }
      if read != accepted + rejected { found.append("\(kind.rawValue): rows read \(read) != accepted \(accepted) + rejected \(rejected)") }
    }
    return found
  }

  /// The records, line numbers, summary and error of one read, to compare two reads by.
  static func transcript(_ bytes: [UInt8], plainLinesInPlace: Bool) -> String {
    var text = ""
    do {
      let summary = try CSVReader.read(bytes: bytes, source: "cross-check", chunkSize: 97, plainLinesInPlace: plainLinesInPlace) { record in
        text += "\(record.lineNumber):"
        for index in 0..<record.count { text += record.withBytes(at: index) { " \(Array($0))" } }
        text += "\n"
      }
      text += "\(summary)"
    } catch {
      text += "error: \(error)"
    }
    return text
  }

  /// Whether two decodings of a row came to the same.
  static func sameOutcome(_ first: DecodedRow, _ second: DecodedRow) -> Bool {
    switch (first, second) {
    case (.supply(let a), .supply(let b)): a == b
    case (.plan(let a), .plan(let b)): a == b
    case (.event(let a), .event(let b)): a == b
    case (.outOfScope(let a), .outOfScope(let b)): a == b
    case (.rejected(let a), .rejected(let b)): a == b
    default: false
    }
  }
}
