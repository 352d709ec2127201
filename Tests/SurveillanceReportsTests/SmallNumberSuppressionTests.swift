import SurveillanceCore
import SurveillanceReports
import Testing

/// Small numbers are shown as "fewer than 5", and whatever a total would give away about them
/// is hidden too, so no suppressed count can be worked out by subtraction.
struct SmallNumberSuppressionTests {
  typealias Suppression = SmallNumberSuppression<String>
  static let suppression = Suppression(policy: DisclosureControl(suppressBelow: 5))

  /// A row with a total: `total` is the sum of the named parts.
  static func row(_ counts: KeyValuePairs<String, Int>) -> (counts: [String: Int], sums: [Suppression.Sum]) {
    let counts = Dictionary(uniqueKeysWithValues: counts.map { ($0.key, $0.value) })
    return (counts, [Suppression.Sum(total: "total", parts: counts.keys.filter { $0 != "total" }.sorted())])
  }

  @Test func countsFromOneToFourAreSmallAndZeroIsShown() {
    let counts = ["none": 0, "one": 1, "four": 4, "five": 5, "many": 120]
    let shown = Self.suppression.apply(to: counts, sums: []).shown
    #expect(shown == ["none": .exact, "one": .small, "four": .small, "five": .exact, "many": .exact])
  }

  @Test func oneSmallCountInARowWithATotalHidesTheNextSmallest() {
    // 9 - 7 - 0 would give the 2 away.
    let (counts, sums) = Self.row(["total": 9, "review": 7, "priority": 2, "urgent": 0])
    let outcome = Self.suppression.apply(to: counts, sums: sums)
    #expect(outcome.shown == ["total": .exact, "review": .hidden, "priority": .small, "urgent": .exact])
    #expect(outcome.unprotected.isEmpty)
  }

  @Test func theSmallestOtherCountIsTheOneHidden() {
    let (counts, sums) = Self.row(["total": 40, "review": 20, "priority": 3, "urgent": 17])
    #expect(Self.suppression.apply(to: counts, sums: sums).shown["urgent"] == .hidden)
    #expect(Self.suppression.apply(to: counts, sums: sums).shown["review"] == .exact)
  }

  @Test func twoSmallCountsThatTheTotalWouldPinAreProtectedToo() {
    // 9 - 7 leaves 2 for two counts each at least 1: both are 1.
    let (counts, sums) = Self.row(["total": 9, "review": 7, "priority": 1, "urgent": 1])
    #expect(Self.suppression.apply(to: counts, sums: sums).shown == ["total": .exact, "review": .hidden, "priority": .small, "urgent": .small])
  }

  @Test func twoSmallCountsThatLeaveDoubtNeedNothingMore() {
    // 12 - 7 = 5 between two counts of 1 to 4: 1 and 4, 2 and 3, 3 and 2 or 4 and 1.
    let (counts, sums) = Self.row(["total": 12, "review": 7, "priority": 2, "urgent": 3])
    #expect(Self.suppression.apply(to: counts, sums: sums).shown == ["total": .exact, "review": .exact, "priority": .small, "urgent": .small])
  }

  @Test func suppressedCountsThatAddUpToASmallCountAreProtectedToo() {
    // 12 - 9 leaves 3 children between priority and urgent: not which is which, but still a
    // count of fewer than 5.
    let (counts, sums) = Self.row(["total": 12, "review": 9, "priority": 2, "urgent": 1])
    #expect(Self.suppression.apply(to: counts, sums: sums).shown == ["total": .exact, "review": .hidden, "priority": .small, "urgent": .small])
  }

  @Test func aHiddenCountIsKnownToBeAtLeastTheThreshold() {
    // Total 6 = 1 + 5: hiding the 5, known to be at least 5, would still leave the 1.
    let (counts, sums) = Self.row(["total": 6, "review": 1, "priority": 5, "urgent": 0])
    let shown = Self.suppression.apply(to: counts, sums: sums).shown
    #expect(shown["review"] == .small && shown["priority"] == .hidden)
    #expect(shown["total"] == .hidden, "with no other non-zero part left, the total goes")
  }

  @Test func aSmallTotalNeedsNoSecondaryCount() {
    let (counts, sums) = Self.row(["total": 3, "review": 3, "priority": 0, "urgent": 0])
    #expect(Self.suppression.apply(to: counts, sums: sums).shown == ["total": .small, "review": .small, "priority": .exact, "urgent": .exact])
  }

  @Test func whatAColumnTotalGivesAwayIsHiddenAcrossRows() {
    // Practices A and B, review and priority, with their row totals and the area's.
    let counts = [
      "A": 20, "A review": 18, "A priority": 2,
      "B": 30, "B review": 10, "B priority": 20,
      "review": 28, "priority": 22, "area": 50,
    ]
    let sums = [
      Suppression.Sum(total: "A", parts: ["A review", "A priority"]),
      Suppression.Sum(total: "B", parts: ["B review", "B priority"]),
      Suppression.Sum(total: "review", parts: ["A review", "B review"]),
      Suppression.Sum(total: "priority", parts: ["A priority", "B priority"]),
      Suppression.Sum(total: "area", parts: ["A", "B"]),
    ]
    let outcome = Self.suppression.apply(to: counts, sums: sums)
    #expect(outcome.unprotected.isEmpty)
    let suppressed = Set(outcome.shown.filter { $0.value != .exact }.keys)
    #expect(suppressed == ["A priority", "A review", "B priority", "B review"], "the four corners of the rectangle, so no row or column gives one away")
    #expect(outcome.shown["A priority"] == .small)
  }

  @Test func aTotalRepeatedElsewhereIsHiddenThereToo() {
    // The children with a signal on the report date are also the trend's last month: hiding
    // the total in one table and not the other would give the 1 away.
    var (counts, sums) = Self.row(["total": 6, "review": 1, "priority": 5])
    counts["trend, last month"] = 6
    sums.append(Suppression.Sum(total: "trend, last month", parts: ["total"]))
    let shown = Self.suppression.apply(to: counts, sums: sums).shown
    #expect(shown == ["review": .small, "priority": .hidden, "total": .hidden, "trend, last month": .hidden])
  }

  @Test func aSmallTotalOfOnesCannotBeProtectedByHidingMore() {
    // Four practices with one child each add up to "fewer than 5": each is 1.
    let counts = ["area": 4, "A": 1, "B": 1, "C": 1, "D": 1, "E": 0]
    let sums = [Suppression.Sum(total: "area", parts: ["A", "B", "C", "D", "E"])]
    let outcome = Self.suppression.apply(to: counts, sums: sums)
    #expect(outcome.unprotected == ["area", "A", "B", "C", "D"])
  }

  @Test func aCountThatIsNotPublishedTellsTheReaderNothing() {
    // The same row with the total withheld: 7 and "fewer than 5" add up to nothing known.
    let counts = ["review": 7, "priority": 2, "urgent": 0]
    let sums = [Suppression.Sum(total: "total", parts: ["review", "priority", "urgent"])]
    let outcome = Self.suppression.apply(to: counts, sums: sums)
    #expect(outcome.shown == ["review": .exact, "priority": .small, "urgent": .exact])
    #expect(outcome.unprotected.isEmpty)
  }

  @Test func aCountThatOnlySubtractionGivesIsProtectedToo() {
    // 13 children at a practice, 12 with a signal: 1 child with none, though no table prints it.
    let counts = ["children": 13, "with a signal": 12, "without": 1]
    let sums = [Suppression.Sum(total: "children", parts: ["with a signal", "without"])]
    let outcome = Self.suppression.apply(to: counts, sums: sums, unprinted: ["without"])
    #expect(outcome.shown == ["children": .exact, "with a signal": .hidden])
    let large = Self.suppression.apply(to: ["children": 13, "with a signal": 6, "without": 7], sums: sums, unprinted: ["without"])
    #expect(large.shown == ["children": .exact, "with a signal": .exact])
  }

  @Test func aThresholdOfEightSuppressesOneToSeven() {
    let suppression = Suppression(policy: DisclosureControl(suppressBelow: 8))
    #expect(suppression.apply(to: ["seven": 7, "eight": 8], sums: []).shown == ["seven": .small, "eight": .exact])
  }
}
