import SurveillanceCore
import Testing

/// A child built from the published facts of the Hakeem serious case review (Birmingham,
/// 2022; background/000_50e882b137de18d5.txt). Exact days are invented where the review
/// gives only a month; each line cites the paragraph it comes from.
struct CaseReplayTests {
  static var hakeem: ChildBuilder {
    var child = ChildBuilder()
    child.birth = date("2010-03-01")  // seven years old in 2017 (para 1.3, 5.3)
    // Relievers and preventers through 2017; eight relievers and four preventers in the
    // last six months of his life (para 12.15), poor adherence to preventer (para 12.10).
    for day in ["2016-12-05", "2017-02-13", "2017-04-03", "2017-05-30", "2017-06-26", "2017-07-24", "2017-08-21", "2017-09-11"] {
      child.dispensed(.reliever, day)
    }
    child.dispensed(.reliever, "2017-10-30")
    for day in ["2017-01-16", "2017-06-05", "2017-08-14", "2017-09-25", "2017-11-06"] { child.dispensed(.preventer, day) }
    // Salbutamol nebules prescribed by the GP in May 2017 and September 2017 (para 12.13).
    child.issue(.sabaNebule, "2017-05-10")
    child.issue(.sabaNebule, "2017-09-20")
    // Inhalers issued by the pharmacist in October 2017, before prescriptions (para 12.15):
    // one as an emergency supply, one that a GP prescription later covered.
    child.dispense(.reliever, "2017-10-09", type: .emergencySupply, pharmacy: "FA2")
    child.dispense(.reliever, "2017-10-16", pharmacy: "FA2")
    child.issue(.reliever, "2017-10-20")
    // Full asthma assessment and written plan on 12 April 2017 (para 12.9); last GP
    // assessment 22 September 2017 (para 12.9).
    child.event(.asthmaReview, "2017-04-12")
    child.event(.actionPlanIssued, "2017-04-12", due: "2018-04-12")
    child.event(.asthmaReview, "2017-09-22")
    // Not brought to a follow-up appointment six days after a prescription in July (para 12.10).
    child.event(.wasNotBrought, "2017-07-30")
    // Two admissions in two weeks, September and October 2017, no review after (para 12.14, 13.3).
    child.event(.hospitalAdmission, "2017-09-28")
    child.event(.hospitalAdmission, "2017-10-08")
    // Child in Need plan from July 2017 (para 1.4); Child Protection Plan 24 November (para 1.4).
    child.plan(.childInNeed, "2017-07-10")
    child.plan(.childProtection, "2017-11-24")
    return child
  }

  static let weeks = ReplayStep.week.dates(from: date("2017-01-02"), to: date("2017-11-26"))

  func firstFirings(_ child: ChildBuilder) throws -> [String: FirstFiring] {
    let rules = try ShippedRules.load()
    let replay = Replay(evaluation: AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases)))
    let firings = replay.firstFirings(for: child.record, on: Self.weeks)
    return Dictionary(uniqueKeysWithValues: firings.map { ($0.first.ruleID, $0) })
  }

  @Test func nebulesFromTheGPAreSeenInMay2017() throws {
    let first = try #require(try firstFirings(Self.hakeem)["nebules-primary-care"]).first
    #expect(first.asOf.year == 2017 && first.asOf.month == 5)
  }

  /// The replay's weeks find the week; the day is the one the nebules were issued, whatever
  /// the schedule, so a weekly and a monthly replay agree to the day.
  @Test func nebulesAreDatedTheDayTheyWereIssuedNotTheReplayDateAfter() throws {
    let rules = try ShippedRules.load()
    let replay = Replay(evaluation: AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases)))
    for schedule in [Self.weeks, ReplayStep.month.dates(from: date("2016-11-26"), to: date("2017-11-26"))] {
      let firings = replay.firstFirings(for: Self.hakeem.record, on: schedule)
      let nebules = try #require(firings.first { $0.first.ruleID == "nebules-primary-care" })
      #expect(nebules.first.asOf == date("2017-05-10"))
      #expect(!nebules.alreadyFiringAtStart)
    }
  }

  @Test func everyFirstDateIsTheFirstDayTheSignalFiredOnADailyReplay() throws {
    let rules = try ShippedRules.load()
    let evaluation = AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases))
    let replay = Replay(evaluation: evaluation)
    let from = date("2017-01-02"), to = date("2017-11-26")
    let daily = replay.firstFirings(for: Self.hakeem.record, on: (0...from.days(to: to)).map { from.adding(days: $0) })
    let weekly = replay.firstFirings(for: Self.hakeem.record, on: Self.weeks)
    #expect(daily.count > 5)
    #expect(weekly.map(\.first.ruleID) == daily.map(\.first.ruleID))
    for (week, day) in zip(weekly, daily) {
      #expect(week.first.asOf == day.first.asOf, "\(week.first.ruleID)")
      #expect(week.highest.asOf == day.highest.asOf && week.highest.severity == day.highest.severity, "\(week.first.ruleID)")
      #expect(week.alreadyFiringAtStart == day.alreadyFiringAtStart, "\(week.first.ruleID)")
    }
  }

  @Test func aSignalFiringOnTheReplaysFirstDateWithTheRecordStartingEarlierSaysSo() throws {
    let rules = try ShippedRules.load()
    let replay = Replay(evaluation: AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases)))
    // By October 2017 the reliever over-use had been in the record since the summer.
    let late = ReplayStep.week.dates(from: date("2017-10-01"), to: date("2017-11-26"))
    let firings = Dictionary(uniqueKeysWithValues: replay.firstFirings(for: Self.hakeem.record, on: late).map { ($0.first.ruleID, $0) })
    let overuse = try #require(firings["reliever-overuse"])
    #expect(overuse.alreadyFiringAtStart && overuse.first.asOf == date("2017-10-01"))
    // The emergency supply of 2017-10-09 came after the replay began: an exact day.
    let emergency = try #require(firings["emergency-supply"])
    #expect(!emergency.alreadyFiringAtStart && emergency.first.asOf == date("2017-10-09"))
  }

  @Test func relieverOveruseAndLowPreventerRatioAreSeenByTheSummer() throws {
    let firings = try firstFirings(Self.hakeem)
    for rule in ["reliever-overuse", "low-preventer-ratio"] {
      let first = try #require(firings[rule], "\(rule) never fired").first
      #expect(first.asOf <= date("2017-08-31"), "\(rule) first fired \(first.asOf)")
    }
  }

  @Test func emergencySupplyAndAttackWithoutReviewAreSeenInTheAutumn() throws {
    let firings = try firstFirings(Self.hakeem)
    for rule in ["emergency-supply", "attack-without-review", "supply-before-prescription"] {
      let first = try #require(firings[rule], "\(rule) never fired").first
      #expect(first.asOf >= date("2017-09-01") && first.asOf <= date("2017-11-26"), "\(rule) first fired \(first.asOf)")
    }
  }

  @Test func fromTheStartOfTheChildInNeedPlanEverySignalCarriesSafeguardingContext() throws {
    let rules = try ShippedRules.load()
    let evaluation = AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases))
    let planStart = date("2017-07-10")
    for day in Self.weeks where day >= planStart {
      for signal in evaluation.firingRules(for: Self.hakeem.record, asOf: day) {
        #expect(signal.safeguarding?.plan.type == .childInNeed || signal.safeguarding?.plan.type == .childProtection, "\(signal.ruleID) on \(day)")
        #expect(signal.severity == signal.ruleSeverity.raised(by: 1))
        #expect(signal.route == rules.care.routeWithSafeguarding)
      }
    }
    // Before the plan, the same patterns carried no safeguarding context.
    for signal in evaluation.firingRules(for: Self.hakeem.record, asOf: date("2017-06-26")) {
      #expect(signal.safeguarding == nil, "\(signal.ruleID)")
    }
  }

  @Test func onTheDayHeDiedTheChildProtectionPlanTakesPrecedence() throws {
    let rules = try ShippedRules.load()
    let signals = AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases)).firingRules(for: Self.hakeem.record, asOf: date("2017-11-26"))
    #expect(!signals.isEmpty)
    #expect(signals.allSatisfy { $0.safeguarding?.plan.type == .childProtection })
  }

  /// Monthly preventer, two relievers a year, an annual review and a current plan.
  static var wellControlled: ChildBuilder {
    var child = ChildBuilder()
    child.nhs = TestNHS.number(2)
    for month in 1...12 { child.dispensed(.preventer, "2017-\(month < 10 ? "0" : "")\(month)-03") }
    child.dispensed(.reliever, "2017-02-10")
    child.dispensed(.reliever, "2017-09-10")
    child.event(.asthmaReview, "2017-03-01")
    child.event(.actionPlanReviewed, "2017-03-01", due: "2018-03-01")
    return child
  }

  /// Budesonide/formoterol as maintenance and reliever: many devices, no SABA.
  static var onMART: ChildBuilder {
    var child = ChildBuilder()
    child.nhs = TestNHS.number(3)
    for month in 1...12 {
      let day = "2017-\(month < 10 ? "0" : "")\(month)-05"
      child.dispensed(.icsFormoterol, day, devices: month % 3 == 0 ? 2 : 1)
    }
    child.event(.asthmaReview, "2017-06-01")
    child.event(.actionPlanIssued, "2017-06-01", due: "2018-06-01")
    return child
  }

  @Test func aWellControlledChildFiresNothing() throws {
    let rules = try ShippedRules.load()
    let signals = AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases)).firingRules(for: Self.wellControlled.record, asOf: date("2017-12-20"))
    #expect(signals.map(\.ruleID) == [])
  }

  /// The 13-year-old of issue 15: thirty 120-dose budesonide/formoterol inhalers in a year
  /// on MART, about ten inhalations a day, above the SmPC's eight: over-use of the one
  /// inhaler, and nothing about preventer under-supply.
  @Test func aChildOnMARTUsingThirtyInhalersAYearIsFlaggedForOverUse() throws {
    var child = ChildBuilder()
    child.nhs = TestNHS.number(4)
    child.birth = date("2004-06-01")
    var day = date("2016-11-25")
    for _ in 0..<30 {
      child.dispensed(.icsFormoterol, day.description)
      day = day.adding(days: 12)
    }
    let rules = try ShippedRules.load()
    let fired = AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases)).firingRules(for: child.record, asOf: date("2017-11-20"))
    #expect(fired.map(\.ruleID).contains("mart-overuse"))
    #expect(!fired.map(\.ruleID).contains("preventer-undersupply"))
    #expect(!fired.map(\.ruleID).contains("reliever-overuse"), "ICS/formoterol is never counted as a SABA")
  }

  /// Eight such inhalers a year cover the maintenance dose: no preventer under-supply, which
  /// a count of separate preventer inhalers (fewer than nine) wrongly raised.
  @Test func aChildOnMARTWithEightInhalersAYearIsNotUnderSupplied() throws {
    var child = ChildBuilder()
    child.nhs = TestNHS.number(5)
    child.birth = date("2004-06-01")
    child.dispensed(.icsFormoterol, "2016-11-10")
    var day = date("2016-12-10")
    for _ in 0..<8 {
      child.dispensed(.icsFormoterol, day.description)
      day = day.adding(days: 45)
    }
    let rules = try ShippedRules.load()
    let fired = AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases)).firingRules(for: child.record, asOf: date("2017-11-20"))
    #expect(!fired.map(\.ruleID).contains("preventer-undersupply"))
    #expect(!fired.map(\.ruleID).contains("mart-overuse"))
  }

  @Test func aChildOnMARTFiresNothing() throws {
    let rules = try ShippedRules.load()
    let evaluation = AreaEvaluation(rules: rules, inputs: Set(InputKind.allCases))
    let replay = Replay(evaluation: evaluation).firstFirings(for: Self.onMART.record, on: ReplayStep.month.dates(from: date("2017-06-01"), to: date("2017-12-20")))
    #expect(replay.map(\.first.ruleID) == [])
  }
}
