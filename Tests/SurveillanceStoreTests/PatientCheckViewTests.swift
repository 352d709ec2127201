import Foundation
import SurveillanceCore
import SurveillanceFrontend
import SurveillanceStore
import Testing

/// The patient check's view of a stored child: the traffic light, the months, the words.
/// (Here rather than in a Frontend test target because it reads what the store hands back.)
@Suite struct PatientCheckViewTests {
  @Test(arguments: [
    (Severity?.none, TrafficLight.green), (.review, .amber), (.priority, .amber), (.urgent, .red),
  ])
  func theTrafficLightFollowsTheHighestSeverity(_ highest: Severity?, _ light: TrafficLight) {
    #expect(TrafficLight(highest: highest) == light)
  }

  @Test func everySampleChildReadsWithinEightyColumnsAndColourNeverReplacesWords() throws {
    let contents = try SampleRun.contents()
    for child in contents.children.prefix(120) {
      let check = PatientCheck(nhsNumber: child.summary.nhsNumber, asOf: contents.manifest.asOf, source: .store(runStartedAt: "2026-11-22T02:00:00Z"), child: StoredChild(child),
        eventGroups: try SampleRun.rules.get().timeline.eventGroups)
      let plain = PatientCheckText(colour: false).render(check)
      let coloured = PatientCheckText(colour: true).render(check)
      for line in plain.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
      #expect(!plain.contains("\u{1B}"))
      let light = try #require(check.record?.trafficLight)
      #expect(coloured.contains("\u{1B}["))
      #expect(plain.contains("\(light.rawValue): "), "the light is spelled out")
      #expect(Self.strippingEscapes(coloured) == plain, "colour adds nothing but escapes")
    }
  }

  @Test func monthsCountDevicesNebulesEmergencySuppliesAndAttackDays() {
    let asOf = CalendarDate(iso: "2026-11-21")!
    func supply(_ date: String, _ role: MedicineRole, devices: Int = 1, status: SupplyStatus = .dispensed) -> StoredSupply {
      StoredSupply(
        status: status, date: CalendarDate(iso: date)!, role: role, devices: devices, classID: "x", productKey: "k", drugName: "d",
        quantity: 1, quantityUnit: nil, supplyType: nil, prescriptionID: nil, practiceCode: nil, issueDate: nil, issueSource: nil,
        pharmacyCode: nil, dispensingSource: nil)
    }
    let nhs = NHSNumber("9434765919")!
    func event(_ date: String, _ type: CareEventType) -> CareEvent {
      CareEvent(nhsNumber: nhs, date: CalendarDate(iso: date)!, type: type, snomedCode: nil, nextReviewDue: nil, source: SourceRef(file: 0, line: 2))
    }
    let months = MonthTally.lastTwelveMonths(
      supplies: [
        supply("2025-11-30", .reliever),  // before the first month shown
        supply("2025-12-01", .reliever, devices: 2),
        supply("2026-03-15", .icsFormoterol), supply("2026-03-16", .preventer, devices: 2),
        supply("2026-05-02", .sabaNebule), supply("2026-05-03", .otherNebule),
        supply("2026-11-20", .reliever, status: .emergencySupply),
      ],
      events: [event("2026-07-01", .edAttendance), event("2026-07-01", .hospitalAdmission), event("2026-07-09", .outOfHoursTreatment), event("2026-07-10", .asthmaReview)],
      asOf: asOf, attackTypes: [.edAttendance, .hospitalAdmission, .outOfHoursTreatment])
    #expect(months.count == 12)
    #expect(months.first?.month.description == "2025-12-01")
    #expect(months.last?.month.description == "2026-11-01")
    #expect(months.map(\.relievers) == [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    #expect(months.map(\.preventers) == [0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0])
    #expect(months.map(\.nebules) == [0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0])
    #expect(months.map(\.emergencySupplies) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    #expect(months.map(\.attacks) == [0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0], "two events on one day are one attack")
  }

  static func strippingEscapes(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
  }
}
