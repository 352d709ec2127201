import SurveillanceCore

/// How an area's exports look beyond their size: the things that differ between one system's
/// exports and another's and that change where a run spends its time.
///
/// The defaults are the shape `generate` has always written, byte for byte (a test holds it
/// to that); each option changes only what it names.
public struct AreaShape: Sendable, Equatable {
  /// Non-respiratory products, beyond the thirteen common medicines, that the padding rows
  /// draw from (0: only those thirteen). Each is made up: a name no formulary lists and codes
  /// in ``productCodes``' style, kept only if the shipped formulary reads it as `other`.
  public var otherProducts: Int
  /// How the made-up products are coded.
  public var productCodes: ProductCodeStyle
  /// Percent of the made-up products whose name holds a comma, so that the CSV quotes it.
  public var quotedNamesPercent: Int
  /// Whether rows carry prescription ids; without them, issues and dispensings are matched
  /// by product and date alone.
  public var prescriptionIDs: Bool

  public init(otherProducts: Int = 0, productCodes: ProductCodeStyle = .bnf, quotedNamesPercent: Int = 0, prescriptionIDs: Bool = true) {
    self.otherProducts = otherProducts
    self.productCodes = productCodes
    self.quotedNamesPercent = quotedNamesPercent
    self.prescriptionIDs = prescriptionIDs
  }

  /// How a made-up product's codes look.
  public enum ProductCodeStyle: String, Sendable, CaseIterable {
    /// A BNF presentation code and no dm+d code, as the common medicines are written.
    case bnf
    /// A dm+d-style code of arbitrary digits as well as the BNF code, neither of them a real
    /// product's: every row must be settled by its BNF code.
    case arbitrary
  }
}

extension ProductCatalogue {
  /// `count` made-up non-respiratory products for padding rows, the same for the same seed.
  func madeUpProducts(_ shape: AreaShape, generator: SeededGenerator) -> [Product] {
    guard shape.otherProducts > 0 else { return [] }
    var generator = generator
    let starts = ["Dra", "Mel", "Cor", "Ven", "Pal", "Tor", "Lis", "Nor", "Fen", "Gal", "Ker", "Sol", "Bex", "Ral", "Quin", "Tam"]
    let middles = ["ova", "ixa", "ento", "ari", "ulo", "epi", "ami", "oxi"]
    let ends = ["tin", "zol", "pril", "mab", "vir", "dine", "fen", "lam"]
    let forms = ["tablets", "capsules", "gastro-resistant tablets", "modified-release tablets", "film-coated tablets"]
    // BNF chapters of medicines outside the respiratory one (3).
    let chapters = [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    var found: [Product] = []
    var names = Set<String>()
    var attempts = 0
    while found.count < shape.otherProducts, attempts < shape.otherProducts * 20 {
      attempts += 1
      let stem = generator.pick(starts) + generator.pick(middles) + generator.pick(ends)
      let strength = generator.pick([1, 2, 5, 10, 20, 25, 40, 50, 100, 200, 250, 500])
      var name = "\(stem) \(strength)mg \(generator.pick(forms))"
      if generator.chance(shape.quotedNamesPercent, in: 100) { name = "\(stem) \(strength)mg, \(generator.pick(forms)) (\(generator.pick(["Teva", "Accord", "Zentiva", "Sandoz"])) UK Ltd)" }
      guard names.insert(name).inserted else { continue }
      let chemical = String(letters[generator.below(26)]) + String(generator.below(10))
      // Chapter, section, paragraph, sub-paragraph, chemical, product, strength and form: 15 characters.
      let bnf = Sites.digits(generator.pick(chapters), 2) + Sites.digits(generator.int(1...9), 2) + Sites.digits(generator.int(0...4), 2)
        + "0" + chemical + "AA" + String((0..<4).map { _ in letters[generator.below(26)] })
      let dmd: String? = shape.productCodes == .arbitrary ? String(generator.int(10_000...99_999_999)) + "1000001" + String(generator.int(100...109)) : nil
      guard let product = product(dmd: dmd, bnf: bnf, name: name), product.role == .other else { continue }
      found.append(product)
    }
    return found
  }
}
