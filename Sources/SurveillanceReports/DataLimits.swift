import SurveillanceCore

/// The "limits of this data" section every report ends with: which exports were read and
/// what they gave, which were missing and what that hides, and what no export can show.
enum DataLimits {
  /// What the tool cannot see whatever it is given. Plain statements about the data, said
  /// in every report so that an absence of signals is never read as an absence of concern.
  static let alwaysUnseen = [
    "Supplies from practices or pharmacies whose exports were not given: another area, a hospital or walk-in centre pharmacy, a pharmacy the family used once.",
    "Whether a medicine was used, or used properly: a supply is not a dose taken.",
    "Hospital care and hospital prescriptions, except where they appear in the care events or the pharmacy exports.",
    "Anything recorded only in free text, letters, or other agencies' records: concerns, conversations, home visits.",
    "Child in need plans unless the local authority's own list is given: the national system (CP-IS) holds child protection and looked-after plans only.",
  ]

  /// - Parameter disclosureControl: in a report that does not identify children, row counts
  ///   below its threshold are shown as "fewer than" it, as its children's counts are: a few
  ///   rejected rows of one export can be one child's.
  static func render(_ html: inout HTMLText, coverage: DataCoverage, dateStatements: [String], disclosureControl: DisclosureControl? = nil) {
    func shown(_ count: Int) -> String {
      guard let threshold = disclosureControl?.suppressBelow, (1..<threshold).contains(count) else { return String(count) }
      return PublishedCount.fewerThan(threshold).text
    }
    func rows(_ count: Int) -> String {
      guard let threshold = disclosureControl?.suppressBelow, (1..<threshold).contains(count) else { return Words.count(count, "row") }
      return "\(PublishedCount.fewerThan(threshold).text) rows"
    }
    html.element("section", ["aria-labelledby": "limits"]) { html in
      html.newline()
      html.element("h2", ["id": "limits"], "Limits of this data")
      html.newline()
      let table = ReportTable(
        caption: "Exports read (\(Words.count(coverage.files.count, "file")))",
        columns: [
          .init("File", csv: "file"), .init("Kind", csv: "kind"), .init("Layout", csv: "profile"),
          .init("Rows read", csv: "rows_read", numeric: true), .init("Rows rejected", csv: "rows_rejected", numeric: true),
          .init("Rows set aside", csv: "rows_set_aside", numeric: true),
        ],
        rows: coverage.files.map { file in
          [
            file.path, Words.input(file.kind), file.profile, shown(file.rowsRead), shown(file.rowsRejected),
            shown(file.outOfScope.values.reduce(0, +)),
          ]
        })
      html.append(table.html)
      html.element("ul") { html in
        for statement in dateStatements { html.element("li", statement) }
        html.element("li", "\(shown(coverage.rowsRejected)) of \(shown(coverage.rowsRead)) rows in these exports were rejected in this run (an invalid NHS number, date, quantity or product; a nightly run lists each in rejects.csv with its reason). A rejected row cannot be tied to a child with certainty, so some may belong to the children in this report.")
        html.element("li", "Rows set aside were valid but outside the picture: medicines that are not for asthma, adults, and rows dated after the report date.")
        let unclassified = coverage.files.reduce(0) { $0 + $1.unclassifiedRespiratoryRows }
        if unclassified > 0 {
          html.element("li", "\(rows(unclassified)) in these exports named a respiratory product the tool could not classify (a nightly run lists each product in unclassified-products.csv). Such supplies appear in a chronology but no figure or signal counts them, so a child's figures may understate what was supplied.")
        }
        let conflicts = coverage.files.reduce(0) { $0 + $1.codeNameConflictRows }
        if conflicts > 0 {
          html.element("li", "\(rows(conflicts)) gave a product code and a name that disagree; the role that can raise a signal was used.")
        }
      }
      html.newline()
      let missing = coverage.missingKinds
      if missing.isEmpty {
        html.element("p", "All four kinds of export were present: GP prescribing, pharmacy dispensing, safeguarding plans and asthma care events.")
      } else {
        html.element("p") { html in html.element("strong", "Missing exports.") }
        html.element("ul") { html in
          for kind in missing { html.element("li", Words.missing(kind)) }
        }
      }
      html.newline()
      html.element("p") { html in html.element("strong", "What the tool cannot see, whatever it is given.") }
      html.element("ul") { html in
        for statement in alwaysUnseen { html.element("li", statement) }
      }
      html.newline()
    }
    html.newline()
  }
}
