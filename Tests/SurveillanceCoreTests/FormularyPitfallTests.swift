import Testing

@testable import SurveillanceCore

/// The traps of BNF and dm+d that DOMAIN.md section 3 lists, each pinned by a real product.
@Suite struct FormularyPitfallTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var note: String
    var dmd: String?
    var bnf: String?
    var name: String?
    var role: MedicineRole
    var classID: String
    var testDescription: String { note }
  }

  static let cases: [Case] = [
    Case(note: "salbutamol nebules share BNF substance 0301011R0 with the inhalers; the form decides",
         bnf: "0301011R0AAAXAX", role: .sabaNebule, classID: "saba_nebule"),
    Case(note: "a branded salbutamol 2.5mg/2.5ml nebule code maps to its generic (…AX) and stays a nebule",
         bnf: "0301011R0ZZAAAX", role: .sabaNebule, classID: "saba_nebule"),
    Case(note: "an unlisted salbutamol code named as a nebuliser liquid is a nebule",
         bnf: "0301011R0ZZAAZZ", name: "Salbutamol 2.5mg/2.5ml nebuliser liquid unit dose vials (New Supplier Ltd)",
         role: .sabaNebule, classID: "saba_nebule"),
    Case(note: "an unlisted salbutamol code named as an inhaler is a reliever",
         bnf: "0301011R0ZZAAZZ", name: "Salbutamol 100micrograms/dose inhaler CFC free (New Supplier Ltd)",
         role: .reliever, classID: "saba_inhaler"),
    Case(note: "salbutamol oral solution is not an inhaler or nebule, but it is respiratory: unclassified, never set aside",
         bnf: "0301011R0ZZAAZZ", name: "Salbutamol 2mg/5ml oral solution sugar free",
         role: .unclassified, classID: "unclassified"),
    Case(note: "budesonide nebules sit in BNF 0302 with the inhaled steroids but are nebules",
         dmd: "3654611000001109", role: .otherNebule, classID: "ics_nebule"),
    Case(note: "Pulmicort Respules by BNF code alone",
         bnf: "0302000K0BBAGAI", role: .otherNebule, classID: "ics_nebule"),
    Case(note: "an unlisted budesonide 1mg/2ml nebule code (…AI), with no name, is still a nebule",
         bnf: "0302000K0ZZAAAI", role: .otherNebule, classID: "ics_nebule"),
    Case(note: "Flixotide Nebules by name alone", name: "Flixotide 2mg/2ml Nebules (GlaxoSmithKline UK Ltd)",
         role: .otherNebule, classID: "ics_nebule"),
    Case(note: "Symbicort Turbohaler is ICS/formoterol (MART)", dmd: "3294611000001104",
         role: .icsFormoterol, classID: "ics_formoterol"),
    Case(note: "Symbicort sits under the budesonide substance code 0302000K0", bnf: "0302000K0BDABAM",
         role: .icsFormoterol, classID: "ics_formoterol"),
    Case(note: "DuoResp Spiromax is ICS/formoterol", dmd: "25254111000001105",
         role: .icsFormoterol, classID: "ics_formoterol"),
    Case(note: "Fostair is ICS/formoterol", dmd: "12906411000001100",
         role: .icsFormoterol, classID: "ics_formoterol"),
    Case(note: "Fostair NEXThaler is ICS/formoterol", name: "Fostair NEXThaler 100micrograms/dose / 6micrograms/dose dry powder inhaler",
         role: .icsFormoterol, classID: "ics_formoterol"),
    Case(note: "a budesonide/formoterol brand launched after the lists (WockAIR) is ICS/formoterol by name",
         dmd: "42109611000001109", name: "WockAIR 160micrograms/dose / 4.5micrograms/dose inhalation powder (Wockhardt UK Ltd)",
         role: .icsFormoterol, classID: "ics_formoterol"),
    Case(note: "a new budesonide/formoterol brand code maps to its generic equivalent", bnf: "0302000K0ZZAAAM",
         role: .icsFormoterol, classID: "ics_formoterol"),
    Case(note: "Flutiform (fluticasone/formoterol) is not licensed for MART: a preventer", dmd: "21019411000001101",
         role: .preventer, classID: "ics_laba"),
    Case(note: "Flutiform by name alone", name: "Flutiform 125micrograms/dose / 5micrograms/dose inhaler",
         role: .preventer, classID: "ics_laba"),
    Case(note: "Seretide is a preventer", dmd: "3186911000001100", role: .preventer, classID: "ics_laba"),
    Case(note: "Seretide Evohaler by BNF code", bnf: "0302000N0BCAEBF", role: .preventer, classID: "ics_laba"),
    Case(note: "Trimbow, under BNF 0301011AB with the bronchodilators, is a preventer", dmd: "34681611000001100",
         role: .preventer, classID: "ics_laba_lama_inhaler"),
    Case(note: "Trimbow by BNF code alone", bnf: "0301011ABBBAAA0", role: .preventer, classID: "ics_laba_lama_inhaler"),
    Case(note: "Trelegy Ellipta by name", name: "Trelegy Ellipta 92micrograms/dose / 55micrograms/dose / 22micrograms/dose dry powder inhaler",
         role: .preventer, classID: "ics_laba_lama_inhaler"),
    Case(note: "montelukast is a preventer", dmd: "320884002", role: .preventer, classID: "ltra"),
    Case(note: "montelukast by name only", name: "Montelukast 4mg granules sachets sugar free",
         role: .preventer, classID: "ltra"),
    Case(note: "salmeterol alone is LABA without ICS", dmd: "10073011000001107", role: .labaAlone, classID: "laba_alone"),
    Case(note: "salmeterol by name only", name: "Salmeterol 25micrograms/dose inhaler CFC free",
         role: .labaAlone, classID: "laba_alone"),
    Case(note: "Ventolin Evohaler is a reliever", dmd: "222311000001102", role: .reliever, classID: "saba_inhaler"),
    Case(note: "Ventolin Nebules are SABA nebules", dmd: "3387011000001107", role: .sabaNebule, classID: "saba_nebule"),
    Case(note: "ipratropium nebules are other nebules", dmd: "320346000", role: .otherNebule, classID: "bronchodilator_nebule"),
    Case(note: "prednisolone is an oral steroid", dmd: "325427002", role: .oralSteroid, classID: "oral_prednisolone"),
    Case(note: "prednisolone eye drops are not", dmd: "42109611000001109", name: "Prednisolone sodium phosphate 0.5% eye drops",
         role: .other, classID: "other"),
    Case(note: "a spacer by name", name: "AeroChamber Plus Flow-Vu anti-static valved holding chamber with child mask",
         role: .spacer, classID: "spacer"),
    Case(note: "a nasal steroid spray is not a preventer inhaler", dmd: "42109611000001109",
         name: "Fluticasone propionate 50micrograms/dose nasal spray", role: .other, classID: "other"),
  ]

  @Test(arguments: cases)
  func pitfallProductsTakeTheirTrueRole(_ pitfall: Case) throws {
    let formulary = try FormularyFixture.formulary()
    let result = try #require(
      formulary.classify(dmdCode: pitfall.dmd, bnfCode: pitfall.bnf, name: pitfall.name),
      "not identified: dm+d \(pitfall.dmd ?? "-"), BNF \(pitfall.bnf ?? "-"), '\(pitfall.name ?? "")'")
    #expect(result.role == pitfall.role, "\(pitfall.note): got \(result.role) (\(result.classID))")
    #expect(result.classID == pitfall.classID, "\(pitfall.note): got \(result.classID)")
  }

  @Test func icsFormoterolIsNeverCountedAsAReliever() throws {
    let formulary = try FormularyFixture.formulary()
    for product in try ListedProduct.all(in: "ebmdatalab-laba-ics-codelist.csv") {
      let result = try #require(formulary.classify(dmdCode: product.dmd, bnfCode: nil, name: nil))
      #expect(result.role != .reliever, "\(product)")
      #expect(result.containsICS, "\(product)")
    }
  }

  @Test func nebulesAndInhalersOfTheSameSubstanceNeverShareARole() throws {
    let formulary = try FormularyFixture.formulary()
    let nebules = try ListedProduct.all(in: "ebmdatalab-nebs-codelist.csv")
    let roles = Set(nebules.compactMap { formulary.classify(dmdCode: $0.dmd, bnfCode: nil, name: nil)?.role })
    #expect(roles == [.sabaNebule, .otherNebule])
  }

  @Test func budesonideNebulesDeliverAnInhaledSteroidButAreNotPreventerInhalers() throws {
    let formulary = try FormularyFixture.formulary()
    let result = try #require(formulary.classify(dmdCode: "3654511000001105", bnfCode: nil, name: nil))
    #expect(result.role == .otherNebule)
    #expect(result.containsICS)
  }
}
