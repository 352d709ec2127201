#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A row's fields, however the reader holds them. The CSV reader's record conforms in the
/// frontend; tests use plain arrays.
public protocol RecordFields {
  var fieldCount: Int { get }
  func text(at index: Int) -> String
  /// Calls `body` with the raw bytes of field `index`, without making a `String`.
  func withFieldBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R
  /// Whether any field holds a NUL byte.
  var containsNUL: Bool { get }
  /// The length in bytes of the longest field.
  var longestFieldBytes: Int { get }
  /// Calls `body` with every field as a byte range of one buffer: the form the checks every
  /// row gets run on, with no call per field.
  func withSlices<R>(_ body: (FieldSlices) throws -> R) rethrows -> R
}

extension RecordFields {
  /// Copies the fields into one buffer; readers that hold them so already do better.
  public func withSlices<R>(_ body: (FieldSlices) throws -> R) rethrows -> R {
    var bytes: [UInt8] = []
    var starts: [Int] = []
    var ends: [Int] = []
    for index in 0..<fieldCount {
      starts.append(bytes.count)
      withFieldBytes(index) { bytes.append(contentsOf: $0) }
      ends.append(bytes.count)
    }
    return try bytes.withUnsafeBufferPointer { bytes in
      try starts.withUnsafeBufferPointer { starts in
        try ends.withUnsafeBufferPointer { ends in try body(FieldSlices(bytes: bytes, starts: starts, ends: ends)) }
      }
    }
  }
}

/// A row's fields as byte ranges of one buffer: field `i` is `bytes[starts[i]..<ends[i]]`.
/// Valid only inside the call that hands it over.
public struct FieldSlices {
  public let bytes: UnsafeBufferPointer<UInt8>
  public let starts: UnsafeBufferPointer<Int>
  public let ends: UnsafeBufferPointer<Int>
  /// `false` when the reader already knows no byte is NUL (it looked while splitting).
  public let mayHoldNUL: Bool

  public init(bytes: UnsafeBufferPointer<UInt8>, starts: UnsafeBufferPointer<Int>, ends: UnsafeBufferPointer<Int>, mayHoldNUL: Bool = true) {
    self.bytes = bytes
    self.starts = starts
    self.ends = ends
    self.mayHoldNUL = mayHoldNUL
  }

  var count: Int { ends.count }

  func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: bytes[starts[index]..<ends[index]])
  }
}

extension Array: RecordFields where Element == String {
  public var fieldCount: Int { count }
  public func text(at index: Int) -> String { self[index] }
  public func withFieldBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try Array<UInt8>(self[index].utf8).withUnsafeBufferPointer(body)
  }
  public var containsNUL: Bool { contains { $0.utf8.contains(0) } }
  public var longestFieldBytes: Int { map(\.utf8.count).max() ?? 0 }
}

/// Why an accepted row plays no part in the run.
public enum OutOfScope: String, Sendable, CaseIterable, Codable {
  /// A valid product outside the asthma formulary (most rows of an unfiltered export).
  case notAsthmaRelated = "not_asthma_related"
  /// The patient is 18 or over on the evaluation date.
  case adult
  /// Dated after the evaluation date: not yet known on that day.
  case notYetKnown = "not_yet_known"
  /// Every field empty: a spreadsheet's unused rows below the data (`,,,,,`), which carry no
  /// patient and no product. Counted, not rejected: they are no fault in the data.
  case emptyRow = "empty_row"

  /// The position in `allCases`, for counting without hashing.
  var ordinal: Int {
    switch self {
    case .notAsthmaRelated: 0
    case .adult: 1
    case .notYetKnown: 2
    case .emptyRow: 3
    }
  }
}

/// What one row became.
public enum DecodedRow: Sendable {
  case supply(Supply)
  case plan(SafeguardingPlan)
  case event(CareEvent)
  case outOfScope(OutOfScope)
  case rejected(RejectedRow)
}

/// Settings the decoder needs from the run.
public struct DecodeContext: Sendable {
  /// Index of the file in the run's input list.
  public var fileIndex: Int
  /// Rows dated after this are not yet known.
  public var latestEvaluationDate: CalendarDate
  /// Patients who are adults on this date are out of scope (the earliest date a replay
  /// evaluates; the as-of date for a nightly run).
  public var earliestEvaluationDate: CalendarDate
  public var policy: TimelinePolicy
  /// NHS numbers in these ranges are rejected (`rules/nhs-numbers.json`, unless the run reads
  /// test data).
  public var rejectedNumberRanges: [ClosedRange<UInt64>]

  public init(
    fileIndex: Int, latestEvaluationDate: CalendarDate, earliestEvaluationDate: CalendarDate, policy: TimelinePolicy,
    rejectedNumberRanges: [ClosedRange<UInt64>] = []
  ) {
    self.fileIndex = fileIndex
    self.latestEvaluationDate = latestEvaluationDate
    self.earliestEvaluationDate = earliestEvaluationDate
    self.policy = policy
    self.rejectedNumberRanges = rejectedNumberRanges
  }
}

/// Turns rows of one file into validated facts or rejected rows.
///
/// A class: it holds the formulary and a cache, and a value copy per row (as an optional
/// `var` in a reading closure makes) would retain every one of their parts each time.
///
/// Checks run cheapest-first and stop at the first failure, so that an unfiltered export's
/// rows for non-asthma products are set aside after one dictionary look-up of their code.
/// Such rows are counted (as `not_asthma_related`) but their other fields are not validated:
/// the tool does not use them, and a bad NHS number on a paracetamol issue is not a reason
/// to fail an asthma run.
public final class RowDecoder {
  public let layout: ColumnLayout
  public let formulary: Formulary
  public let context: DecodeContext
  private let normalisedHeader: [String]
  private let headerFirstField: [UInt8]
  private let valueMaps: [CanonicalField: [String: String]]
  private let productColumns: (dmd: Int?, bnf: Int?, name: Int?, unit: Int?)
  private let isSupplyExport: Bool
  private let expectedFieldCount: Int
  private let maxFieldBytes: Int
  /// Classifications by the raw bytes of a row's product columns: an export names the same
  /// few thousand products millions of times, and classifying by name is the costly part.
  private let products = ProductCache()
  /// A child's row repeats what other rows said, byte for byte: the site, the unit, the kind
  /// of supply. Each distinct spelling is read once per file.
  private let sites = ByteKeyedCache<String>()
  private let units = ByteKeyedCache<QuantityUnit?>()
  private let supplyTypes = ByteKeyedCache<SupplyType>()
  private let issueTypes = ByteKeyedCache<String?>()
  /// Products the formulary could not classify or classified against their name, with how
  /// many rows named each: what `unclassified-products.csv` lists.
  public private(set) var flaggedProducts: [FlaggedProduct] = []
  /// 1 January of the earliest plausible year: a date on or after it passes the year check
  /// without working out its year.
  private let earliestPlausibleDate: CalendarDate?
  /// The latest date of birth of someone who is an adult on the earliest evaluation date:
  /// one comparison per row instead of working out whole years.
  private let latestAdultBirth: CalendarDate

  public init(layout: ColumnLayout, formulary: Formulary, context: DecodeContext) {
    self.layout = layout
    self.formulary = formulary
    self.context = context
    normalisedHeader = layout.header.map(InputProfile.normalisedHeader)
    headerFirstField = Array(layout.header.first?.utf8 ?? "".utf8)
    productColumns = (layout.index(of: .dmdCode), layout.index(of: .bnfCode), layout.index(of: .drugName), layout.index(of: .quantityUnit))
    expectedFieldCount = layout.header.count
    maxFieldBytes = context.policy.maxFieldBytes
    earliestPlausibleDate = CalendarDate(year: context.policy.earliestPlausibleYear, month: 1, day: 1)
    latestAdultBirth = Self.latestBirth(ofAge: context.policy.childAgeUnderYears, on: context.earliestEvaluationDate)
    isSupplyExport = layout.profile.kind == .gpPrescriptions || layout.profile.kind == .pharmacyDispensing
    valueMaps = layout.profile.valueMaps.mapValues { map in
      Dictionary(map.map { (InputProfile.normalisedHeader($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
  }

  /// The latest date of birth at which someone is at least `years` old in whole years on
  /// `date`. Whole years only grow as the birth date moves earlier, so the answer is found by
  /// halving the span around `years` before `date`.
  static func latestBirth(ofAge years: Int, on date: CalendarDate) -> CalendarDate {
    var oldEnough = Int(date.dayNumber) - (years + 1) * 366  // certainly old enough
    var tooYoung = Int(date.dayNumber) - (years - 1) * 365 + 1  // certainly not
    while tooYoung - oldEnough > 1 {
      let middle = (oldEnough + tooYoung) / 2
      if CalendarDate(dayNumber: Int32(middle)).wholeYears(to: date) >= years { oldEnough = middle } else { tooYoung = middle }
    }
    return CalendarDate(dayNumber: Int32(oldEnough))
  }

  private struct Reject: Error {
    var reason: RejectReason
    var detail: String
  }

  public func decode(_ row: some RecordFields, line: Int) -> DecodedRow {
    let source = SourceRef(file: context.fileIndex, line: line)
    if Self.isEmpty(row) { return .outOfScope(.emptyRow) }
    do {
      try checkShape(row)
      switch layout.profile.kind {
      case .gpPrescriptions, .pharmacyDispensing: return try row.withSlices { try decodeSupply(row, $0, source: source) }
      case .safeguarding: return try decodePlan(row, source: source)
      case .careEvents: return try decodeEvent(row, source: source)
      }
    } catch let reject as Reject {
      // An absurdly long field is kept in part: enough to find the row, not megabytes of it.
      let limit = context.policy.maxFieldBytes
      let fields = (0..<row.fieldCount).map { index in
        let text = row.text(at: index)
        return text.utf8.count > limit ? String(text.prefix(limit)) + "... (cut at \(limit) bytes)" : text
      }
      return .rejected(RejectedRow(source: source, reason: reject.reason, detail: reject.detail, fields: fields))
    } catch {
      fatalError("unexpected error \(error)")
    }
  }

  /// Whether every field of the row is empty or spaces, however many fields it has.
  private static func isEmpty(_ row: some RecordFields) -> Bool {
    (0..<row.fieldCount).allSatisfy { index in row.withFieldBytes(index) { $0.allSatisfy(isSpace) } }
  }

  /// Whether the row is, beyond doubt, a well-formed supply of a product already classified as
  /// outside the asthma formulary: the verdict on most rows of an unfiltered export, reached
  /// without a call per field. It passes the same checks, in the same order, as the full
  /// path below; any row it is not sure of (`false`) takes that path.
  ///
  /// Public so that a reader holding rows as slices can ask first and count the row as
  /// `not_asthma_related` itself (what `decode` would return), without building a result.
  public func isOtherMedicine(_ row: FieldSlices) -> Bool {
    guard isSupplyExport, row.count == expectedFieldCount else { return false }
    if row.mayHoldNUL, let base = row.bytes.baseAddress, memchr(base, 0, row.bytes.count) != nil { return false }
    // Every field lies within `bytes`: a row no longer than the limit has no field over it.
    if row.bytes.count > maxFieldBytes {
      for index in 0..<row.count where row.ends[index] - row.starts[index] > maxFieldBytes { return false }
    }
    if Self.sameBytes(row.field(0), headerFirstField) { return false }
    return products.isOtherMedicine(productKey(row))
  }

  /// The NHS number the row names, read as `decode` reads it, without decoding the rest;
  /// `nil` when it names none that parses. A run that reads the exports in passes asks this
  /// first, so that each row is decoded once, in the pass that holds its child.
  public func holder(of row: some RecordFields) -> NHSNumber? {
    row.withSlices { slices in
      if let bytes = plainText(slices, .nhsNumber), case .success(let number) = NHSNumber.parse(utf8: bytes) { return number }
      if case .success(let number) = NHSNumber.parse(text(row, .nhsNumber) ?? "") { return number }
      return nil
    }
  }

  private func checkShape(_ row: some RecordFields) throws {
    let expected = layout.header.count
    if row.fieldCount != expected {
      // Trailing empty fields (a stray comma at the end of a line) carry nothing.
      let extraAreEmpty = row.fieldCount > expected && (expected..<row.fieldCount).allSatisfy { row.text(at: $0).isEmpty }
      if !extraAreEmpty {
        throw Reject(reason: .wrongFieldCount, detail: "\(row.fieldCount) fields, the header has \(expected)")
      }
    }
    if row.containsNUL { throw Reject(reason: .containsNUL, detail: "a field holds a NUL byte") }
    let longest = row.longestFieldBytes
    if longest > context.policy.maxFieldBytes {
      throw Reject(reason: .fieldTooLong, detail: "a field is \(longest) bytes long; no export field needs more than \(context.policy.maxFieldBytes)")
    }
    // A header pasted again mid-file (concatenated exports) repeats the header's first cell
    // byte for byte; only then is the whole row compared.
    if row.fieldCount >= expected, row.withFieldBytes(0, { Self.sameBytes(Self.withoutByteOrderMark($0), headerFirstField) }),
      (0..<expected).allSatisfy({ InputProfile.normalisedHeader(row.text(at: $0)) == normalisedHeader[$0] }) {
      throw Reject(reason: .repeatedHeader, detail: "the header row appears again inside the file")
    }
  }

  /// `bytes` without a leading UTF-8 byte-order mark: a second export pasted onto the end of
  /// the first brings its own, before its header.
  private static func withoutByteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    guard bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF else { return bytes }
    return UnsafeBufferPointer(rebasing: bytes[3...])
  }

  /// Byte equality by `memcmp`; the generic `elementsEqual` walks byte by byte, on every row.
  /// The first bytes are compared first: an NHS number is as long as `nhs_number`, the header
  /// cell every row is compared with, and a digit settles it without a call.
  private static func sameBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ other: [UInt8]) -> Bool {
    guard bytes.count == other.count else { return false }
    guard let base = bytes.baseAddress else { return true }
    return other.withUnsafeBufferPointer { other in
      base.pointee == other[0] && memcmp(base, other.baseAddress!, bytes.count) == 0
    }
  }

  // MARK: Fields

  private func text(_ row: some RecordFields, _ field: CanonicalField) -> String? {
    guard let index = layout.index(of: field), index < row.fieldCount else { return nil }
    let value = trimmed(row.text(at: index))
    return value.isEmpty ? nil : value
  }

  /// The field's bytes when they are, as they stand, its text: not empty, ASCII, nothing to
  /// trim. Then parsing the bytes gives what parsing `text(_:_:)` would, without the string;
  /// any other field (`nil`) takes the string path.
  private func plainText(_ row: FieldSlices, _ field: CanonicalField) -> UnsafeBufferPointer<UInt8>? {
    guard let index = layout.index(of: field), index < row.count else { return nil }
    let bytes = row.field(index)
    guard let first = bytes.first, let last = bytes.last, !Self.isSpace(first), !Self.isSpace(last),
      bytes.allSatisfy({ $0 < 0x80 })
    else { return nil }
    return bytes
  }

  /// What `make` made from this field's raw bytes the first time they were seen; the same bytes
  /// always make the same, and a row's failure (a throw) is not remembered.
  private func remembered<Value>(_ cache: ByteKeyedCache<Value>, _ row: FieldSlices, _ field: CanonicalField, _ make: () throws -> Value) rethrows -> Value {
    guard let index = layout.index(of: field), index < row.count else { return try make() }
    let key = row.field(index)
    if let value = cache.value(for: key) { return value }
    let value = try make()
    cache.remember(value, for: key)
    return value
  }

  private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

  /// `text` without surrounding spaces, tabs and line breaks (exports pad cells).
  private func trimmed(_ text: String) -> String {
    let utf8 = text.utf8
    guard let first = utf8.first, let last = utf8.last, Self.isSpace(first) || Self.isSpace(last) else { return text }
    var scalars = Substring(text)
    while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
    while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
    return String(scalars)
  }

  private func nhsNumber(_ row: some RecordFields, _ slices: FieldSlices) throws -> NHSNumber {
    if let bytes = plainText(slices, .nhsNumber), case .success(let number) = NHSNumber.parse(utf8: bytes) { return try allowed(number) }
    return try nhsNumber(row)
  }

  /// `number`, unless it is in a range the run rejects.
  private func allowed(_ number: NHSNumber) throws -> NHSNumber {
    for range in context.rejectedNumberRanges where range.contains(number.value) {
      throw Reject(
        reason: .testRangeNHSNumber,
        detail: "NHS number is in a range reserved for testing (rules/nhs-numbers.json); give --test-data to read test exports")
    }
    return number
  }

  private func nhsNumber(_ row: some RecordFields) throws -> NHSNumber {
    switch NHSNumber.parse(text(row, .nhsNumber) ?? "") {
    case .success(let number): return try allowed(number)
    // The detail never repeats the value: rejects.csv keeps the whole row for the data owner,
    // but a reason may be shown in logs and summaries.
    case .failure(let problem): throw Reject(reason: problem == .placeholder ? .placeholderNHSNumber : .invalidNHSNumber, detail: problem.description)
    }
  }

  /// A date read from the field's bytes when they are plain and good; anything else, including
  /// every failure, goes the string way, which says what is wrong.
  private func date(_ row: some RecordFields, _ slices: FieldSlices, _ field: CanonicalField, required: Bool, reason: RejectReason = .invalidDate) throws -> CalendarDate? {
    if let bytes = plainText(slices, field) {
      for format in layout.profile.dateFormats {
        guard let date = format.parse(utf8: bytes) else { continue }
        if let earliestPlausibleDate, date >= earliestPlausibleDate { return date }
        break
      }
    }
    return try self.date(row, field, required: required, reason: reason)
  }

  private func date(_ row: some RecordFields, _ field: CanonicalField, required: Bool, reason: RejectReason = .invalidDate) throws -> CalendarDate? {
    guard let value = text(row, field) else {
      if required { throw Reject(reason: reason, detail: "\(field.rawValue) is empty") }
      return nil
    }
    for format in layout.profile.dateFormats {
      if let date = format.parse(value) {
        guard date.year >= context.policy.earliestPlausibleYear else {
          throw Reject(reason: reason, detail: "\(field.rawValue) '\(value)' is before \(context.policy.earliestPlausibleYear)")
        }
        return date
      }
    }
    let formats = layout.profile.dateFormats.map(\.rawValue).joined(separator: " or ")
    throw Reject(reason: reason, detail: "\(field.rawValue) '\(value)' is not a real date in the form \(formats)")
  }

  private func mapped<T: RawRepresentable & CaseIterable>(_ row: some RecordFields, _ field: CanonicalField, as type: T.Type) throws -> T? where T.RawValue == String {
    guard let value = text(row, field) else { return nil }
    if let direct = T(rawValue: value) { return direct }
    let key = InputProfile.normalisedHeader(value)
    if let canonical = valueMaps[field]?[key], let mapped = T(rawValue: canonical) { return mapped }
    if let match = T.allCases.first(where: { InputProfile.normalisedHeader($0.rawValue) == key }) { return match }
    throw Reject(reason: .invalidValue, detail: "\(field.rawValue) '\(value)' is not a known value")
  }

  /// A decimal quantity: digits with at most one point. Rejects what `Double("...")` would
  /// wrongly accept from a spreadsheet: `NaN`, `inf`, `1e308`, hexadecimal.
  static func parseQuantity(_ text: String) -> Double? {
    var text = text
    return text.withUTF8 { parseQuantity(utf8: $0) }
  }

  static func parseQuantity(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    var sawDigit = false
    var sawPoint = false
    var digits = 0
    var whole: UInt64 = 0
    for (offset, byte) in bytes.enumerated() {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        sawDigit = true
        digits += 1
        whole = whole &* 10 &+ UInt64(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "."): if sawPoint { return nil } else { sawPoint = true }
      case UInt8(ascii: "+") where offset == 0: continue
      default: return nil
      }
    }
    guard sawDigit else { return nil }
    // A whole number of up to 15 digits is exact in a Double, as `Double(text)` would read it.
    if !sawPoint, digits <= 15 { return Double(whole) }
    guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
    return value
  }

  /// A positive quantity, from the bytes when they are plain and good, else the string way,
  /// which says what is wrong.
  private func quantity(_ row: some RecordFields, _ slices: FieldSlices) throws -> Double {
    if let bytes = plainText(slices, .quantity), let quantity = Self.parseQuantity(utf8: bytes), quantity > 0 { return quantity }
    guard let quantityText = text(row, .quantity) else { throw Reject(reason: .invalidQuantity, detail: "quantity is empty") }
    guard let quantity = Self.parseQuantity(quantityText), quantity > 0 else {
      throw Reject(reason: .invalidQuantity, detail: "quantity '\(quantityText)' is not a positive number")
    }
    return quantity
  }

  /// The product columns' bytes where they lie in the row (an empty column where the
  /// layout has none).
  private func productKey(_ row: FieldSlices) -> ProductColumns {
    func column(_ index: Int?) -> UnsafeBufferPointer<UInt8> {
      guard let index, index < row.count else { return UnsafeBufferPointer(start: nil, count: 0) }
      return row.field(index)
    }
    return ProductColumns(dmdCode: column(productColumns.dmd), bnfCode: column(productColumns.bnf), name: column(productColumns.name), unit: column(productColumns.unit))
  }

  // MARK: Kinds

  private func decodeSupply(_ row: some RecordFields, _ slices: FieldSlices, source: SourceRef) throws -> DecodedRow {
    // Each distinct product is read and classified once; its later rows make no strings for it.
    let key = productKey(slices)
    let known: KnownProduct
    if let remembered = products.product(for: key) {
      known = remembered
    } else {
      let dmd = text(row, .dmdCode)
      let bnf = text(row, .bnfCode)
      let name = text(row, .drugName)
      guard dmd != nil || bnf != nil || name != nil else {
        throw Reject(reason: .unknownProduct, detail: "no dm+d code, BNF code or drug name")
      }
      let identified = formulary.identify(dmdCode: dmd, bnfCode: bnf, name: name, unit: text(row, .quantityUnit))
      var flaggedIndex: Int?
      if let finding = identified.finding, let kept = identified.classification {
        flaggedIndex = flaggedProducts.count
        flaggedProducts.append(FlaggedProduct(finding: finding, dmdCode: dmd, bnfCode: bnf, name: name, kept: kept))
      }
      known = KnownProduct(
        dmdCode: dmd, bnfCode: bnf, name: name, classification: identified.classification, finding: identified.finding,
        flaggedIndex: flaggedIndex)
      products.remember(known, for: key)
    }
    guard let sharedProduct = known.sharedClassification else {
      let shown = [known.dmdCode.map { "dm+d '\($0)'" }, known.bnfCode.map { "BNF '\($0)'" }, known.name.map { "name '\($0)'" }].compactMap { $0 }
      throw Reject(reason: .unknownProduct, detail: "product not recognised: \(shown.joined(separator: ", "))")
    }
    let product = sharedProduct.classification
    guard product.role.isRespiratory else { return .outOfScope(.notAsthmaRelated) }

    let nhs = try nhsNumber(row, slices)
    let isIssue = layout.profile.kind == .gpPrescriptions
    let date = try date(row, slices, isIssue ? .issueDate : .dispensedDate, required: true)!
    if let flagged = known.flaggedIndex { flaggedProducts[flagged].count(on: date, at: source) }
    let dateOfBirth = try self.date(row, slices, .dateOfBirth, required: false, reason: .invalidDateOfBirth)
    if let dateOfBirth {
      if dateOfBirth > date { throw Reject(reason: .dateBeforeBirth, detail: "supplied on \(date) before the date of birth \(dateOfBirth)") }
      if dateOfBirth <= latestAdultBirth { return .outOfScope(.adult) }
    }
    if date > context.latestEvaluationDate { return .outOfScope(.notYetKnown) }

    let quantity = try quantity(row, slices)
    let unit = try remembered(units, slices, .quantityUnit) { () throws -> QuantityUnit? in
      guard let unitText = text(row, .quantityUnit) else { return nil }
      guard let parsed = formulary.quantityUnits.unit(for: unitText) else {
        throw Reject(reason: .invalidValue, detail: "quantity_unit '\(unitText)' is not a unit the formulary knows (quantity_units in rules/formulary/formulary.json)")
      }
      return parsed
    }
    guard let devices = formulary.devices(quantity: quantity, unit: unit, product: product),
      devices <= context.policy.maxDevicesPerSupply
    else {
      throw Reject(reason: .invalidQuantity, detail: "quantity '\(text(row, .quantity) ?? "")' is not a plausible supply of \(known.name ?? "this product")")
    }
    let supplyType = isIssue ? nil : try remembered(supplyTypes, slices, .supplyType) { try mapped(row, .supplyType, as: SupplyType.self) ?? .nhsPrescription }
    let siteField: CanonicalField = isIssue ? .practiceCode : .pharmacyCode
    let site = remembered(sites, slices, siteField) { (text(row, siteField) ?? "").uppercased() }
    let issueType = isIssue ? remembered(issueTypes, slices, .issueType) { text(row, .issueType)?.lowercased() } : nil
    return .supply(
      Supply(
        side: isIssue ? .gpIssue : .dispensing, nhsNumber: nhs, dateOfBirth: dateOfBirth, date: date,
        siteCode: site, productKey: known.productKey, drugName: known.name ?? "",
        sharing: sharedProduct, quantity: quantity, quantityUnit: unit, devices: devices,
        prescriptionID: text(row, .prescriptionID), supplyType: supplyType,
        issueType: issueType, source: source))
  }

  private func decodePlan(_ row: some RecordFields, source: SourceRef) throws -> DecodedRow {
    let nhs = try nhsNumber(row)
    guard let type = try mapped(row, .planType, as: PlanType.self) else {
      throw Reject(reason: .invalidValue, detail: "plan_type is empty")
    }
    let start = try date(row, .startDate, required: true)!
    let end = try date(row, .endDate, required: false)
    if let end, end < start { throw Reject(reason: .endBeforeStart, detail: "plan ends \(end) before it starts \(start)") }
    if start > context.latestEvaluationDate { return .outOfScope(.notYetKnown) }
    return .plan(SafeguardingPlan(nhsNumber: nhs, type: type, category: text(row, .category), start: start, end: end, localAuthority: text(row, .localAuthority), source: source))
  }

  private func decodeEvent(_ row: some RecordFields, source: SourceRef) throws -> DecodedRow {
    let nhs = try nhsNumber(row)
    guard let type = try mapped(row, .eventType, as: CareEventType.self) else {
      throw Reject(reason: .invalidValue, detail: "event_type is empty")
    }
    let date = try date(row, .eventDate, required: true)!
    let due = try self.date(row, .nextReviewDue, required: false)
    if date > context.latestEvaluationDate { return .outOfScope(.notYetKnown) }
    return .event(CareEvent(nhsNumber: nhs, date: date, type: type, snomedCode: text(row, .snomedCode), nextReviewDue: due, source: source))
  }
}
