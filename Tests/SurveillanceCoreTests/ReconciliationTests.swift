import SurveillanceCore
import Testing

struct ReconciliationTests {
  func statuses(_ child: ChildBuilder, asOf: String, inputs: Set<InputKind> = Set(InputKind.allCases)) -> [SupplyStatus] {
    child.timeline(asOf: asOf, inputs: inputs).supplies.map(\.status)
  }

  @Test func dispensingWithTheSamePrescriptionIDFillsTheIssueAndCountsOnce() {
    var child = ChildBuilder()
    child.issue(.reliever, "2017-03-01", id: "A1")
    child.dispense(.reliever, "2017-03-03", id: "A1")
    let timeline = child.timeline(asOf: "2017-06-01")
    #expect(timeline.supplies.map(\.status) == [.dispensed])
    #expect(timeline.supplies[0].date == date("2017-03-03"))
    #expect(timeline.supplies[0].sources.count == 2)
    #expect(timeline.value(.relieverDevices, months: 12) == 1)
  }

  @Test func withoutIDsTheSameProductWithinTheWindowMatches() {
    var child = ChildBuilder()
    child.issue(.reliever, "2017-03-01")
    child.dispense(.reliever, "2017-03-20")
    #expect(statuses(child, asOf: "2017-06-01") == [.dispensed])
  }

  @Test func aDispensingTooLongAfterTheIssueDoesNotMatchIt() {
    var child = ChildBuilder()
    child.issue(.reliever, "2017-01-01")
    child.dispense(.reliever, "2017-03-01")
    #expect(statuses(child, asOf: "2017-06-01") == [.issuedNotDispensed, .noPrescriptionFound])
  }

  /// With the pharmacy exports beginning on a known day (`nightly --pharmacy-from`), an
  /// unfilled GP issue before it is unknown, as without pharmacy data; from that day it is
  /// judged as ever, and a dispensing still fills an issue from before it.
  @Test func anIssueBeforeThePharmacyDataBeginsIsNotJudgedNotDispensed() {
    var child = ChildBuilder()
    child.issue(.preventer, "2017-01-10")
    child.issue(.preventer, "2017-02-20", id: "RX9")
    child.dispense(.preventer, "2017-03-02", id: "RX9")
    child.issue(.preventer, "2017-04-10")
    let from = ChildBuilder.policy.withPharmacyData(from: date("2017-03-01"))
    let timeline = ChildTimeline(record: child.record, asOf: date("2017-06-01"), inputs: Set(InputKind.allCases), policy: from)
    #expect(timeline.supplies.map(\.status) == [.issued, .dispensed, .issuedNotDispensed])
    #expect(statuses(child, asOf: "2017-06-01") == [.issuedNotDispensed, .dispensed, .issuedNotDispensed], "without the day, as before")
  }

  @Test func differentPrescriptionIDsNeverMatch() {
    var child = ChildBuilder()
    child.issue(.reliever, "2017-03-01", id: "A1")
    child.dispense(.reliever, "2017-03-02", id: "B2")
    #expect(statuses(child, asOf: "2017-06-01") == [.issuedNotDispensed, .prescribedElsewhere])
  }

  @Test func aSupplyFollowedByAGPIssueIsASupplyBeforePrescription() {
    var child = ChildBuilder()
    child.dispense(.reliever, "2017-10-02")
    child.issue(.reliever, "2017-10-09")
    #expect(statuses(child, asOf: "2017-11-01") == [.suppliedBeforePrescription])
  }

  @Test func beforeTheGPIssueExistedTheSameSupplyHadNoPrescription() {
    var child = ChildBuilder()
    child.dispense(.reliever, "2017-10-02")
    child.issue(.reliever, "2017-10-09")
    // As of 5 October the later issue is not yet known: the supply had no prescription.
    #expect(statuses(child, asOf: "2017-10-05") == [.noPrescriptionFound])
  }

  @Test func emergencySuppliesAreNeverMatchedToIssues() {
    var child = ChildBuilder()
    child.issue(.reliever, "2017-03-01")
    child.dispense(.reliever, "2017-03-02", type: .emergencySupply)
    #expect(statuses(child, asOf: "2017-06-01") == [.issuedNotDispensed, .emergencySupply])
    #expect(child.timeline(asOf: "2017-06-01").value(.suppliesWithoutPrescription, months: 6) == 1)
    #expect(child.timeline(asOf: "2017-06-01").value(.emergencySupplies, months: 6) == 1)
  }

  @Test func anIssueWithinTheCollectionGracePeriodIsAwaitingCollection() {
    var child = ChildBuilder()
    child.issue(.preventer, "2017-05-20")
    #expect(statuses(child, asOf: "2017-06-01") == [.awaitingCollection])
    #expect(statuses(child, asOf: "2017-07-01") == [.issuedNotDispensed])
  }

  @Test func withoutPharmacyDataAnIssueIsJustIssued() {
    var child = ChildBuilder()
    child.issue(.preventer, "2017-01-20")
    let inputs: Set<InputKind> = [.gpPrescriptions]
    #expect(statuses(child, asOf: "2017-06-01", inputs: inputs) == [.issued])
    #expect(child.timeline(asOf: "2017-06-01", inputs: inputs).value(.issuedNotDispensed, months: 12) == nil)
  }

  @Test func aMatchByDateNeverTakesAnIssueThatAnotherDispensingNamesByID() {
    var child = ChildBuilder()
    child.dispense(.reliever, "2017-10-01")  // handed over first; the GP issue follows on 11 Oct
    child.issue(.reliever, "2017-10-05", id: "B")
    child.dispense(.reliever, "2017-10-05", id: "B")
    child.issue(.reliever, "2017-10-11")
    let timeline = child.timeline(asOf: "2017-11-20")
    #expect(timeline.supplies.map(\.status) == [.suppliedBeforePrescription, .dispensed])
    #expect(timeline.value(.relieverDevices, months: 12) == 2)
    #expect(timeline.value(.issuedNotDispensed, months: 12) == 0)
  }

  @Test func severalDispensingsCanFillOnePrescription() {
    var child = ChildBuilder()
    child.issue(.preventer, "2017-03-01", devices: 2, id: "P")
    child.dispense(.preventer, "2017-03-01", id: "P")
    child.dispense(.preventer, "2017-03-20", id: "P")
    #expect(statuses(child, asOf: "2017-06-01") == [.dispensed, .dispensed])
  }

  @Test func productMatchIsPreferredOverRoleMatch() {
    var child = ChildBuilder()
    child.issue(.reliever, "2017-03-01", key: "salbutamol")
    child.issue(.reliever, "2017-03-05", key: "terbutaline")
    child.dispense(.reliever, "2017-03-06", key: "salbutamol")
    let timeline = child.timeline(asOf: "2017-06-01")
    let matched = timeline.supplies.first { $0.status == .dispensed }
    #expect(matched?.issue?.productKey == "salbutamol")
  }
}

struct DeduplicationTests {
  @Test func theSameExportLoadedTwiceCountsEachSupplyOnce() {
    var child = ChildBuilder()
    child.dispensed(.reliever, "2017-03-01")
    var area = AreaRecords()
    for supply in child.supplies { area.add(supply) }
    for var supply in child.supplies {
      supply.source.file += 10  // the same rows from a second copy of each file
      area.add(supply)
    }
    let (records, duplicates) = area.finished()
    #expect(records.count == 1)
    #expect(records[0].supplies.count == 2)
    #expect(duplicates.values.reduce(0, +) == 2)
  }

  @Test func twoIdenticalInhalersOnOneDayInOneExportAreTwoSupplies() {
    var child = ChildBuilder()
    child.issue(.reliever, "2017-03-01")
    child.issue(.reliever, "2017-03-01")  // one for home, one for school
    var area = AreaRecords()
    for supply in child.supplies { area.add(supply) }
    var overlapping = child.supplies[0]
    overlapping.source.file = 5  // an overlapping export holds one of them
    area.add(overlapping)
    let (records, duplicates) = area.finished()
    #expect(records[0].supplies.count == 2)
    #expect(duplicates == [5: 1])
  }

  /// An extract appended to a running file: four collected relievers, each issue and each
  /// dispensing twice in one export. Counting by row made them eight relievers, a
  /// priority over-use signal and four prescriptions "never dispensed".
  @Test func theSamePrescriptionIDTwiceOnOneSideOfOneExportIsOneSupply() {
    var child = ChildBuilder()
    for day in ["2017-01-10", "2017-03-10", "2017-05-10", "2017-07-10"] { child.dispensed(.reliever, day) }
    var area = AreaRecords()
    for supply in child.supplies { area.add(supply) }
    for var supply in child.supplies {
      supply.source.line += 1000  // the same rows again, further down the same file
      area.add(supply)
    }
    let (records, duplicates) = area.finished()
    #expect(records[0].supplies.count == 8)
    #expect(duplicates == [0: 4, 1: 4])
    let timeline = ChildTimeline(record: records[0], asOf: date("2017-09-01"), inputs: Set(InputKind.allCases), policy: ChildBuilder.policy)
    #expect(timeline.supplies.count == 4)
    #expect(timeline.supplies.allSatisfy { $0.status == .dispensed })
    #expect(timeline.supplies.map(\.devices).reduce(0, +) == 4)
  }

  /// The kept row is the first by file and line, even when a later copy sits in an earlier
  /// export; rows of one prescription for two different products are two supplies.
  @Test func repeatedPrescriptionItemsKeepTheFirstRowAndOtherItemsStay() {
    var child = ChildBuilder()
    child.issue(.reliever, "2017-01-10", id: "RX-A", key: "salbutamol")
    child.issue(.preventer, "2017-01-10", id: "RX-A", key: "clenil")
    var repeated = child.supplies[0]
    repeated.source = SourceRef(file: 2, line: 7)
    repeated.date = date("2017-01-12")
    var area = AreaRecords()
    for supply in child.supplies + [repeated] { area.add(supply) }
    let (records, duplicates) = area.finished()
    #expect(records[0].supplies.map(\.productKey) == ["salbutamol", "clenil"])
    #expect(records[0].supplies[0].date == date("2017-01-10"))
    #expect(duplicates == [2: 1])
  }

  @Test func theMostCommonDateOfBirthWinsAndConflictsAreKept() {
    var child = ChildBuilder()
    child.issue(.reliever, "2017-03-01")
    child.issue(.reliever, "2017-04-01")
    var odd = child.supplies[1]
    odd.dateOfBirth = date("2011-01-01")
    odd.source.line = 99
    odd.date = date("2017-05-01")
    var area = AreaRecords()
    for supply in child.supplies + [odd] { area.add(supply) }
    let record = area.finished().records[0]
    #expect(record.dateOfBirth == child.birth)
    #expect(record.conflictingDatesOfBirth == [date("2011-01-01")])
  }
}

/// A pharmacy export that begins months after the GP's makes every earlier issue look
/// uncollected; the run says so, with how many issues it concerns.
struct ExportCoverageCheckTests {
  @Test func dispensingThatStartsMonthsAfterTheGPDataIsReportedWithTheIssuesBeforeIt() throws {
    var child = ChildBuilder()
    for month in ["01", "02", "03", "04"] { child.issue(.preventer, "2026-\(month)-10") }
    child.dispensed(.preventer, "2026-08-10")
    var check = ExportCoverageCheck()
    check.add(child.timeline(asOf: "2026-11-21").supplies)
    #expect(check.earliestIssue == date("2026-01-10"))
    #expect(check.earliestDispensing == date("2026-08-10"))
    #expect(check.notDispensedBeforeFirstDispensing == 4)
    let warning = try #require(check.lateDispensingWarning(policy: ChildBuilder.policy))
    #expect(warning.contains("its first dispensing to a child evaluated is 2026-08-10, 212 days after the first GP issue (2026-01-10)"))
    #expect(warning.contains("4 GP issue(s) dated before it are counted as not dispensed"))
  }

  @Test func dispensingThatCoversTheGPPeriodRaisesNothingEvenWhenIssuesGoUncollected() {
    var child = ChildBuilder()
    child.dispensed(.reliever, "2026-01-05")
    for month in ["02", "03", "04"] { child.issue(.preventer, "2026-\(month)-10") }
    var check = ExportCoverageCheck()
    check.add(child.timeline(asOf: "2026-11-21").supplies)
    #expect(check.notDispensedBeforeFirstDispensing == 0)
    #expect(check.lateDispensingWarning(policy: ChildBuilder.policy) == nil)
  }

  @Test func partsOfARunMergeToWhatOneCheckOfAllItsChildrenGives() {
    var early = ChildBuilder()
    early.issue(.preventer, "2026-01-10")
    var late = ChildBuilder()
    late.nhs = TestNHS.number(2)
    late.dispensed(.preventer, "2026-06-01")
    late.issue(.preventer, "2026-02-10")
    var whole = ExportCoverageCheck()
    var parts = (ExportCoverageCheck(), ExportCoverageCheck())
    whole.add(early.timeline(asOf: "2026-11-21").supplies)
    whole.add(late.timeline(asOf: "2026-11-21").supplies)
    parts.0.add(early.timeline(asOf: "2026-11-21").supplies)
    parts.1.add(late.timeline(asOf: "2026-11-21").supplies)
    parts.0.merge(parts.1)
    #expect(parts.0 == whole)
    #expect(whole.notDispensedBeforeFirstDispensing == 2)
  }

  @Test func exportsThatEndMoreThanTheGracePeriodBeforeTheAsOfDateAreNamed() throws {
    var child = ChildBuilder()
    child.dispensed(.preventer, "2026-06-01")
    child.issue(.reliever, "2026-07-15")
    var check = ExportCoverageCheck()
    check.add(child.timeline(asOf: "2026-11-21").supplies)
    #expect(check.latestSupply == date("2026-07-15"))
    let warning = try #require(check.staleExportsWarning(asOf: date("2026-11-21"), policy: ChildBuilder.policy))
    #expect(warning.contains("their last supply to a child evaluated is 2026-07-15, 129 days before the as-of date 2026-11-21"))
    #expect(warning.contains("run --as-of 2026-07-15"))
    #expect(check.staleExportsWarning(asOf: date("2026-08-14"), policy: ChildBuilder.policy) == nil, "30 days: within the grace period")
  }
}
