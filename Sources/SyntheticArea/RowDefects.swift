/// Deliberately broken rows, the kinds real exports contain, so that a run's rejects and its
/// manifest are exercised on every sample and benchmark.
///
/// A broken row is an extra copy of a real row with one defect, so the planted patterns stay
/// exactly as planted. About 1 supply row in 150 gets one (well under the 5% a run tolerates);
/// plan and care event files get only impossible dates, 1 row in 400.
public enum RowDefect: String, Sendable, CaseIterable, Comparable {
  /// The NHS number's check digit is wrong.
  case badCheckDigit = "bad_check_digit"
  /// 29 February in a year that has none.
  case impossibleDate = "impossible_date"
  /// `NaN` where the quantity goes (a spreadsheet's doing).
  case notANumberQuantity = "nan_quantity"
  /// A quantity of zero.
  case zeroQuantity = "zero_quantity"
  /// A product with no code and a name no formulary knows.
  case unknownProduct = "unknown_product"
  /// A field missing, or one too many.
  case wrongFieldCount = "wrong_field_count"

  public static func < (lhs: RowDefect, rhs: RowDefect) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}

/// Decides, row by row, which rows get a broken copy, from a stream of its own so that turning
/// defects off changes no other byte.
struct DefectPlanner {
  private var generator: SeededGenerator
  private let enabled: Bool

  init(generator: SeededGenerator, enabled: Bool) {
    self.generator = generator
    self.enabled = enabled
  }

  /// How much of a row a run reads before it sets the row aside, which decides the defects that
  /// make it a reject: a product outside the asthma picture is set aside after one look-up, an
  /// adult's inhaler once the NHS number, date and date of birth are read.
  enum Scrutiny {
    /// A child's respiratory supply, a plan or a care event: every field is checked.
    case everyField
    /// An adult's respiratory supply: checked up to the age, not the quantity.
    case upToAge
    /// A supply outside the asthma picture: only the row's shape and its product.
    case shapeAndProduct
  }

  /// A broken copy of `cells`, or `nil` for most rows.
  mutating func brokenCopy(of cells: [String], in file: SyntheticFile, scrutiny: Scrutiny) -> (cells: [String], defect: RowDefect)? {
    guard enabled else { return nil }
    let columns = Layout.columns(of: file)
    let isSupply = columns.quantity != nil
    guard generator.chance(1, in: isSupply ? 150 : 400) else { return nil }
    let defect: RowDefect
    switch scrutiny {
    case _ where !isSupply: defect = .impossibleDate
    case .everyField: defect = generator.pick(RowDefect.allCases)
    case .upToAge: defect = generator.pick([.badCheckDigit, .impossibleDate, .unknownProduct, .wrongFieldCount])
    case .shapeAndProduct: defect = generator.pick([.unknownProduct, .wrongFieldCount])
    }
    var broken = cells
    switch defect {
    case .badCheckDigit:
      let digits = broken[columns.nhsNumber].filter(\.isNumber)
      let wrong = TestNHSNumbers.withWrongCheckDigit(digits)
      broken[columns.nhsNumber] = broken[columns.nhsNumber].contains(" ") ? TestNHSNumbers.spaced(wrong) : wrong
    case .impossibleDate:
      broken[columns.date] = columns.ukDates ? "29/02/2023" : "2023-02-29"
    case .notANumberQuantity:
      broken[columns.quantity!] = "NaN"
    case .zeroQuantity:
      broken[columns.quantity!] = "0"
    case .unknownProduct:
      for column in columns.product { broken[column] = "" }
      if let name = columns.productName { broken[name] = generator.pick(Self.unknownNames) }
    case .wrongFieldCount:
      if generator.chance(1, in: 2) { broken.removeLast() } else { broken.append("see notes") }
    }
    return (broken, defect)
  }

  /// Names that are no medicine: typed free text, a discontinued local item.
  private static let unknownNames = ["Zenthrovil 10mg tablets", "Item as per hospital letter", "Brumacet syrup 100ml"]
}
