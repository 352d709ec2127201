import SurveillanceCore

/// What synthetic area to generate: how many patients, how many rows, which seed, as of when.
///
/// The same spec always gives the same bytes: the committed samples and benchmark inputs are
/// reproducible from the command that made them.
public struct AreaSpec: Sendable {
  /// Patients registered in the area, of every age, in the canonical files.
  public var patients: Int
  /// Rows the canonical GP export must reach, padded with adults' non-respiratory issues; `nil`
  /// for the rows the patients give on their own.
  public var gpRows: Int?
  /// Rows the canonical pharmacy export must reach, padded the same way.
  public var pharmacyRows: Int?
  public var seed: UInt64
  /// The day the exports were taken: no row is dated after it, and the planted patterns sit in
  /// the twelve months before it.
  public var asOf: CalendarDate
  /// Which files to write.
  public var layouts: Layouts
  /// Whether to add the deliberately broken rows (about 0.7% of supply rows) that a run must
  /// reject and report.
  public var brokenRows: Bool
  /// Share of the patients who are children with asthma, in percent. Far above the real share
  /// (about 1 in 11 children, 2% of everyone) so that a small sample holds every pattern; at
  /// benchmark scale the padding rows bring respiratory rows down to a few percent.
  public var childrenWithAsthmaPercent: Int
  /// Product variety, quoting and prescription ids (``AreaShape``); the default is today's shape.
  public var shape: AreaShape

  public init(
    patients: Int, gpRows: Int? = nil, pharmacyRows: Int? = nil, seed: UInt64, asOf: CalendarDate,
    layouts: Layouts = .canonical, brokenRows: Bool = true, childrenWithAsthmaPercent: Int = 27, shape: AreaShape = AreaShape()
  ) {
    self.patients = patients
    self.gpRows = gpRows
    self.pharmacyRows = pharmacyRows
    self.seed = seed
    self.asOf = asOf
    self.layouts = layouts
    self.brokenRows = brokenRows
    self.childrenWithAsthmaPercent = childrenWithAsthmaPercent
    self.shape = shape
  }

  /// Which files a generation writes.
  public enum Layouts: String, Sendable, CaseIterable {
    /// The four files in the tool's own schema.
    case canonical
    /// Those, and a second, smaller cohort (another practice and the pharmacies near it) in
    /// the layouts real systems export: EMIS-Web-style GP issues, a pharmacy PMR history, a
    /// local authority plan list and EMIS-style care events.
    case all
  }

  /// The most patients a spec may ask for: the NHS test range has a million numbers, a tenth of
  /// them invalid, and the real-world cohort and the case files need their own.
  public static let maximumPatients = 800_000

  /// The real-world cohort's size: a tenth of the area, at least 60 patients so that every
  /// pattern has a chance to appear in it.
  var realWorldPatients: Int { max(60, patients / 10) }
}
