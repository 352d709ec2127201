import SurveillanceCore
import Testing

/// The indexed matching a child with thousands of rows uses must choose exactly what the
/// plain scan chooses: the unmatched issue of the same product (else role) nearest in date
/// within the windows, an issue on or before the dispensing's day winning a tie, the first
/// by date and source among one day's issues, and never an issue with a different
/// prescription id.
struct ReconciliationAtScaleTests {
  /// A small deterministic generator (SplitMix64), so a failure can be replayed.
  struct Numbers {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Int((z ^ (z >> 31)) % UInt64(bound))
    }
  }

  /// A child with many rows bunched on few days, several products of two roles, some
  /// prescription ids shared, some only on one side, some absent: every tie the rule breaks.
  func child(seed: UInt64, rows: Int, days: Int) -> ChildBuilder {
    var numbers = Numbers(state: seed)
    var child = ChildBuilder()
    let products: [(MedicineRole, String)] = [(.reliever, "salbutamol"), (.reliever, "terbutaline"), (.preventer, "clenil"), (.preventer, "qvar")]
    for _ in 0..<rows {
      let (role, key) = products[numbers.next(products.count)]
      let day = date("2017-01-01").adding(days: numbers.next(days))
      let id: String? = numbers.next(3) == 0 ? "RX\(numbers.next(rows / 4 + 1))" : nil
      let type: SupplyType = numbers.next(20) == 0 ? .emergencySupply : .nhsPrescription
      if numbers.next(2) == 0 {
        child.issue(role, day.description, id: id, key: key)
      } else {
        child.dispense(role, day.description, id: id, type: type, key: key)
      }
    }
    return child
  }

  func reconciled(_ child: ChildBuilder, _ matching: Reconciler.Matching) -> [SupplyEvent] {
    Reconciler.reconcile(
      issues: child.supplies.filter { $0.side == .gpIssue }, dispensings: child.supplies.filter { $0.side == .dispensing },
      asOf: date("2018-06-01"), hasPharmacyData: true, policy: ChildBuilder.policy, matching: matching)
  }

  @Test(arguments: [(UInt64(1), 60, 30), (2, 300, 20), (3, 2000, 400), (4, 2000, 5), (5, 500, 1), (6, 4000, 120)])
  func indexedMatchingChoosesWhatTheScanChooses(seed: UInt64, rows: Int, days: Int) {
    let child = child(seed: seed, rows: rows, days: days)
    let scanned = reconciled(child, .scan)
    let indexed = reconciled(child, .indexed)
    #expect(indexed.count == scanned.count)
    #expect(indexed == scanned)
    // The case is not trivial: both kinds of match by date happen (on one day, only one can).
    #expect(scanned.contains { $0.status == .suppliedBeforePrescription } || days == 1)
    #expect(scanned.contains { $0.status == .dispensed && $0.issue?.prescriptionID == nil })
  }

  @Test func theIssueOnOrBeforeTheDayWinsATieAndOneDaysFirstIssueIsTaken() {
    var child = ChildBuilder()
    child.issue(.reliever, "2017-03-04")  // line 2: two days after
    child.issue(.reliever, "2017-02-28")  // line 3: two days before: wins the tie
    child.issue(.reliever, "2017-02-28")  // line 4: same day, later line: the second dispensing's
    child.dispense(.reliever, "2017-03-02")
    child.dispense(.reliever, "2017-03-02")
    for matching in [Reconciler.Matching.scan, .indexed] {
      let events = reconciled(child, matching)
      let lines = events.filter { $0.status == .dispensed }.compactMap { $0.issue?.source.line }
      #expect(lines == [3, 4], "\(matching)")
      #expect(events.filter { $0.status == .suppliedBeforePrescription }.isEmpty, "\(matching)")
    }
  }

  @Test func aDispensingWhoseIDNamesNoIssueTakesOnlyAnIssueWithoutAnID() {
    var child = ChildBuilder()
    child.issue(.reliever, "2017-03-01", id: "A")
    child.issue(.reliever, "2017-02-20")
    child.dispense(.reliever, "2017-03-01", id: "B")
    for matching in [Reconciler.Matching.scan, .indexed] {
      let matched = reconciled(child, matching).first { $0.status == .dispensed }
      #expect(matched?.issue?.date == date("2017-02-20"), "\(matching)")
    }
  }

  /// Thousands of identical-looking rows on one day (one child's whole history in one
  /// export) are still told apart by identity, and repeats still found.
  @Test func oneDayOfManyRowsIsDeduplicatedAsAFewAre() {
    var child = ChildBuilder()
    // No prescription ids: only the identity rule tells them apart (here, by quantity).
    for index in 0..<200 { child.issue(.reliever, "2017-03-01", devices: index + 1) }
    var area = AreaRecords()
    for supply in child.supplies { area.add(supply) }
    #expect(area.finished().records[0].supplies.count == 200)
    #expect(area.finished().duplicatesByFile.isEmpty)
    var repeated = child.supplies[150]
    repeated.source.file = 4
    area.add(repeated)
    let (records, duplicates) = area.finished()
    #expect(records[0].supplies.count == 200)
    #expect(duplicates == [4: 1])
  }
}
