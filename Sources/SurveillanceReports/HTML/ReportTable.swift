import SurveillanceCore

/// A table that a report shows and, for area reports, also writes as CSV: one definition,
/// so the figures on paper and in the spreadsheet cannot drift apart.
public struct ReportTable: Sendable {
  public struct Column: Sendable {
    public var title: String
    /// The CSV header: a short machine-friendly name.
    public var csvName: String
    public var isNumeric: Bool
    /// Printed sideways: for wide tables of small numbers, such as a month by signal grid.
    public var isVertical: Bool
    /// Cells kept on one line: dates and months.
    public var keepsOnOneLine: Bool

    public init(_ title: String, csv: String, numeric: Bool = false, vertical: Bool = false, oneLine: Bool = false) {
      self.title = title
      self.csvName = csv
      self.isNumeric = numeric
      self.isVertical = vertical
      self.keepsOnOneLine = oneLine
    }

    var cellClass: String {
      [isNumeric ? "number" : nil, keepsOnOneLine ? "nowrap" : nil].compactMap { $0 }.joined(separator: " ")
    }
  }

  /// What the table shows, as a sentence: the caption on screen.
  public var caption: String
  /// The CSV file it is written to beside the HTML, if any.
  public var csvFileName: String?
  public var columns: [Column]
  /// Cells as text; the first cell of each row heads the row.
  public var rows: [[String]]
  /// Said in place of the table when there are no rows.
  public var emptyText: String

  public init(caption: String, csvFileName: String? = nil, columns: [Column], rows: [[String]], emptyText: String = "None.") {
    self.caption = caption
    self.csvFileName = csvFileName
    self.columns = columns
    self.rows = rows
    self.emptyText = emptyText
  }

  /// CSV text, each cell neutralised for spreadsheets (CSVOutput).
  public var csv: String {
    var output = CSVOutput(header: columns.map(\.csvName))
    for row in rows { output.append(row) }
    return output.text
  }

  /// The table as HTML: a caption, column headers with `scope="col"`, and the first cell of
  /// each row as a row header with `scope="row"`, so a screen reader announces both.
  var html: HTMLFragment {
    HTMLFragment { html in
      guard !rows.isEmpty else {
        html.element("p", ["class": "muted"], "\(caption): \(emptyText)")
        html.newline()
        return
      }
      html.element("div", ["class": "wide"]) { html in
        html.element("table") { html in
          html.newline()
          html.element("caption", caption)
          html.newline()
          html.element("thead") { html in
            html.element("tr") { html in
              for column in columns {
                html.element("th", ["scope": "col", "class": Self.headerClass(column)], column.title)
              }
            }
          }
          html.newline()
          html.element("tbody") { html in
            for row in rows {
              html.element("tr") { html in
                for (index, cell) in row.enumerated() {
                  let column = columns[index]
                  if index == 0 {
                    html.element("th", ["scope": "row", "class": column.cellClass], cell)
                  } else {
                    html.element("td", ["class": column.cellClass], cell)
                  }
                }
              }
              html.newline()
            }
          }
        }
      }
      html.newline()
    }
  }

  private static func headerClass(_ column: Column) -> String {
    [column.isNumeric ? "number" : nil, column.isVertical ? "vertical" : nil].compactMap { $0 }.joined(separator: " ")
  }
}
