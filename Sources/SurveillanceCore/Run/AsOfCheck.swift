/// Whether the as-of date looks wrong for the exports: a typed year (2020 for 2026) puts
/// every row after it, and a run that sets them all aside as not yet known reports an area
/// with no children and no signals, quietly.
public enum AsOfCheck {
  /// The warning when more of the exports' accepted rows are dated after `asOf` than were
  /// used, or `nil`.
  public static func warning(_ reports: [InputFileReport], asOf: CalendarDate) -> String? {
    let later = reports.reduce(0) { $0 + ($1.outOfScope[.notYetKnown] ?? 0) }
    let used = reports.reduce(0) { $0 + $1.used }
    guard later > used else { return nil }
    return "\(later) of the exports' rows are dated after the as-of date \(asOf), and only \(used) were used: check --as-of"
  }
}
