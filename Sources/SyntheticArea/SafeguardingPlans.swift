import SurveillanceCore

/// Safeguarding plans planted on top of a child's history (DOMAIN.md section 2).
extension PatientPlanner {
  /// Safeguarding plans for a child, as the local authority lists them.
  mutating func plantSafeguarding(_ status: PlantedSafeguarding) {
    let categories: [(String?, Int)] = [("neglect", 6), ("emotional abuse", 2), ("physical abuse", 1), ("multiple", 1)]
    switch status {
    case .none, .caseTimeline:
      return
    case .childInNeed:
      plan(.childInNeed, category: nil, from: notBeforeBirth(daysAgo(30...330)), to: nil)
    case .childProtection:
      plan(.childProtection, category: generator.pick(weighted: categories), from: notBeforeBirth(daysAgo(30...700)), to: nil)
    case .childProtectionEndedRecently:
      let end = daysAgo(20...330)
      plan(.childProtection, category: generator.pick(weighted: categories), from: notBeforeBirth(end.adding(days: -generator.int(200...500))), to: end)
    case .childProtectionEndedLongAgo:
      let end = max(daysAgo(400...1500), person.dateOfBirth.adding(days: 200))
      plan(.childProtection, category: generator.pick(weighted: categories), from: notBeforeBirth(end.adding(days: -generator.int(200...600))), to: end)
    case .lookedAfter:
      plan(.lookedAfter, category: nil, from: notBeforeBirth(daysAgo(60...1500)), to: nil)
    }
  }

  func notBeforeBirth(_ date: CalendarDate) -> CalendarDate { max(date, person.dateOfBirth.adding(days: 14)) }
}
