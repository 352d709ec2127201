import Foundation
import SurveillanceCore
import SurveillanceFrontend
import Testing

@testable import SyntheticArea

/// The tool's own reader, run over generated files: it rejects exactly the deliberately broken
/// rows, and reads back every planted pattern.
@Suite(.serialized)
struct ReadBackTests {
  static let kinds: [SyntheticFile: InputKind] = [
    .gp: .gpPrescriptions, .gpEMIS: .gpPrescriptions, .pharmacy: .pharmacyDispensing, .pharmacyPMR: .pharmacyDispensing,
    .safeguarding: .safeguarding, .safeguardingLA: .safeguarding, .careEvents: .careEvents, .careEventsEMIS: .careEvents,
  ]

  /// The small area, written and read back once for all tests here.
  static let readBack = Result { () throws -> (GeneratedFiles, [SyntheticFile: ExportContents]) in
    let generated = try GeneratedFiles(smallSpec)
    let directory = try temporaryDirectory("read-back")
    defer { try? FileManager.default.removeItem(at: directory) }
    try generated.write(to: directory)
    var contents: [SyntheticFile: ExportContents] = [:]
    for (index, file) in SyntheticFile.allCases.enumerated() {
      let export = ExportFile(path: directory.appendingPathComponent(file.fileName).path, kind: kinds[file]!)
      contents[file] = try ExportReader.read(export, index: index, rules: try Shipped.rules(), earliest: smallSpec.asOf, latest: smallSpec.asOf)
    }
    return (generated, contents)
  }

  @Test(arguments: SyntheticFile.allCases)
  func theToolRejectsExactlyTheBrokenRows(file: SyntheticFile) throws {
    let (generated, contents) = try Self.readBack.get()
    let rejected = try #require(contents[file]).rejects.map { Int($0.source.line) }
    #expect(rejected == generated.summary.brokenLines[file] ?? [], "\(file.fileName): rejects and planned broken rows differ")
  }

  @Test func theRealWorldLayoutsAreReadWithTheirProfiles() throws {
    let (_, contents) = try Self.readBack.get()
    #expect(contents[.gpEMIS]?.report.profile == "emis-web-gp")
    #expect(contents[.gpEMIS]?.report.encoding == "utf-8-bom")
    #expect(contents[.pharmacyPMR]?.report.profile == "pharmacy-pmr")
    #expect(contents[.pharmacyPMR]?.report.encoding == "windows-1252")
  }

  @Test func thePharmacyHistoryIsWindows1252WithCRLFAndAPoundSign() throws {
    let (generated, _) = try Self.readBack.get()
    let bytes = try #require(generated.bytes[.pharmacyPMR])
    #expect(bytes.contains(0xA3), "no £ in Windows-1252")
    #expect(!zip(bytes, bytes.dropFirst()).contains { $0 == (0xC2, 0xA3) }, "a £ was written as UTF-8")
    let lineFeeds = bytes.enumerated().filter { $0.element == 0x0A }
    #expect(!lineFeeds.isEmpty && lineFeeds.allSatisfy { $0.offset > 0 && bytes[$0.offset - 1] == 0x0D })
    #expect(Array(generated.bytes[.gpEMIS]!.prefix(3)) == [0xEF, 0xBB, 0xBF])
  }

  @Test func namesWithCommasAreQuoted() throws {
    let (generated, _) = try Self.readBack.get()
    let names = try generated.rows(.gp).compactMap { $0.fields["drug_name"] }
    #expect(names.contains { $0.contains(",") })
  }

  // MARK: Planted patterns

  struct Child {
    var supplies: [Supply]
    var plans: [SafeguardingPlan]
    var events: [CareEvent]

    func devices(_ role: MedicineRole, side: SupplySide, within window: DateWindow) -> Int {
      supplies.filter { $0.role == role && $0.side == side && window.contains($0.date) }.reduce(0) { $0 + $1.devices }
    }
  }

  static let year = DateWindow(Period(months: 12), endingOn: smallSpec.asOf)
  static let halfYear = DateWindow(Period(months: 6), endingOn: smallSpec.asOf)

  static func children() throws -> [(PlantedChild, Child)] {
    let (generated, contents) = try readBack.get()
    var records = AreaRecords()
    for export in contents.values { records.merge(export.records) }
    let byNumber = Dictionary(uniqueKeysWithValues: records.finished().records.map { ($0.nhsNumber.description, $0) })
    return generated.summary.planted.map { planted in
      let record = byNumber[planted.nhsNumber]
      return (planted, Child(supplies: record?.supplies ?? [], plans: record?.plans ?? [], events: record?.events ?? []))
    }
  }

  @Test(arguments: PlantedPattern.allCases)
  func everyPlantedPatternReadsBackAsPlanted(pattern: PlantedPattern) throws {
    let children = try Self.children().filter { $0.0.pattern == pattern }
    #expect(!children.isEmpty, "no child with \(pattern.rawValue)")
    let year = Self.year
    for (planted, child) in children {
      let relievers = child.devices(.reliever, side: .gpIssue, within: year)
      let preventers = child.devices(.preventer, side: .gpIssue, within: year)
      let events = child.events.filter { year.contains($0.date) }
      let why = "\(pattern.rawValue) child \(planted.nhsNumber)"
      switch pattern {
      case .wellControlled:
        #expect((10...13).contains(preventers) && relievers <= 2, "\(why): \(preventers) preventers, \(relievers) relievers")
        #expect(events.contains { $0.type == .asthmaReview } && events.contains { $0.type == .actionPlanIssued }, "\(why)")
      case .relieverThreeToFive: #expect((3...5).contains(relievers), "\(why): \(relievers)")
      case .relieverSixToTwelve: #expect((6...12).contains(relievers), "\(why): \(relievers)")
      case .relieverOverTwelve: #expect((13...20).contains(relievers), "\(why): \(relievers)")
      case .lowPreventerRatio: #expect(preventers > 0 && preventers < relievers, "\(why): \(preventers) vs \(relievers)")
      case .preventerNotCollected:
        let dispensed = child.devices(.preventer, side: .dispensing, within: year)
        #expect(preventers >= dispensed + 5, "\(why): \(preventers) issued, \(dispensed) dispensed")
      case .nebulesFromGP:
        #expect(child.supplies.contains { $0.role == .sabaNebule && $0.side == .gpIssue && year.contains($0.date) }, "\(why)")
      case .emergencySupply:
        #expect(child.supplies.contains { $0.supplyType?.isWithoutPrescription == true && $0.role == .reliever && Self.halfYear.contains($0.date) }, "\(why)")
      case .suppliedBeforePrescription:
        let issues = child.supplies.filter { $0.side == .gpIssue && $0.role == .reliever }
        let early = child.supplies.filter { dispensing in
          dispensing.side == .dispensing && dispensing.role == .reliever
            && issues.contains { (2...7).contains(dispensing.date.days(to: $0.date)) }
        }
        #expect(!early.isEmpty, "\(why)")
      case .manyPharmacies:
        let pharmacies = Set(child.supplies.filter { $0.side == .dispensing && $0.role == .reliever && Self.halfYear.contains($0.date) }.map(\.siteCode))
        #expect(pharmacies.count >= 3, "\(why): \(pharmacies.count) pharmacies")
      case .oralSteroidCourses:
        let courses = child.supplies.filter { $0.role == .oralSteroid && $0.side == .gpIssue && year.contains($0.date) }.count
        #expect((2...4).contains(courses), "\(why): \(courses)")
      case .attackWithReview, .attackWithoutReview:
        let attacks = events.filter { [.edAttendance, .hospitalAdmission, .outOfHoursTreatment].contains($0.type) }
        #expect(!attacks.isEmpty, "\(why)")
        for attack in attacks {
          let reviewed = child.events.contains { $0.type == .asthmaReview && (1...3).contains(attack.date.days(to: $0.date)) }
          #expect(reviewed == (pattern == .attackWithReview), "\(why): attack on \(attack.date)")
        }
      case .wasNotBrought: #expect(events.filter { $0.type == .wasNotBrought }.count >= 2, "\(why)")
      case .mart:
        #expect(relievers == 0 && child.devices(.icsFormoterol, side: .gpIssue, within: year) >= 12, "\(why)")
      case .noRecentReview: #expect(!events.contains { $0.type == .asthmaReview }, "\(why)")
      case .relieverWithoutPreventer:
        #expect(relievers >= 2 && !child.supplies.contains { $0.product.containsICS || $0.role == .preventer }, "\(why)")
      case .labaAlone: #expect(child.supplies.contains { $0.role == .labaAlone }, "\(why)")
      case .hakeemLike:
        #expect(child.supplies.filter { $0.role == .sabaNebule && $0.side == .gpIssue }.count == 2, "\(why)")
        #expect(child.devices(.reliever, side: .gpIssue, within: Self.halfYear) >= 7, "\(why)")
        #expect(Set(child.plans.map(\.type)).isSuperset(of: [.childInNeed, .childProtection]), "\(why)")
        #expect(events.filter { $0.type == .hospitalAdmission }.count == 2, "\(why)")
      }
    }
  }

  @Test func everyPlantedSafeguardingStatusHasItsPlan() throws {
    for (planted, child) in try Self.children() where ![.none, .caseTimeline].contains(planted.safeguarding) {
      let expected: PlanType = planted.safeguarding == .childInNeed ? .childInNeed : planted.safeguarding == .lookedAfter ? .lookedAfter : .childProtection
      #expect(child.plans.contains { $0.type == expected }, "\(planted.nhsNumber): \(planted.safeguarding.rawValue)")
    }
  }
}
