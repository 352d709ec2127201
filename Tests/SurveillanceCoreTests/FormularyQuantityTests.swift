import Testing

@testable import SurveillanceCore

/// Quantities become devices the way OpenPrescribing reads them: a small count is devices, a
/// larger one doses, divided by the doses in one device and rounded up.
@Suite struct FormularyQuantityTests {
  static let ventolinEvohaler = "222311000001102"  // 200 doses
  static let ventolinAccuhaler = "3382711000001107"  // 60 doses
  static let montelukast10mg = "320884002"  // 28 tablets a pack
  static let ventolinNebules = "3387011000001107"
  static let prednisolone5mg = "325427002"
  static let flixotideAccuhaler = "3381111000001101"

  struct Case: Sendable, CustomTestStringConvertible {
    var dmd: String
    var quantity: Double
    var unit: QuantityUnit?
    var devices: Int?
    var testDescription: String { "\(quantity) \(unit?.rawValue ?? "(no unit)") of \(dmd) -> \(devices.map(String.init) ?? "nil")" }
  }

  static let cases: [Case] = [
    Case(dmd: ventolinEvohaler, quantity: 200, unit: nil, devices: 1),
    Case(dmd: ventolinEvohaler, quantity: 400, unit: nil, devices: 2),
    Case(dmd: ventolinEvohaler, quantity: 201, unit: nil, devices: 2),
    Case(dmd: ventolinEvohaler, quantity: 2, unit: nil, devices: 2),
    Case(dmd: ventolinEvohaler, quantity: 9, unit: nil, devices: 9),
    Case(dmd: ventolinEvohaler, quantity: 1, unit: .device, devices: 1),
    Case(dmd: ventolinEvohaler, quantity: 3, unit: .device, devices: 3),
    Case(dmd: ventolinEvohaler, quantity: 200, unit: .dose, devices: 1),
    Case(dmd: ventolinEvohaler, quantity: 2, unit: .pack, devices: 2),
    Case(dmd: ventolinAccuhaler, quantity: 60, unit: nil, devices: 1),
    Case(dmd: ventolinAccuhaler, quantity: 60, unit: .dose, devices: 1),
    Case(dmd: ventolinAccuhaler, quantity: 120, unit: nil, devices: 2),
    Case(dmd: montelukast10mg, quantity: 56, unit: .tablet, devices: 2),
    Case(dmd: montelukast10mg, quantity: 56, unit: nil, devices: 2),
    Case(dmd: montelukast10mg, quantity: 28, unit: nil, devices: 1),
    Case(dmd: montelukast10mg, quantity: 1, unit: .pack, devices: 1),
    Case(dmd: ventolinNebules, quantity: 20, unit: .unitDose, devices: 1),
    Case(dmd: ventolinNebules, quantity: 60, unit: nil, devices: 1),
    Case(dmd: prednisolone5mg, quantity: 30, unit: .tablet, devices: 1),
    Case(dmd: ventolinEvohaler, quantity: 0, unit: nil, devices: nil),
    Case(dmd: ventolinEvohaler, quantity: -1, unit: .device, devices: nil),
    Case(dmd: ventolinEvohaler, quantity: .nan, unit: nil, devices: nil),
    Case(dmd: ventolinEvohaler, quantity: .infinity, unit: nil, devices: nil),
    Case(dmd: ventolinEvohaler, quantity: -.infinity, unit: .dose, devices: nil),
    Case(dmd: prednisolone5mg, quantity: 0, unit: nil, devices: nil),
  ]

  @Test(arguments: cases)
  func quantitiesBecomeDevices(_ example: Case) throws {
    let formulary = try FormularyFixture.formulary()
    let product = try #require(formulary.classify(dmdCode: example.dmd, bnfCode: nil, name: nil))
    #expect(formulary.devices(quantity: example.quantity, unit: example.unit, product: product) == example.devices)
  }

  @Test func dosesPerDeviceComeFromTheProductsForm() throws {
    let formulary = try FormularyFixture.formulary()
    func doses(_ dmd: String) throws -> Int? { try #require(formulary.classify(dmdCode: dmd, bnfCode: nil, name: nil)).dosesPerDevice }
    #expect(try doses(Self.ventolinEvohaler) == 200)
    #expect(try doses(Self.ventolinAccuhaler) == 60)
    #expect(try doses("23621711000001102") == 30)  // Relvar Ellipta
    #expect(try doses("3294611000001104") == 120)  // Symbicort 200/6 Turbohaler
    #expect(try doses("4373811000001100") == 60)  // Symbicort 400/12 Turbohaler
    #expect(try doses("3218311000001103") == 120)  // Bricanyl 500 Turbohaler
    #expect(try doses("3186911000001100") == 60)  // Seretide 100 Accuhaler
    #expect(try doses("810211000001105") == 120)  // Seretide 125 Evohaler
  }

  @Test func preventersLastAboutAMonthAndRelieversHaveNoCoverage() throws {
    let formulary = try FormularyFixture.formulary()
    let clenil = try #require(formulary.classify(dmdCode: nil, bnfCode: nil, name: "Clenil Modulite 100micrograms/dose inhaler"))
    #expect(clenil.daysPerDevice == 30)
    let montelukast = try #require(formulary.classify(dmdCode: Self.montelukast10mg, bnfCode: nil, name: nil))
    #expect(montelukast.unitsPerDevice == 28)
    #expect(montelukast.daysPerDevice == 28)
    let ventolin = try #require(formulary.classify(dmdCode: Self.ventolinEvohaler, bnfCode: nil, name: nil))
    #expect(ventolin.daysPerDevice == nil)
  }

  @Test func productsOutsideTheAsthmaPictureCountOncePerSupply() throws {
    let formulary = try FormularyFixture.formulary()
    let other = try #require(formulary.classify(dmdCode: "318352004", bnfCode: nil, name: "Propranolol 10mg tablets"))
    #expect(other.role == .other)
    #expect(formulary.devices(quantity: 28, unit: .tablet, product: other) == 1)
  }

  @Test func oralSteroidIssuesWithinAWeekAreOneCourse() throws {
    #expect(try FormularyFixture.formulary().courseMergeDays == 7)
  }

  @Test(arguments: [
    ("doses", QuantityUnit.dose), ("Dose", .dose), ("DOSES", .dose), ("device", .device), ("Devices", .device),
    ("inhaler", .device), ("Inhalers", .device), ("tablet", .tablet), ("tablets", .tablet), ("ml", .ml), ("mL", .ml),
    ("unit dose", .unitDose), ("Unit Doses", .unitDose), ("unit_dose", .unitDose), ("pack", .pack), ("packs", .pack),
    (" dose ", .dose),
  ])
  func quantityUnitsParseCaseInsensitivelyAndInThePlural(_ text: String, _ unit: QuantityUnit) throws {
    #expect(try FormularyFixture.formulary().quantityUnits.unit(for: text) == unit)
  }

  /// Every dm+d unit of measure that occurs on asthma products' packs is read, singular or
  /// plural, as what it counts.
  @Test(arguments: [
    ("sachet", QuantityUnit.tablet), ("sachets", .tablet), ("capsule", .tablet), ("Capsules", .tablet),
    ("vial", .unitDose), ("vials", .unitDose), ("ampoule", .unitDose), ("ampoules", .unitDose), ("nebule", .unitDose),
    ("Nebules", .unitDose), ("actuation", .dose), ("actuations", .dose), ("blister", .dose), ("cartridge", .device),
    ("unit dose vial", .unitDose), ("millilitres", .ml), ("boxes", .pack),
  ])
  func everyDMDUnitOnAsthmaProductsIsRead(_ text: String, _ unit: QuantityUnit) throws {
    #expect(try FormularyFixture.formulary().quantityUnits.unit(for: text) == unit)
  }

  @Test(arguments: ["", "grams", "bottle", "dozes", "s", "unit", "each"])
  func unknownQuantityUnitsDoNotParse(_ text: String) throws {
    #expect(try FormularyFixture.formulary().quantityUnits.unit(for: text) == nil)
  }

  /// Montelukast granules issued as "28 sachet" are one pack-equivalent: the 3-year-old's
  /// only preventer, which a rejected unit used to lose.
  @Test func montelukastGranulesInSachetsAreOnePackEquivalent() throws {
    let formulary = try FormularyFixture.formulary()
    let granules = try #require(formulary.classify(dmdCode: nil, bnfCode: "0303020G0AAADAD", name: "Montelukast 4mg granules sachets sugar free"))
    #expect(granules.role == .preventer)
    let sachet = try #require(formulary.quantityUnits.unit(for: "sachet"))
    #expect(formulary.devices(quantity: 28, unit: sachet, product: granules) == 1)
    #expect(formulary.devices(quantity: 56, unit: sachet, product: granules) == 2)
  }
}
