/// A GP or pharmacy export that holds a header and no rows is an extract that failed, not an
/// area where nothing was prescribed or dispensed. Read as given, it would make the other
/// side's every supply look unmatched: every GP preventer "not collected", every dispensing
/// "before any prescription". So a run refuses it, and says how to run without that side (the
/// rules that need it then do not run, as for an export not given at all).
public enum EmptySupplyExports {
  /// The refusal for the first supply kind whose given exports hold no rows between them, or
  /// `nil`. `exports`: every export of the run, with the data rows it holds.
  public static func failure(_ exports: [(path: String, kind: InputKind, rows: Int)]) -> String? {
    for kind in [InputKind.gpPrescriptions, .pharmacyDispensing] {
      let given = exports.filter { $0.kind == kind }
      guard !given.isEmpty, given.allSatisfy({ $0.rows == 0 }) else { continue }
      let files = given.map(\.path).joined(separator: ", ")
      return switch kind {
      case .pharmacyDispensing:
        "\(files): the pharmacy export holds no rows; read as given, every GP issue would look uncollected. Check the extract, or run without --pharmacy to evaluate the GP data alone (the rules that need dispensing data then do not run)"
      default:
        "\(files): the GP export holds no rows; read as given, every dispensing would look unprescribed. Check the extract, or run without --gp to evaluate the pharmacy data alone (the rules that need GP data then do not run)"
      }
    }
    return nil
  }

  /// ``failure(_:)`` for the files a run read.
  public static func failure(_ reports: [InputFileReport]) -> String? {
    failure(reports.map { (path: $0.path, kind: $0.kind, rows: $0.rowsRead) })
  }
}
