import SurveillanceCore

/// Colours of the charts, from the GOV.UK palette (designed for contrast on white). Each
/// colour is also named in the legend and paired with a shape or a letter.
enum ChartPalette {
  static let ink = "#0b0c0c"
  static let muted = "#505a5f"
  static let grid = "#dddcdb"
  static let stripe = "#f8f8f8"
  static let reliever = "#1d70b8"
  static let preventer = "#b35c00"
  static let nebule = "#4c2c92"
  static let withoutPrescription = "#d4351c"
  static let steroid = "#00703c"
  static let attack = "#942514"
  static let care = "#28a197"
  static let notBrought = "#6f777b"
  static let signal = "#0b0c0c"

  static func severity(_ severity: Severity) -> String {
    switch severity {
    case .review: return "#1d70b8"
    case .priority: return "#b35c00"
    case .urgent: return "#d4351c"
    }
  }

  /// Fill and border of a safeguarding plan's band.
  static func plan(_ type: PlanType) -> (fill: String, border: String) {
    switch type {
    case .childProtection, .unbornChildProtection: return ("#f6d7d2", "#d4351c")
    case .childInNeed: return ("#fff2a8", "#8a6d00")
    case .lookedAfter: return ("#d2efec", "#1f7a73")
    }
  }
}
