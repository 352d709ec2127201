import SurveillanceCore

/// Every product the generator can issue, grouped by formulary class and role.
///
/// Products come from the real codelists in `rules/codelists/`, each row classified with the
/// shipped formulary's own `classify`: whatever the generator plants, the tool will read back
/// in the role it was planted as. Spacers and the common non-respiratory medicines come from
/// ``CommonProducts`` and are kept only when the formulary agrees with their intended role.
public struct ProductCatalogue: Sendable {
  /// Every respiratory product, in codelist order, without duplicates.
  public let products: [Product]
  /// Products outside the asthma picture (role `other`), for the bulk of an unfiltered export.
  public let nonRespiratory: [Product]
  /// The formulary, for classifying made-up products (``madeUpProducts(_:generator:)``).
  let formulary: Formulary
  private let perSupply: Set<String>
  /// The formulary's rule for a quantity with no unit: above this, it is doses (tablets); at
  /// or below, devices. The generator writes only quantities this rule reads as planted.
  let doseThreshold: Double
  private let pools: [ProductPool]

  /// - Parameters:
  ///   - definition: the formulary definition, which names each class's codelists and columns.
  ///   - codelists: every codelist file the definition names, header row first.
  ///   - formulary: the formulary built from the two, used to classify each product.
  public init(definition: FormularyDefinition, codelists: [String: [[String]]], formulary: Formulary) {
    doseThreshold = definition.quantity.doseThreshold
    self.formulary = formulary
    var seen = Set<String>()
    var found: [Product] = []
    let perSupply = Set(definition.classes.filter { $0.count == .supplies }.map(\.id))
    self.perSupply = perSupply
    for medicineClass in definition.classes {
      for source in medicineClass.codelists ?? [] {
        guard let rows = codelists[source.file], let header = rows.first else { continue }
        let dmdColumn = header.firstIndex(of: source.dmdColumn)
        let bnfColumn = source.bnfColumn.flatMap(header.firstIndex(of:))
        let nameColumn = source.nameColumn.flatMap(header.firstIndex(of:))
        for row in rows.dropFirst() {
          func cell(_ column: Int?) -> String? {
            guard let column, column < row.count, !row[column].isEmpty else { return nil }
            return row[column]
          }
          guard let dmd = cell(dmdColumn), let name = cell(nameColumn), !seen.contains(dmd),
            let product = Self.product(dmd: dmd, bnf: cell(bnfColumn), name: name, formulary: formulary, perSupply: perSupply),
            product.role != .other
          else { continue }
          seen.insert(dmd)
          found.append(product)
        }
      }
    }
    for listed in CommonProducts.spacers {
      if let product = Self.product(dmd: nil, bnf: listed.bnfCode, name: listed.name, formulary: formulary, perSupply: perSupply),
        product.role == listed.expectedRole
      {
        found.append(product)
      }
    }
    products = found
    nonRespiratory = CommonProducts.nonRespiratory.compactMap { listed in
      guard let product = Self.product(dmd: nil, bnf: listed.bnfCode, name: listed.name, formulary: formulary, perSupply: perSupply),
        product.role == listed.expectedRole
      else { return nil }
      return product
    }
    pools = ProductUse.allCases.map { ProductPool(use: $0, products: found) }
  }

  /// The respiratory products the formulary puts in `role`.
  public func products(in role: MedicineRole) -> [Product] { products.filter { $0.role == role } }

  /// The product with exactly this name.
  public func product(named name: String) -> Product? { products.first { $0.name == name } }

  /// A product for `use`: usually one of the common choices, sometimes any of its class.
  func pick(_ use: ProductUse, using generator: inout SeededGenerator) -> Product {
    let pool = pools[use.rawValue]
    if !pool.usual.isEmpty, generator.chance(use.usualPercent, in: 100) { return generator.pick(pool.usual) }
    return generator.pick(pool.all)
  }

  /// Whether every planted use has at least one product (a formulary that lost a class would
  /// make the generator plant nothing for it).
  public var missingUses: [String] { pools.filter { $0.all.isEmpty }.map { $0.use.classID } }

  /// A product as the formulary reads it, or `nil` if it cannot.
  func product(dmd: String?, bnf: String?, name: String) -> Product? {
    Self.product(dmd: dmd, bnf: bnf, name: name, formulary: formulary, perSupply: perSupply)
  }

  private static func product(dmd: String?, bnf: String?, name: String, formulary: Formulary, perSupply: Set<String>) -> Product? {
    guard let full = formulary.classify(dmdCode: dmd, bnfCode: bnf, name: name) else { return nil }
    func agrees(_ other: ProductClassification?) -> Bool {
      guard let other else { return false }
      return other.classID == full.classID && other.dosesPerDevice == full.dosesPerDevice && other.unitsPerDevice == full.unitsPerDevice
    }
    return Product(
      dmdCode: dmd, bnfCode: bnf, name: name, role: full.role, classID: full.classID,
      unitsPerDevice: full.dosesPerDevice ?? full.unitsPerDevice, countedPerSupply: perSupply.contains(full.classID),
      form: ProductForm(name: name, role: full.role),
      classifiesWithoutDMD: bnf != nil && agrees(formulary.classify(dmdCode: nil, bnfCode: bnf, name: name)),
      classifiesByNameAlone: agrees(formulary.classify(dmdCode: nil, bnfCode: nil, name: name)))
  }
}

/// The products of one use: its whole class, and the usual choices within it.
private struct ProductPool: Sendable {
  var use: ProductUse
  var all: [Product]
  var usual: [Product]

  init(use: ProductUse, products: [Product]) {
    self.use = use
    all = products.filter { $0.classID == use.classID }
    let fragments = use.usual.map { $0.lowercased() }
    usual = all.filter { product in
      let name = product.name.lowercased()
      return fragments.contains { name.contains($0) }
    }
  }
}
