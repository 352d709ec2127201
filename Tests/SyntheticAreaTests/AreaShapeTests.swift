import SurveillanceCore
import Testing

@testable import SyntheticArea

/// `generate`'s shape options: left out, the bytes it always wrote; each changes what it names.
struct AreaShapeTests {
  static let asOf = CalendarDate(year: 2026, month: 11, day: 21)!

  /// FNV-1a of a file's bytes: enough to pin them without committing the file.
  static func digest(_ bytes: [UInt8]) -> UInt64 {
    bytes.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
  }

  /// What the generator wrote before it had shape options, padded as the benchmark pads:
  /// `generate --patients 300 --rows 6000 --seed 3 --no-broken-rows`, FNV-1a of each file as
  /// that build wrote it (before the options existed).
  @Test func theDefaultShapeWritesTheBytesGenerateAlwaysWrote() throws {
    let spec = AreaSpec(patients: 300, gpRows: 6000, pharmacyRows: 6000, seed: 3, asOf: Self.asOf, brokenRows: false)
    #expect(spec.shape == AreaShape())
    let files = try GeneratedFiles(spec)
    #expect(files.bytes[.gp].map(Self.digest) == Self.before[.gp])
    #expect(files.bytes[.pharmacy].map(Self.digest) == Self.before[.pharmacy])
    #expect(files.bytes[.careEvents].map(Self.digest) == Self.before[.careEvents])
  }

  static let before: [SyntheticFile: UInt64] = [.gp: 17_817_608_596_061_016_847, .pharmacy: 16_095_424_872_156_857_954, .careEvents: 17_732_305_614_403_709_189]

  @Test func madeUpProductsWithCommasAndNoPrescriptionIDsShowInThePadding() throws {
    let shape = AreaShape(otherProducts: 60, productCodes: .arbitrary, quotedNamesPercent: 50, prescriptionIDs: false)
    let spec = AreaSpec(patients: 200, gpRows: 8000, pharmacyRows: 3000, seed: 4, asOf: Self.asOf, brokenRows: false, shape: shape)
    let files = try GeneratedFiles(spec)
    let gp = try files.rows(.gp)
    #expect(gp.count == 8000)
    #expect(try files.rows(.pharmacy).count == 3000)
    let names = Set(gp.compactMap { $0.fields["drug_name"] })
    #expect(names.count > 13 + 40)
    #expect(names.contains { $0.contains(",") && $0.hasSuffix("UK Ltd)") })
    #expect(gp.allSatisfy { ($0.fields["prescription_id"] ?? "").isEmpty })
    // Every made-up product carries a made-up dm+d code and reads back as another medicine.
    let catalogue = try Shipped.catalogue()
    let madeUp = catalogue.madeUpProducts(shape, generator: SeededGenerator(seed: 4).derived(10))
    #expect(madeUp.count == 60)
    #expect(madeUp.allSatisfy { $0.dmdCode != nil && $0.role == .other })
  }
}
