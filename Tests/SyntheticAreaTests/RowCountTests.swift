import SurveillanceCore
import Testing

@testable import SyntheticArea

/// Benchmark-scale exports are padded to exactly the rows asked for.
struct RowCountTests {
  @Test(arguments: [(5_000, 4_000), (12_345, 20_000)])
  func paddingMeetsTheRequestedRowCounts(gpRows: Int, pharmacyRows: Int) throws {
    let spec = AreaSpec(patients: 200, gpRows: gpRows, pharmacyRows: pharmacyRows, seed: 3, asOf: CalendarDate(year: 2026, month: 11, day: 21)!)
    let generated = try GeneratedFiles(spec)
    #expect(generated.summary.rows[.gp] == gpRows)
    #expect(generated.summary.rows[.pharmacy] == pharmacyRows)
    #expect(try generated.records(.gp).count == gpRows + 1)
    #expect(try generated.records(.pharmacy).count == pharmacyRows + 1)
  }

  @Test func paddingRowsAreAdultsNonRespiratoryMedicines() throws {
    let asOf = CalendarDate(year: 2026, month: 11, day: 21)!
    let natural = try GeneratedFiles(AreaSpec(patients: 200, seed: 3, asOf: asOf))
    let padded = try GeneratedFiles(AreaSpec(patients: 200, gpRows: 6_000, seed: 3, asOf: asOf))
    let rules = try Shipped.rules()
    let naturalCount = natural.summary.rows[.gp]!
    for row in try padded.rows(.gp).dropFirst(naturalCount) where !(padded.summary.brokenLines[.gp] ?? []).contains(row.line) {
      let product = rules.formulary.classify(dmdCode: row.fields["dmd_code"], bnfCode: row.fields["bnf_code"], name: row.fields["drug_name"])
      #expect(product?.role == .other, "padding row \(row.line) is \(row.fields["drug_name"] ?? "")")
      let born = try #require(CalendarDate(iso: row.fields["date_of_birth"] ?? ""))
      #expect(born.wholeYears(to: asOf) >= 18)
    }
  }

  @Test func anAreaLargerThanTheRequestKeepsAllItsRows() throws {
    let asOf = CalendarDate(year: 2026, month: 11, day: 21)!
    let natural = try GeneratedFiles(AreaSpec(patients: 200, seed: 3, asOf: asOf))
    let asked = try GeneratedFiles(AreaSpec(patients: 200, gpRows: 10, seed: 3, asOf: asOf))
    #expect(asked.bytes[.gp] == natural.bytes[.gp])
  }
}
