import CSVReading
import Foundation
import SurveillanceCore
import SurveillanceFrontend

/// libFuzzer entry point for the reading paths: libcsv through `CSVReader`, header
/// detection, and the row decoder with the shipped rules. Whatever the bytes, the reader must
/// return rows or a clean error, every row read must be accepted or rejected, reading plain
/// lines in place must give exactly what libcsv alone gives, a row the decoder's quick
/// check settles must decode to the same answer, and a row must decode alike from the reader's
/// bytes (read straight from them where plain) and from its fields as strings.
///
/// Build and run (see README, "Fuzzing"):
///   swift build -c release --product asthma-surveillance-fuzz --scratch-path .build-fuzz \
///     -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
///   .build-fuzz/release/asthma-surveillance-fuzz -max_total_time=600 fuzz-corpus Sources/asthma-surveillance-fuzz/corpus
enum FuzzHarness {
  static let rules: RuleSet = {
    let path = ProcessInfo.processInfo.environment["ASTHMA_SURVEILLANCE_RULES"] ?? "rules"
    do {
      return try RulesDirectory(url: URL(fileURLWithPath: path)).load()
    } catch {
      fatalError("the fuzzer needs the rules directory (run from the repository root): \(error)")
    }
  }()

  static let context = DecodeContext(
    fileIndex: 0, latestEvaluationDate: CalendarDate(year: 2026, month: 11, day: 21)!,
    earliestEvaluationDate: CalendarDate(year: 2026, month: 11, day: 21)!, policy: rules.timeline)

  /// The records, line numbers, summary and error of one read, to compare two reads by.
  static func transcript(_ bytes: [UInt8], plainLinesInPlace: Bool) -> String {
    var text = ""
    do {
      let summary = try CSVReader.read(bytes: bytes, source: "fuzz", chunkSize: 97, plainLinesInPlace: plainLinesInPlace) { record in
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

  /// Reads `bytes` as each kind of export in turn.
  static func run(_ bytes: [UInt8]) {
    precondition(
      transcript(bytes, plainLinesInPlace: true) == transcript(bytes, plainLinesInPlace: false),
      "reading plain lines in place differs from libcsv alone")
    for kind in InputKind.allCases {
      var decoder: RowDecoder?
      var textDecoder: RowDecoder?
      var read = 0
      var accepted = 0
      var rejected = 0
      do {
        try CSVReader.read(bytes: bytes, source: "fuzz", chunkSize: 97) { record in
          guard let decoder else {
            let layout = try ColumnLayout.detect(header: record.fields, kind: kind, profiles: rules.profiles, file: "fuzz")
            decoder = RowDecoder(layout: layout, formulary: rules.formulary, context: context)
            textDecoder = RowDecoder(layout: layout, formulary: rules.formulary, context: context)
            return
          }
          read += 1
          // The quick check the export reader makes first must agree with the full path.
          let settledQuickly = record.withSlices { decoder.isOtherMedicine($0) }
          let decoded = decoder.decode(record, line: record.lineNumber)
          if settledQuickly, case .outOfScope(.notAsthmaRelated) = decoded {} else if settledQuickly {
            preconditionFailure("a row settled quickly as another medicine decodes otherwise")
          }
          let decodedFromText = textDecoder!.decode(record.fields, line: record.lineNumber)
          precondition(sameOutcome(decoded, decodedFromText), "a row decodes differently from its bytes and from its text")
          switch decoded {
          case .rejected(let row):
            precondition(row.source.line >= 1, "a rejected row without a line")
            rejected += 1
          case .supply, .plan, .event, .outOfScope: accepted += 1
          }
        }
      } catch is CSVReadingError {
      } catch is InputError {
      } catch {
        fatalError("unexpected error type \(type(of: error)): \(error)")
      }
      precondition(read == accepted + rejected, "rows read \(read) != accepted \(accepted) + rejected \(rejected)")
    }
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  FuzzHarness.run(bytes)
  return 0
}

#if FUZZING
  @_silgen_name("LLVMFuzzerRunDriver")
  func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  /// SwiftPM names an executable's entry point after its module; hand it to libFuzzer's driver.
  @_cdecl("asthma_surveillance_fuzz_main")
  public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
  }
#else
  /// Without libFuzzer, replays files (a corpus, a crash) through the same harness:
  /// `asthma-surveillance-fuzz FILE...`.
  @main
  struct ReplayCorpus {
    static func main() {
      var count = 0
      for path in CommandLine.arguments.dropFirst() {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: path)).map { $0.map { path + "/" + $0 } } ?? [path]
        for file in files {
          guard let data = FileManager.default.contents(atPath: file) else { continue }
          FuzzHarness.run([UInt8](data))
          count += 1
        }
      }
      print("replayed \(count) input(s) through the reading paths without a crash")
    }
  }
#endif
