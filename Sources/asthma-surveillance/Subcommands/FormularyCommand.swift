import ArgumentParser
import Foundation
import SurveillanceCore
import SurveillanceFrontend

extension AsthmaSurveillance {
  struct FormularyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "formulary",
      abstract: "Classify a dm+d release into a product table to review and pin, and see what a new release changed.",
      subcommands: [Build.self, Diff.self])
  }
}

extension AsthmaSurveillance.FormularyCommand {
  struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Classify every product of an NHSBSA dm+d release and write the asthma products as a product table.",
      discussion: HelpText.discussion(
        """
        The table (CSV, after '#' lines naming the release) has one row per dm+d code (VMP, AMP, VMPP, AMPP, and \
        the old code of a re-coded VMP) with its class, role, pack size and the reason. Pin it by copying it into \
        rules/formulary/ and naming it as "product_table" in formulary.json; compare it with last week's with \
        `formulary diff`.
        """, ["asthma-surveillance formulary build --dmd nhsbsa_dmd_12.0.0_20261130000001.zip --out rules/formulary/products.csv"]))

    @OptionGroup var logging: LogOptions

    @Option(name: .long, help: ArgumentHelp("The rules directory.", discussion: RulesOptions.defaultRulesHelp, valueName: "dir"))
    var rules: String?

    @Option(name: .long, help: ArgumentHelp("The NHSBSA dm+d release: its zip, or the folder it unzips to (with the BNF SNOMED mapping .xlsx if wanted).", valueName: "path"))
    var dmd: String

    @Option(name: .long, help: ArgumentHelp("The product table to write (CSV).", valueName: "file"))
    var out: String

    func run() throws {
      let formulary = try RuleSource.locate(rules).load(pinnedProductTable: false).formulary
      let started = Date()
      let release = try DMDReleaseReader.read(dmd)
      let table = formulary.productTable(for: release)
      try ProductTableOutput.write(table.csv, to: out)
      let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
      Log.info("dm+d release \(table.release.name) (\(table.release.date?.description ?? "date unknown")): \(table.productsRead) products read in \(seconds) s")
      var roles: [MedicineRole: Int] = [:]
      for row in table.rows { roles[row.role, default: 0] += 1 }
      let counts = MedicineRole.allCases.compactMap { role in roles[role].map { "\($0) \(role.rawValue)" } }
      Log.info("\(table.rows.count) asthma products: \(counts.joined(separator: ", "))")
      let disagreements = table.rows.filter { $0.codelistClass != nil }.count
      if disagreements > 0 {
        Log.info("\(disagreements) product(s) the codelists put in another class (see codelist_class; the codelists' class is used)")
      }
      Log.info("wrote the product table to \(out)")
    }
  }

  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "What a new product table adds, removes and changes against an old one.",
      discussion: HelpText.discussion(
        "Prints one line per change, then a count; exits 0 whether or not anything changed.",
        ["asthma-surveillance formulary diff last-week.csv this-week.csv"]))

    @OptionGroup var logging: LogOptions

    @Argument(help: ArgumentHelp("The old product table.", valueName: "old"))
    var old: String

    @Argument(help: ArgumentHelp("The new product table.", valueName: "new"))
    var new: String

    func run() throws {
      let before = try ProductTableFile.read(URL(fileURLWithPath: old), named: old)
      let after = try ProductTableFile.read(URL(fileURLWithPath: new), named: new)
      let changes = ProductTable.changes(from: before, to: after)
      var text = "\(before.release.name) (\(before.release.date?.description ?? "?")) -> \(after.release.name) (\(after.release.date?.description ?? "?"))\n"
      for change in changes {
        text += "\(change.kind.rawValue) \(change.level.rawValue) \(change.code) \(change.name): \(change.differences.joined(separator: "; "))\n"
      }
      let counted = ProductTable.Change.Kind.allCases.map { kind in "\(changes.filter { $0.kind == kind }.count) \(kind.rawValue)" }
      text += "\(counted.joined(separator: ", "))\n"
      FileHandle.standardOutput.write(Data(text.utf8))
    }
  }
}

/// Writes a product table: atomically (a temporary file, then a rename), readable by others,
/// since it holds no patient data and is meant to be reviewed and committed under `rules/`.
enum ProductTableOutput {
  static func write(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw ValidationError("--out \(path) is a directory; give a file name such as dmd-products.csv")
    }
    let folder = url.deletingLastPathComponent()
    guard FileManager.default.fileExists(atPath: folder.path) else { throw ValidationError("--out: the folder \(folder.path) does not exist") }
    let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    guard FileManager.default.createFile(atPath: temporary.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]) else {
      throw ValidationError("--out: cannot write in \(folder.path)")
    }
    guard rename(temporary.path, url.path) == 0 else {
      try? FileManager.default.removeItem(at: temporary)
      throw ValidationError("--out: cannot replace \(path)")
    }
  }
}
