import Testing

@testable import SurveillanceCore

/// Real products under the names exports give them that the 2020 codelists do not hold:
/// dm+d's abbreviated names, BNF-style names, brands launched since, old spellings. Each
/// name is a real one (dm+d, the NHS drug refsets of 2025, OpenPrescribing's BNF names); the
/// tests give the name alone, as a name-only export would.
@Suite struct FormularyWordingTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var role: MedicineRole
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    // dm+d abbreviated names (ABBREVNM) and BNF-style names
    Case(name: "Salbutamol 100micrograms/dose breath actuated inh CFC free", role: .reliever),
    Case(name: "Salbutamol_Inha 100mcg (200 D) CFF", role: .reliever),
    Case(name: "Salbutamol_Inha B/A 100mcg (200 D) CFF", role: .reliever),
    Case(name: "Salbutamol_Inh Soln 2.5mg/2.5ml Ud", role: .sabaNebule),
    Case(name: "Salbutamol 2.5mg/2.5ml neb liq UDVs", role: .sabaNebule),
    Case(name: "Salbut/Ipratrop_NebSoln 2.5/.5mg Ud2.5ml", role: .sabaNebule),
    Case(name: "Ipratrop Brom_Inh Soln 250mcg/1ml Ud", role: .otherNebule),
    Case(name: "Budesonide/Formoterol Inh B/A 200/6(120D", role: .icsFormoterol),
    Case(name: "Beclomet/Formoterol_Inh 100/6 (120D) Dry", role: .icsFormoterol),
    Case(name: "Aclid/Formot_PdrFor Inh 396/11.8mcg(60D)", role: .labaAlone),
    // brands the 2020 lists do not know
    Case(name: "Maxivent 2.5mg/2.5ml nebuliser liquid unit dose vials", role: .sabaNebule),
    Case(name: "Tropiovent 250micrograms/1ml nebuliser liquid unit dose Steripoule vials (Ashbourne Pharmaceuticals Ltd)", role: .otherNebule),
    Case(name: "Combiprasal 0.5mg/2.5mg nebuliser solution 2.5ml unit dose vials (TriOn Pharma Ltd)", role: .sabaNebule),
    Case(name: "Atectura Breezhaler 125micrograms/62.5micrograms inhalation powder capsules", role: .preventer),
    Case(name: "Enerzair Breezhaler 114micrograms/46micrograms/136micrograms inhalation powder capsules", role: .preventer),
    Case(name: "GoResp Digihaler 160micrograms/dose / 4.5micrograms/dose dry powder inhaler (Teva UK Ltd)", role: .icsFormoterol),
    Case(name: "Proxor 100micrograms/dose / 6micrograms/dose inhaler (Genus Pharmaceuticals Ltd)", role: .icsFormoterol),
    Case(name: "Luforbec 100micrograms/dose / 6micrograms/dose inhaler", role: .icsFormoterol),
    Case(name: "Beclu 100micrograms/dose inhaler (Lupin Healthcare (UK) Ltd)", role: .preventer),
    Case(name: "Fixkoh Airmaster 50micrograms/dose / 250micrograms/dose dry powder inhaler (Genus Pharmaceuticals Holdings Ltd)", role: .preventer),
    Case(name: "Berotec 200micrograms/dose inhaler (Boehringer Ingelheim Ltd)", role: .reliever),
    // old spellings, and forms the old patterns missed
    Case(name: "Beclomethasone 100micrograms/dose inhaler", role: .preventer),
    Case(name: "Prednisolone 5mg/5ml oral syrup", role: .oralSteroid),
    Case(name: "Montelukast 4mg granules sachets sugar free", role: .preventer),
  ]

  @Test(arguments: cases)
  func realNamesTakeTheirRoleByNameAlone(_ product: Case) throws {
    let identified = try FormularyFixture.formulary().identify(dmdCode: nil, bnfCode: nil, name: product.name)
    #expect(identified.classification?.role == product.role, "got \(String(describing: identified.classification?.role))")
  }

  /// Products that share words with asthma medicines but are not asthma medicines.
  @Test(arguments: [
    "Methylprednisolone 4mg tablets", "Medrone 16mg tablets (Pfizer Ltd)", "Beclomet Diprop_Nsl Spy 50mcg (200 D)",
    "Mometasone Fur_Crm 0.1%", "Budesonide_Cap 3mg (E/C M/R Gran)", "Fluticasone Prop_Crm 0.05%",
    "Prednisolone Sod Phos_Suppos 5mg", "Minims_Prednisolone Sod Phos Ud 0.5%", "Pseudoephedrine 60mg / Acrivastine 8mg capsules",
    "Nicorette 15mg inhalator", "Sodium chloride 7% nebuliser liquid",
  ])
  func lookAlikesAreNotAsthmaMedicines(_ name: String) throws {
    let identified = try FormularyFixture.formulary().identify(dmdCode: "318352004", bnfCode: nil, name: name)
    #expect(identified.classification?.role == .other, "got \(String(describing: identified.classification?.role))")
    #expect(identified.finding == nil)
  }

  /// Every product the codelists list keeps its listed role when the export gives its listed
  /// name too: the name patterns never contradict the codelists.
  @Test func noListedProductConflictsWithItsOwnName() throws {
    let formulary = try FormularyFixture.formulary()
    for file in try FormularyFixture.codelists().keys.sorted() {
      for product in try ListedProduct.all(in: file) {
        let identified = formulary.identify(dmdCode: product.dmd, bnfCode: product.bnf, name: product.name)
        #expect(identified.finding == nil, "\(product): \(identified.finding?.detail ?? "")")
      }
    }
  }
}

/// What happens to a product no class claims: counted with the other medicines only when
/// nothing about it looks respiratory.
@Suite struct FormularySafetyNetTests {
  @Test func aWellFormedCodeTheToolDoesNotKnowIsOtherWhenNothingLooksRespiratory() throws {
    let identified = try FormularyFixture.formulary().identify(dmdCode: "318352004", bnfCode: nil, name: nil, unit: "tablet")
    #expect(identified.classification?.role == .other)
    #expect(identified.finding == nil)
  }

  /// A dm+d code alone, as many GP systems export, for a product newer than the codelists:
  /// its unit says inhaler, so it is kept and listed rather than set aside.
  @Test(arguments: ["dose", "doses", "inhaler", "Actuations", "nebules"])
  func anUnknownCodeInAnInhalerOrNebuleUnitIsUnclassified(_ unit: String) throws {
    let identified = try FormularyFixture.formulary().identify(dmdCode: "41963811000001107", bnfCode: nil, name: nil, unit: unit)
    #expect(identified.classification?.role == .unclassified)
    #expect(identified.classification?.classID == Formulary.unclassifiedClassID)
    guard case .unclassifiedRespiratory(let evidence)? = identified.finding else {
      Issue.record("no finding")
      return
    }
    #expect(evidence.contains("unit"))
  }

  @Test func aBNFCodeInAnAsthmaSectionThatNoRuleClaimsIsUnclassified() throws {
    // A code in BNF 3.3.1 (cromoglicate and nedocromil): respiratory, in no class.
    let identified = try FormularyFixture.formulary().identify(dmdCode: nil, bnfCode: "0303010Q0AAABAB", name: nil)
    #expect(identified.classification?.role == .unclassified)
    #expect(identified.finding?.detail.contains("BNF code 0303010Q0AAABAB") == true)
  }

  @Test(arguments: [
    "Theophylline 200mg modified-release tablets", "Uniphyllin Continus 200mg tablets (Napp Pharmaceuticals Ltd)",
    "Sodium cromoglicate 5mg/dose inhaler", "Intal 20mg Spincaps (Sanofi)", "Tiotropium bromide 2.5micrograms/dose inhalation solution cartridge with device CFC free",
    "Salbutamol 2mg/5ml oral solution sugar free", "Omalizumab 150mg/1ml solution for injection pre-filled syringes",
  ])
  func respiratoryProductsNoClassClaimsAreUnclassifiedByName(_ name: String) throws {
    let identified = try FormularyFixture.formulary().identify(dmdCode: "318352004", bnfCode: nil, name: name)
    #expect(identified.classification?.role == .unclassified, "got \(String(describing: identified.classification?.role))")
  }

  /// A row that names nothing the tool knows and carries no code is rejected whatever its
  /// unit: it identifies no product at all.
  @Test func aNameTheToolDoesNotKnowWithNoCodeIsStillUnidentified() throws {
    let identified = try FormularyFixture.formulary().identify(dmdCode: nil, bnfCode: nil, name: "Brumacet syrup 100ml", unit: "dose")
    #expect(identified.classification == nil)
  }

  @Test func unclassifiedSuppliesCountOncePerSupply() throws {
    let formulary = try FormularyFixture.formulary()
    let product = try #require(formulary.classify(dmdCode: nil, bnfCode: "0303010Q0AAABAB", name: nil))
    #expect(formulary.devices(quantity: 112, unit: .dose, product: product) == 1)
  }
}
