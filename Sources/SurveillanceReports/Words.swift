import SurveillanceCore

/// The tool's vocabulary in plain words for readers who are not its engineers: analysts,
/// case reviewers, clinicians. Words only: no threshold or clinical value lives here.
enum Words {
  static func role(_ role: MedicineRole) -> String {
    switch role {
    case .reliever: return "Reliever inhaler"
    case .preventer: return "Preventer"
    case .icsFormoterol: return "Steroid/formoterol inhaler (MART or AIR)"
    case .sabaNebule: return "Salbutamol nebules"
    case .otherNebule: return "Other nebules"
    case .oralSteroid: return "Oral steroid"
    case .labaAlone: return "Long-acting bronchodilator without steroid"
    case .spacer: return "Spacer or device"
    case .unclassified: return "Respiratory product the tool could not classify"
    case .other: return "Other"
    }
  }

  static func status(_ status: SupplyStatus) -> String {
    switch status {
    case .dispensed: return "prescribed and dispensed"
    case .suppliedBeforePrescription: return "supplied before the prescription"
    case .emergencySupply: return "emergency supply (no prescription)"
    case .noPrescriptionFound: return "no prescription found"
    case .prescribedElsewhere: return "prescribed elsewhere"
    case .privatePrescription: return "private prescription"
    case .issuedNotDispensed: return "issued, never dispensed"
    case .awaitingCollection: return "issued, awaiting collection"
    case .issued: return "issued (no pharmacy data to say if dispensed)"
    }
  }

  static func event(_ type: CareEventType) -> String {
    switch type {
    case .diagnosis: return "Asthma diagnosis"
    case .asthmaReview: return "Asthma review"
    case .actionPlanIssued: return "Personal asthma action plan issued"
    case .actionPlanReviewed: return "Personal asthma action plan reviewed"
    case .inhalerTechniqueCheck: return "Inhaler technique check"
    case .edAttendance: return "Emergency department attendance"
    case .hospitalAdmission: return "Hospital admission"
    case .outOfHoursTreatment: return "Out-of-hours treatment"
    case .wasNotBrought: return "Not brought to an appointment"
    }
  }

  static func plan(_ type: PlanType) -> String {
    switch type {
    case .childProtection: return "Child protection plan"
    case .childInNeed: return "Child in need plan"
    case .lookedAfter: return "Looked after"
    case .unbornChildProtection: return "Unborn child protection plan"
    }
  }

  static func input(_ kind: InputKind) -> String {
    switch kind {
    case .gpPrescriptions: return "GP prescribing"
    case .pharmacyDispensing: return "Pharmacy dispensing"
    case .safeguarding: return "Safeguarding plans"
    case .careEvents: return "Asthma care events"
    }
  }

  /// What a run cannot see without this input: said in the data limits of every report.
  static func missing(_ kind: InputKind) -> String {
    switch kind {
    case .gpPrescriptions:
      return "No GP prescribing export: what the practice prescribed, and supplies made before a prescription, cannot be seen; pharmacy supplies show as having no prescription found."
    case .pharmacyDispensing:
      return "No pharmacy dispensing export: whether prescriptions were collected, emergency supplies and supplies before a prescription cannot be seen."
    case .safeguarding:
      return "No safeguarding export: child protection, child in need and looked-after plans cannot be seen, so no signal carries safeguarding context and none is raised for it."
    case .careEvents:
      return "No care events export: reviews, action plans, attendances, admissions and missed appointments cannot be seen, and the rules that need them did not run."
    }
  }

  static func step(_ step: ReplayStep) -> String { step == .week ? "every week" : "every month" }

  static func exclusion(_ exclusion: Exclusion, population: PopulationWords) -> String {
    switch exclusion {
    case .adult: return "was \(population.adult) on the report date, so no signal rule was evaluated"
    case .noDateOfBirth: return "has no date of birth on any row, so whether this is a child cannot be known and no signal rule was evaluated"
    case .inactive: return "had no asthma supply or care event in the \(population.activeWindow) before the report date, so no signal rule was evaluated on that date"
    case .notYetBorn: return "was not yet born on the report date"
    }
  }

  /// "January 2017".
  static func month(_ date: CalendarDate) -> String { "\(monthNames[date.month - 1]) \(date.year)" }

  /// "Jan".
  static func shortMonth(_ date: CalendarDate) -> String { String(monthNames[date.month - 1].prefix(3)) }

  static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
  ]

  /// Whole numbers without decimals, others with two decimals cut toward zero (as signals
  /// print them, so a ratio below a threshold never prints as the threshold).
  static func number(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "n/a" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    let scaled = Int((value * 100).rounded(.towardZero))
    let sign = scaled < 0 ? "-" : ""
    let magnitude = abs(scaled)
    let fraction = magnitude % 100
    return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }

  /// "a", "a and b", "a, b and c".
  static func list(_ items: [String]) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " and " + items.last!
  }

  static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : (plural ?? singular + "s"))"
  }
}
