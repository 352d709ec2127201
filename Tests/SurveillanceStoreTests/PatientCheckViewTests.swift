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
      let check = PatientCheck(nhsNumber: child.summary.nhsNumber, asOf: contents.manifest.asOf, source: .store(runStartedAt: "2026-11-22T02:00:00Z"), child: child,
        definitions: RecordDefinitions(try SampleRun.rules.get()))
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

  @Test func monthsCountDevicesNebulesEmergencySuppliesAndAttackDays() throws {
    let rules = try SampleRun.rules.get()
    let asOf = CalendarDate(iso: "2026-11-21")!
    let nhs = NHSNumber("9434765919")!
    func supply(_ date: String, _ role: MedicineRole, devices: Int = 1, type: SupplyType = .nhsPrescription, line: Int) -> Supply {
      Supply(
        side: .dispensing, nhsNumber: nhs, dateOfBirth: nil, date: CalendarDate(iso: date)!, siteCode: "F1", productKey: "k\(role)",
        drugName: "d", product: ProductClassification(role: role, classID: "x", containsICS: false, matchedBy: .dmdCode), quantity: Double(devices),
        quantityUnit: .device, devices: devices, prescriptionID: nil, supplyType: type, issueType: nil, source: SourceRef(file: 1, line: line))
    }
    func event(_ date: String, _ type: CareEventType, line: Int) -> CareEvent {
      CareEvent(nhsNumber: nhs, date: CalendarDate(iso: date)!, type: type, snomedCode: nil, nextReviewDue: nil, source: SourceRef(file: 2, line: line))
    }
    let record = ChildRecord(
      nhsNumber: nhs, dateOfBirth: CalendarDate(iso: "2018-01-01")!,
      supplies: [
        supply("2025-11-30", .reliever, line: 2),  // before the first month shown
        supply("2025-12-01", .reliever, devices: 2, line: 3),
        supply("2026-03-15", .icsFormoterol, line: 4), supply("2026-03-16", .preventer, devices: 2, line: 5),
        supply("2026-05-02", .sabaNebule, line: 6), supply("2026-05-03", .otherNebule, line: 7),
        supply("2026-11-20", .reliever, type: .emergencySupply, line: 8),
      ],
      events: [
        event("2026-07-01", .edAttendance, line: 2), event("2026-07-01", .hospitalAdmission, line: 3),
        event("2026-07-09", .outOfHoursTreatment, line: 4), event("2026-07-10", .asthmaReview, line: 5),
      ])
    let timeline = ChildTimeline(record: record, asOf: asOf, inputs: [.pharmacyDispensing, .careEvents], policy: rules.timeline)
    let months = timeline.lastTwelveMonths(courseMergeDays: rules.formulary.courseMergeDays)
    #expect(months.count == 12)
    #expect(months.first?.month.description == "2025-12-01")
    #expect(months.last?.month.description == "2026-11-01")
    #expect(months.map(\.relieverDevices) == [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    #expect(months.map(\.preventerDevices) == [0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0])
    #expect(months.map(\.nebuleIssues) == [0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0])
    #expect(months.map(\.emergencySupplies) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    #expect(months.map(\.attacks) == [0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0], "two events on one day are one attack")
    #expect(months.map(\.asthmaReviews) == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
    // The months add up to the figures of children.csv over the same twelve months.
    let window = DateWindow(start: months[0].month, end: asOf)
    for (path, metric) in [(\MonthlyCounts.relieverDevices, Metric.relieverDevices), (\.preventerDevices, .preventerDevices),
      (\.nebuleIssues, .nebuleIssues), (\.emergencySupplies, .emergencySupplies), (\.attacks, .attacks)] {
      #expect(Double(months.reduce(0) { $0 + $1[keyPath: path] }) == timeline.figure(metric, in: window, courseMergeDays: 7).value, "\(metric)")
    }
  }

  static func strippingEscapes(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
  }
}
