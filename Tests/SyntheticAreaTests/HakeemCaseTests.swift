import SurveillanceCore
import Testing

@testable import SyntheticArea

/// The case files hold what the Hakeem review publishes (data-samples/README.md lists each row
/// with its paragraph).
struct HakeemCaseTests {
  static let sixMonths = DateWindow(Period(months: 6), endingOn: HakeemTimeline.endDate)

  func rows(_ file: SyntheticFile) throws -> [[String: String]] {
    try GeneratedFiles(hakeemCase: ()).rows(file).map(\.fields)
  }

  func role(_ row: [String: String]) throws -> MedicineRole? {
    try Shipped.rules().formulary.classify(dmdCode: row["dmd_code"], bnfCode: row["bnf_code"], name: row["drug_name"])?.role
  }

  func dates(_ rows: [[String: String]], _ column: String) -> [CalendarDate] { rows.compactMap { $0[column].flatMap(CalendarDate.init(iso:)) } }

  @Test func eightRelieversAndFourPreventersInTheSixMonthsToHisDeath() throws {
    let issues = try rows(.gp)
    let relievers = dates(try issues.filter { try role($0) == .reliever }, "issue_date").filter(Self.sixMonths.contains)
    let preventers = dates(try issues.filter { try role($0) == .preventer }, "issue_date").filter(Self.sixMonths.contains)
    #expect(relievers.count == 8)  // para 12.15
    #expect(preventers.count == 4)  // para 12.15
  }

  @Test func nebulesTwiceFromTheGPInMayAndSeptember2017() throws {
    let nebules = dates(try rows(.gp).filter { try role($0) == .sabaNebule }, "issue_date")
    #expect(nebules.map { [$0.year, $0.month] } == [[2017, 5], [2017, 9]])  // para 12.13
  }

  @Test func twoOctoberRelieversWereHandedOutBeforeTheirPrescriptions() throws {
    let issued = dates(try rows(.gp).filter { try role($0) == .reliever }, "issue_date")
    let early = try rows(.pharmacy).filter { try role($0) == .reliever && ($0["prescription_id"] ?? "").isEmpty && $0["supply_type"] == "nhs_prescription" }
    let earlyDates = dates(early, "dispensed_date")
    #expect(earlyDates.count == 2 && earlyDates.allSatisfy { $0.year == 2017 && $0.month == 10 })  // para 12.15
    for date in earlyDates { #expect(issued.contains { (1...7).contains(date.days(to: $0)) }) }
  }

  @Test func thePharmacyAlsoMadeAnEmergencySupplyInTheAutumn() throws {
    let emergency = try rows(.pharmacy).filter { try role($0) == .reliever && $0["supply_type"] == "emergency_supply" }
    #expect(dates(emergency, "dispensed_date").map { [$0.year, $0.month] } == [[2017, 10]])  // para 12.15, Finding 5
  }

  @Test func neitherAdmissionWasFollowedByAReview() throws {
    let events = try rows(.careEvents)
    let admissions = dates(events.filter { $0["event_type"] == "hospital_admission" && $0["event_date"]!.hasPrefix("2017") }, "event_date")
    let reviews = dates(events.filter { $0["event_type"] == "asthma_review" }, "event_date")
    #expect(admissions.count == 2)  // paras 12.14, 13.3
    #expect(admissions[0].days(to: admissions[1]) <= 14)  // "admitted twice in the last two weeks"
    for admission in admissions { #expect(!reviews.contains { $0 > admission }) }
    #expect(reviews.contains(CalendarDate(year: 2017, month: 9, day: 22)!) && reviews.allSatisfy { $0 < admissions[0] })  // para 12.9
  }

  @Test func aChildInNeedPlanFromJulyAndAProtectionPlanFrom24November() throws {
    let plans = try rows(.safeguarding)
    let cin = try #require(plans.first { $0["plan_type"] == "CIN" })
    #expect(cin["start_date"]!.hasPrefix("2017-07") && cin["end_date"] == "")  // para 1.4
    #expect(plans.contains { $0["plan_type"] == "CPP" && $0["start_date"] == "2017-11-24" })  // para 1.4
  }

  @Test func everyCaseRowCitesAParagraph() {
    for fact in HakeemTimeline.facts { #expect(!fact.paragraph.isEmpty) }
  }
}
