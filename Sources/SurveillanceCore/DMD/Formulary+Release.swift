/// A class's dm+d release rule, compiled: the ingredients and form-route a VMP must have.
struct CompiledDMDRule: Sendable {
  var classIndex: Int
  var ingredients: CompiledNamePattern
  var formRoute: CompiledNamePattern
  var name: CompiledNamePattern?
}

extension Formulary {
  /// A VMP's class and why, or `nil` for a product outside the asthma picture.
  struct VMPVerdict {
    var classID: String
    var role: MedicineRole
    var reason: String
  }

  /// Classifies every product of a dm+d release: each VMP by its ingredients and ontology
  /// form-route against the classes' `dmd_rules` in priority order; a VMP no rule claims by its
  /// name and BNF code as an export row would be; then by the safety net on its name,
  /// ingredients and form-route. AMPs, VMPPs, AMPPs and a re-coded VMP's old code take their
  /// VMP's class, with doses per device from their packs.
  public func productTable(for release: DMDRelease) -> ProductTable {
    var verdicts: [UInt64: VMPVerdict] = [:]
    var otherCodes = Set<UInt64>()
    for vmp in release.vmps {
      if let verdict = verdict(for: vmp, in: release) { verdicts[vmp.id] = verdict } else { otherCodes.insert(vmp.id) }
    }
    let vmppByID = Dictionary(release.vmpps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let ampByID = Dictionary(release.amps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

    func pack(_ vmpps: [DMDRelease.VMPP]) -> (Int?, String?) {
      let packs = vmpps.compactMap { vmpp -> (Int, String)? in
        guard let quantity = vmpp.quantity, quantity > 0, quantity == quantity.rounded(), quantity < 1e9 else { return nil }
        return (Int(quantity), vmpp.unitID.flatMap { release.units[$0] } ?? "")
      }
      let counted = packs.filter { countsDoses($0.1) }
      guard let chosen = (counted.isEmpty ? packs : counted).sorted(by: { packSizeChoice == .smallest ? $0.0 < $1.0 : $0.0 > $1.0 }).first else {
        return (nil, nil)
      }
      return (chosen.0, chosen.1.isEmpty ? nil : chosen.1)
    }
    var vmppsOfVMP: [UInt64: [DMDRelease.VMPP]] = [:]
    for vmpp in release.vmpps { vmppsOfVMP[vmpp.vmpID, default: []].append(vmpp) }
    var vmppsOfAMP: [UInt64: [DMDRelease.VMPP]] = [:]
    for ampp in release.ampps { if let vmpp = vmppByID[ampp.vmppID] { vmppsOfAMP[ampp.ampID, default: []].append(vmpp) } }

    var rows: [ProductTable.Row] = []
    func add(_ code: UInt64, _ level: ProductTable.Level, _ name: String, vmp: UInt64, _ verdict: VMPVerdict, pack: (Int?, String?), reason: String) {
      let text = String(code)
      let listed = byDMD[text].map(\.classID)
      rows.append(
        ProductTable.Row(
          code: text, level: level, name: name, vmpCode: String(vmp), bnfCode: release.bnfCodes[code], classID: verdict.classID,
          role: verdict.role, packSize: pack.0, packUnit: pack.1, codelistClass: listed == verdict.classID ? nil : listed, reason: reason))
    }
    for vmp in release.vmps {
      guard let verdict = verdicts[vmp.id] else {
        if let previous = vmp.previousID { otherCodes.insert(previous) }
        continue
      }
      let vmpPack = pack(vmppsOfVMP[vmp.id] ?? [])
      add(vmp.id, .vmp, vmp.name, vmp: vmp.id, verdict, pack: vmpPack, reason: verdict.reason)
      if let previous = vmp.previousID {
        add(previous, .previousVMP, vmp.name, vmp: vmp.id, verdict, pack: vmpPack, reason: "the code VMP \(vmp.id) had before it was re-coded")
      }
    }
    for amp in release.amps {
      guard let verdict = verdicts[amp.vmpID] else {
        otherCodes.insert(amp.id)
        continue
      }
      let own = pack(vmppsOfAMP[amp.id] ?? [])
      add(amp.id, .amp, amp.name, vmp: amp.vmpID, verdict, pack: own.0 == nil ? pack(vmppsOfVMP[amp.vmpID] ?? []) : own, reason: "an AMP of VMP \(amp.vmpID)")
    }
    for vmpp in release.vmpps {
      guard let verdict = verdicts[vmpp.vmpID] else {
        otherCodes.insert(vmpp.id)
        continue
      }
      add(vmpp.id, .vmpp, vmpp.name, vmp: vmpp.vmpID, verdict, pack: pack([vmpp]), reason: "a pack (VMPP) of VMP \(vmpp.vmpID)")
    }
    for ampp in release.ampps {
      let vmpID = vmppByID[ampp.vmppID]?.vmpID ?? ampByID[ampp.ampID]?.vmpID
      guard let vmpID, let verdict = verdicts[vmpID] else {
        otherCodes.insert(ampp.id)
        continue
      }
      add(ampp.id, .ampp, ampp.name, vmp: vmpID, verdict, pack: pack(vmppByID[ampp.vmppID].map { [$0] } ?? []), reason: "a pack (AMPP) of AMP \(ampp.ampID)")
    }
    let read = release.vmps.count + release.amps.count + release.vmpps.count + release.ampps.count
    return ProductTable(release: release.info, productsRead: read, rows: rows, otherCodes: otherCodes)
  }

  /// Whether a pack unit (a dm+d unit of measure's description) counts doses or solid units,
  /// so that the pack's quantity is what one device holds.
  func countsDoses(_ unit: String) -> Bool {
    switch quantityUnits.unit(for: unit) {
    case .dose?, .tablet?, .unitDose?: true
    default: false
    }
  }

  /// One VMP's class: its ingredients and form-route, else its name and BNF code, else the
  /// safety net. `nil` for a product outside the asthma picture.
  func verdict(for vmp: DMDRelease.VMP, in release: DMDRelease) -> VMPVerdict? {
    let ingredientNames = vmp.ingredientIDs.compactMap { release.ingredients[$0] }.sorted()
    let ingredients = ingredientNames.isEmpty ? (vmp.vtmID.flatMap { release.vtms[$0] } ?? "") : ingredientNames.joined(separator: " + ")
    let routes = vmp.formRouteCodes.compactMap { release.formRoutes[$0] }.sorted().joined(separator: " ")
    let ingredientTerms = matcher.matches(in: NameText.normalise(ingredients))
    let routeTerms = matcher.matches(in: NameText.normalise(routes))
    let nameTerms = matcher.matches(in: NameText.normalise(vmp.name + " " + (vmp.abbreviatedName ?? "")))
    if !ingredients.isEmpty, !routes.isEmpty,
      let rule = dmdRules.first(where: {
        $0.ingredients.matches(ingredientTerms) && $0.formRoute.matches(routeTerms) && ($0.name?.matches(nameTerms) ?? true)
      })
    {
      let medicineClass = classes[rule.classIndex]
      return VMPVerdict(classID: medicineClass.id, role: medicineClass.role, reason: "ingredients \(ingredients); form-route \(routes)")
    }
    let bnf = release.bnfCodes[vmp.id]
    let named = identify(dmdCode: nil, bnfCode: bnf, name: vmp.name)
    let by = "name '\(vmp.name)'" + (bnf.map { " and BNF code \($0)" } ?? "")
    if let classification = named.classification {
      switch classification.role {
      case .other:
        // A class that names products outside the asthma picture settles it.
        if classification.classID != Self.otherClassID { return nil }
      case .unclassified:
        if case .unclassifiedRespiratory(let evidence)? = named.finding {
          return VMPVerdict(classID: Self.unclassifiedClassID, role: .unclassified, reason: "no class claims it; \(evidence)")
        }
      default:
        return VMPVerdict(classID: classification.classID, role: classification.role, reason: by)
      }
    }
    let described = NameText.normalise(vmp.name + " " + ingredients)
    if let evidence = safetyNet.evidence(
      bnf: nil, terms: matcher.matches(in: described), unit: nil, identified: true, presentationLength: bnfFormat.presentationLength)
    {
      return VMPVerdict(classID: Self.unclassifiedClassID, role: .unclassified, reason: "no class claims it; \(evidence) (ingredients \(ingredients.isEmpty ? "none listed" : ingredients))")
    }
    if !routes.isEmpty, safetyNet.formRoutes.matches(routeTerms),
      !safetyNet.notIfName.contains(where: { $0.matches(matcher.matches(in: described)) })
    {
      return VMPVerdict(classID: Self.unclassifiedClassID, role: .unclassified, reason: "no class claims it; its form-route \(routes) is inhaled")
    }
    return nil
  }

  /// This formulary with a product table's products added: each listed code classified as
  /// the table says, with its pack's doses (or tablets) per device. A code the codelists list
  /// keeps the codelists' class and takes the table's pack size.
  ///
  /// - Parameter source: where the table came from, for the manifest (`dm+d release PATH`,
  ///   `pinned table rules/formulary/FILE`).
  /// - Throws: ``ProductTableError/unknownClass(code:classID:)`` for a row naming a class the
  ///   formulary does not have (a table pinned from another formulary).
  public func adding(_ table: ProductTable, from source: String, pinnedTable: String? = nil) throws(ProductTableError) -> Formulary {
    var copy = self
    for row in table.rows {
      let classification: ProductClassification
      if row.classID == Self.unclassifiedClassID {
        classification = ProductClassification(role: .unclassified, classID: row.classID, containsICS: false, matchedBy: .dmdCode)
      } else {
        guard let index = classIndex[row.classID] else { throw .unknownClass(code: row.code, classID: row.classID) }
        let compiled = classes[index]
        var made = copy.byDMD[row.code]
          ?? compiled.classification(
            bnf: row.bnfCode, terms: matcher.matches(in: NameText.normalise(row.name)), matchedBy: .dmdCode,
            presentationLength: bnfFormat.presentationLength)
        if let pack = row.packSize, countsDoses(row.packUnit ?? "") {
          if made.unitsPerDevice != nil { made.unitsPerDevice = pack } else if made.dosesPerDevice != nil { made.dosesPerDevice = pack }
        }
        classification = made
      }
      copy.byDMD[row.code] = classification
    }
    copy.knownOtherDMD = table.otherCodes
    copy.productSource = [("products_from", source)] + (pinnedTable.map { [("product_table", $0)] } ?? []) + [
      ("dmd_release", table.release.name), ("dmd_release_date", table.release.date?.description ?? "unknown"),
      ("dmd_products", "\(table.rows.count) asthma products of \(table.productsRead) in the release"),
    ]
    return copy
  }
}
