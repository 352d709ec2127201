import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SurveillanceReports
import Testing

/// What an attack is and who is in the population are said once, in `rules/timeline.json`:
/// the figures, the rule on attacks without a review, the pharmacist's chart and the reports'
/// words all follow a change to that file.
struct ClinicalDefinitionTests {
  static let embedded = try! ShippedRules.load()

  /// The shipped rules with `timeline.json` changed by `edit`.
  static func rules(editingTimeline edit: (inout [String: Any]) -> Void) throws -> RuleSet {
    var files = try RuleSourceFiles.shipped()
    let original = try #require(files["timeline.json"])
    var timeline = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
    edit(&timeline)
    files["timeline.json"] = try JSONSerialization.data(withJSONObject: timeline)
    return try RuleSource.inMemory(files, name: "edited").load(pinnedProductTable: false)
  }

  static let nhs = NHSNumber("9434765919")!
  static func event(_ day: String, _ type: CareEventType, line: Int) -> CareEvent {
    CareEvent(nhsNumber: nhs, date: date(day), type: type, snomedCode: nil, nextReviewDue: nil, source: SourceRef(file: 0, line: line))
  }
  /// An out-of-hours visit and, later, an A&E attendance, neither followed by a review.
  static let child = ChildRecord(
    nhsNumber: nhs, dateOfBirth: date("2016-03-01"),
    events: [event("2026-09-01", .outOfHoursTreatment, line: 2), event("2026-10-20", .edAttendance, line: 3)])
  static let asOf = date("2026-11-21")

  static func attacks(_ rules: RuleSet) -> Double? {
    ChildTimeline(record: child, asOf: asOf, inputs: Set(InputKind.allCases), policy: rules.timeline)
      .value(.attacks, over: Period(months: 12), courseMergeDays: rules.formulary.courseMergeDays)
  }

  @Test func theRuleOnAttacksWithoutAReviewFollowsUpTheEventsTheFigureCounts() throws {
    let rule = try #require(Self.embedded.signals.first { $0.id == "attack-without-review" })
    let level = try #require(rule.levels.first)
    guard case .eventWithoutFollowUp(let condition) = level.when else {
      Issue.record("attack-without-review is no longer an event-without-follow-up rule")
      return
    }
    #expect(condition.events == Self.embedded.timeline.eventGroups.attack)
    #expect(Self.embedded.timeline.eventGroups.attack == [.edAttendance, .hospitalAdmission, .outOfHoursTreatment])
  }

  @Test func aNarrowerAttackDefinitionChangesTheFigureTheRuleAndThePharmacistsChart() throws {
    let narrower = try Self.rules { timeline in
      var groups = timeline["event_groups"] as! [String: Any]
      groups["attack"] = ["ed_attendance", "hospital_admission"]
      timeline["event_groups"] = groups
    }
    #expect(Self.attacks(Self.embedded) == 2)
    #expect(Self.attacks(narrower) == 1)

    func evidence(_ rules: RuleSet) -> [SourceRef]? {
      AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases)).firingRules(for: Self.child, asOf: Self.asOf)
        .first { $0.ruleID == "attack-without-review" }?.evidence
    }
    #expect(evidence(Self.embedded) == [SourceRef(file: 0, line: 2), SourceRef(file: 0, line: 3)])
    #expect(evidence(narrower) == [SourceRef(file: 0, line: 3)], "the out-of-hours visit is no longer an attack")

    #expect(PatientCheckText.attackWords(Self.embedded.timeline.eventGroups.attack) == "A&E, admission or out-of-hours treatment")
    #expect(PatientCheckText.attackWords(narrower.timeline.eventGroups.attack) == "A&E or admission")
  }

  @Test func aRuleNamingAnUnknownGroupIsRefusedWithTheGroupsThereAre() throws {
    var files = try RuleSourceFiles.shipped()
    let path = "signals/attack-without-review.json"
    let text = String(decoding: try #require(files[path]), as: UTF8.self).replacingOccurrences(of: "\"events\": \"attack\"", with: "\"events\": \"attacks\"")
    files[path] = Data(text.utf8)
    #expect {
      try RuleSource.inMemory(files, name: "edited").load(pinnedProductTable: false)
    } throws: { error in
      "\(error)".contains("unknown event group 'attacks'; name one of attack, hospital_attendance")
    }
  }

  @Test func thePopulationIsWordedFromTheRules() throws {
    #expect(PopulationWords(Self.embedded.timeline).rule == "under 18, with an asthma supply or care event in the 12 months before")
    let younger = try Self.rules { timeline in
      timeline["child_age_under_years"] = 16
      timeline["active_within"] = "P6M"
    }
    #expect(PopulationWords(younger.timeline).rule == "under 16, with an asthma supply or care event in the 6 months before")
    #expect(PopulationWords(younger.timeline).adult == "16 or over")
  }
}

/// The repository's rules folder as files by path, to change one before loading.
enum RuleSourceFiles {
  static func shipped() throws -> [String: Data] {
    let root = repositoryRoot.appendingPathComponent("rules")
    var files: [String: Data] = [:]
    let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]))
    for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
      files[String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))] = try Data(contentsOf: url)
    }
    return files
  }
}
