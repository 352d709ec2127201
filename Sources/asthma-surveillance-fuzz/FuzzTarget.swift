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
    // $ASTHMA_SURVEILLANCE_RULES, else the rules built into the target.
    do {
      return try RuleSource.locate(nil).load().readingTestData()
    } catch {
      fatalError("the fuzzer could not load its rules: \(error)")
    }
  }()

  static let context = DecodeContext(
    fileIndex: 0, latestEvaluationDate: CalendarDate(year: 2026, month: 11, day: 21)!,
    earliestEvaluationDate: CalendarDate(year: 2026, month: 11, day: 21)!, policy: rules.timeline)

  /// Reads `bytes` as each kind of export in turn; any disagreement between the reading
  /// paths stops the fuzzer with its description.
  static func run(_ bytes: [UInt8]) {
    let found = ReadingCrossCheck.disagreements(in: bytes, rules: rules, context: context)
    precondition(found.isEmpty, found.joined(separator: "; "))
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
