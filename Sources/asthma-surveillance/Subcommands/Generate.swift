import ArgumentParser
import CSVReading
import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SyntheticArea

#if canImport(Glibc)
  import Glibc
#endif

extension AreaSpec.Layouts: ExpressibleByArgument {}
extension AreaShape.ProductCodeStyle: ExpressibleByArgument {}

extension AsthmaSurveillance {
  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a synthetic area's exports (all synthetic, NHS numbers from the test range).",
      discussion: HelpText.discussion(
        """
        Children with asthma get planted histories (well controlled, reliever over-use, preventers not \
        collected, nebules from the GP, emergency supplies, attacks without review, MART, safeguarding \
        plans, the Hakeem review's pattern...); adults and other children fill the rest. The same options \
        always write the same bytes. Products come from rules/codelists, classified by rules/formulary.
        The shape options change how the area looks, not how big it is; left out, they give the bytes \
        generate has always written.
        """, [
          "asthma-surveillance generate --out synthetic --patients 2000 --seed 7",
          "asthma-surveillance generate --out wide --patients 500000 --children-percent 8 --rows 10000000 --other-products 300 --product-codes arbitrary --quoted-names-percent 18 --no-prescription-ids",
        ]))

    @OptionGroup var logging: LogOptions

    @OptionGroup var rules: RulesOptions

    @Option(help: ArgumentHelp("Output directory (created owner-only; files are written 0600).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Patients in the area, of every age (at most 800000).", valueName: "n"))
    var patients: Int = 1500

    @Option(help: ArgumentHelp("Pad gp.csv and pharmacy.csv with adults' non-respiratory rows to this many rows each.", valueName: "n"))
    var rows: Int?

    @Option(name: .customLong("pharmacy-rows"), help: ArgumentHelp("Pad pharmacy.csv to this many rows instead of --rows (the GP:pharmacy ratio).", valueName: "n"))
    var pharmacyRows: Int?

    @Option(name: .customLong("children-percent"), help: ArgumentHelp("Share of the patients who are children with asthma, in percent (0 to 88).", valueName: "p"))
    var childrenPercent: Int = 27

    @Option(name: .customLong("other-products"), help: ArgumentHelp("Made-up non-respiratory products the padding rows also draw from.", valueName: "n"))
    var otherProducts: Int = 0

    @Option(name: .customLong("product-codes"), help: ArgumentHelp("How the made-up products are coded: bnf (a BNF code only) or arbitrary (a made-up dm+d code too).", valueName: "bnf|arbitrary"))
    var productCodes: AreaShape.ProductCodeStyle = .bnf

    @Option(name: .customLong("quoted-names-percent"), help: ArgumentHelp("Percent of the made-up products whose name has a comma (a quoted CSV field).", valueName: "p"))
    var quotedNamesPercent: Int = 0

    @Flag(inversion: .prefixedNo, help: "Give issues and dispensings prescription ids (most of them, as EPS does).")
    var prescriptionIds = true

    @Option(help: ArgumentHelp("Seed: the same seed and options give the same bytes.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The day the exports were taken (YYYY-MM-DD); nothing is dated after it.", valueName: "date"))
    var asOf: CalendarDate = CalendarDate(year: 2026, month: 11, day: 21)!

    @Option(help: ArgumentHelp("canonical: gp, pharmacy, safeguarding, care-events; all: also a second cohort in EMIS, PMR and local authority layouts.", valueName: "canonical|all"))
    var layouts: AreaSpec.Layouts = .canonical

    @Flag(inversion: .prefixedNo, help: "Add about 0.7% deliberately broken supply rows for a run to reject.")
    var brokenRows = true

    @Option(name: .customLong("case"), help: ArgumentHelp("Instead of an area, write one published case's timeline (hakeem).", valueName: "name"))
    var caseName: CaseName?

    enum CaseName: String, ExpressibleByArgument, CaseIterable { case hakeem }

    func validate() throws {
      guard (1...AreaSpec.maximumPatients).contains(patients) else {
        throw ValidationError("--patients must be between 1 and \(AreaSpec.maximumPatients) (the NHS test range holds no more)")
      }
      if let rows, rows < 0 { throw ValidationError("--rows must not be negative") }
      if let pharmacyRows, pharmacyRows < 0 { throw ValidationError("--pharmacy-rows must not be negative") }
      guard (0...88).contains(childrenPercent) else { throw ValidationError("--children-percent must be between 0 and 88 (12% are other children)") }
      guard otherProducts >= 0 else { throw ValidationError("--other-products must not be negative") }
      guard (0...100).contains(quotedNamesPercent) else { throw ValidationError("--quoted-names-percent must be between 0 and 100") }
    }

    func run() throws {
      let catalogue = try ProductCatalogueLoader.load(RuleSource.locate(rules.rules))
      let output = try GeneratedFileWriter(directory: out)
      let summary: GenerationSummary
      if caseName == .hakeem {
        summary = try output.write(HakeemCase.files) { HakeemCase.generate(catalogue: catalogue, into: $0) }
      } else {
        let shape = AreaShape(otherProducts: otherProducts, productCodes: productCodes, quotedNamesPercent: quotedNamesPercent, prescriptionIDs: prescriptionIds)
        let spec = AreaSpec(
          patients: patients, gpRows: rows, pharmacyRows: pharmacyRows ?? rows, seed: seed, asOf: asOf, layouts: layouts, brokenRows: brokenRows,
          childrenWithAsthmaPercent: childrenPercent, shape: shape)
        let area = SyntheticArea(spec: spec, catalogue: catalogue)
        summary = try output.write(area.files) { area.generate(into: $0) }
      }
      try output.writeAnswerKey(summary.answerKey)
      for line in summary.lines { print(line) }
      if let rows, let gp = summary.rows[.gp], gp > rows {
        Log.info("the patients alone give \(gp) GP rows, more than --rows \(rows); nothing was padded")
      }
    }
  }
}

/// The product catalogue from the rules: the formulary, its definition and its codelists.
enum ProductCatalogueLoader {
  static func load(_ rules: RuleSource) throws -> ProductCatalogue {
    let formulary = try rules.load().formulary
    let (definition, codelists) = try rules.formularyFiles()
    let catalogue = ProductCatalogue(definition: definition, codelists: codelists, formulary: formulary)
    if !catalogue.missingUses.isEmpty {
      throw GenerateError.missingProducts(classes: catalogue.missingUses)
    }
    return catalogue
  }
}

/// Streams generated text into files, owner-only (0600), each written under a temporary name
/// and renamed into place when complete, so that a failed run leaves no half-written export.
struct GeneratedFileWriter {
  let directory: OutputDirectory

  init(directory path: String) throws {
    directory = try OutputDirectory(path: path)
  }

  func write(_ files: [SyntheticFile], generating: ((SyntheticFile, String) -> Void) -> GenerationSummary) throws -> GenerationSummary {
    var handles: [SyntheticFile: FileHandle] = [:]
    var renamed = false
    defer {
      for handle in handles.values { try? handle.close() }
      if !renamed { for file in handles.keys { unlink(temporaryPath(file)) } }
    }
    for file in files {
      let path = temporaryPath(file)
      let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
      guard descriptor >= 0 else { throw GenerateError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
      handles[file] = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
      // O_CREAT's mode does not apply to a file left by an earlier run.
      guard fchmod(descriptor, 0o600) == 0 else { throw GenerateError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }
    var failure: (any Error)?
    let summary = generating { file, text in
      guard failure == nil, let handle = handles[file] else { return }
      do { try handle.write(contentsOf: file.encode(text)) } catch { failure = error }
    }
    if let failure { throw GenerateError.cannotWrite(path: directory.url.path, reason: "\(failure)") }
    for file in files { try handles[file]?.synchronize() }
    for file in files {
      guard rename(temporaryPath(file), directory.url.appendingPathComponent(file.fileName).path) == 0 else {
        throw GenerateError.cannotWrite(path: file.fileName, reason: String(cString: strerror(errno)))
      }
    }
    renamed = true
    return summary
  }

  /// `planted.csv`: which pattern each child with asthma was given (the answer key, not an export).
  func writeAnswerKey(_ text: String) throws {
    do {
      try directory.write(text, to: "planted.csv")
    } catch {
      throw GenerateError.cannotWrite(path: "planted.csv", reason: error.description)
    }
  }

  private func temporaryPath(_ file: SyntheticFile) -> String {
    directory.url.appendingPathComponent(".\(file.fileName).tmp-\(getpid())").path
  }
}

/// Why `generate` could not write its files.
enum GenerateError: Error, CustomStringConvertible {
  /// The formulary gives no product for a class the generator plants.
  case missingProducts(classes: [String])
  /// A file could not be created, written or renamed into place.
  case cannotWrite(path: String, reason: String)

  var description: String {
    switch self {
    case .missingProducts(let classes):
      return "rules/formulary gives no products for the classes \(classes.joined(separator: ", ")): the generator cannot plant them"
    case let .cannotWrite(path, reason):
      return "\(path): cannot write: \(reason)"
    }
  }
}
