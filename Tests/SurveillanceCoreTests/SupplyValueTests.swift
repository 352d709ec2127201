import SurveillanceCore
import Testing

/// A supply keeps its fields in a shared box for speed, but it is still a value: changing a
/// copy never changes the original, and equality and hashing go by the fields.
struct SupplyValueTests {
  func salbutamol() -> Supply {
    var child = ChildBuilder()
    child.dispense(.reliever, "2017-05-12", devices: 2, id: "RX1")
    return child.supplies[0]
  }

  @Test func changingACopyLeavesTheOriginalAlone() {
    let original = salbutamol()
    var copy = original
    copy.devices = 3
    copy.siteCode = "FZ9"
    #expect(original.devices == 2)
    #expect(original.siteCode == "FA1")
    #expect(copy.devices == 3)
    #expect(copy.siteCode == "FZ9")
    #expect(copy != original)
  }

  @Test func suppliesWithTheSameFieldsAreEqualAndHashAlike() {
    let one = salbutamol()
    let other = salbutamol()  // a box of its own
    #expect(one == other)
    #expect(Set([one, other]).count == 1)
    var changedBack = other
    changedBack.devices = 5
    changedBack.devices = 2
    #expect(changedBack == one)
  }
}
