import Foundation
import SurveillanceCore

/// The small JSON values some columns hold (figures in rule order, evidence, counts by
/// reason), written with the core's fixed-order writer and read back with Foundation.
enum StoreJSON {
  static func array(of strings: [String]) -> String {
    var json = JSONText()
    json.beginArray()
    for string in strings { json.string(nil, string) }
    json.endArray()
    return json.text
  }

  /// `[[file, line], ...]`: indexes into the run's `runInput` rows.
  static func sourceRefs(_ refs: [SourceRef]) -> String {
    var json = JSONText()
    json.beginArray()
    for ref in refs { json.raw(nil, "[\(ref.file),\(ref.line)]") }
    json.endArray()
    return json.text
  }

  /// `[{"name": ..., "value": ...} or {"name": ..., "date": ...}]`, keeping the rule's order.
  static func metrics(_ figures: [Signal.NamedFigure]) -> String {
    var json = JSONText()
    json.beginArray()
    for figure in figures {
      json.beginObject()
      json.string("name", figure.name)
      if let date = figure.date { json.string("date", date.description) } else { json.number("value", figure.value) }
      json.endObject()
    }
    json.endArray()
    return json.text
  }

  /// `{"key": count}` in key order.
  static func counts(_ counts: [String: Int]) -> String {
    var json = JSONText()
    json.beginObject()
    for key in counts.keys.sorted() { json.int(key, counts[key]!) }
    json.endObject()
    return json.text
  }

  static func signalsByRule(_ counts: [String: [Severity: Int]]) -> String {
    var json = JSONText()
    json.beginObject()
    for rule in counts.keys.sorted() {
      json.beginObject(rule)
      for severity in Severity.allCases where counts[rule]![severity] != nil { json.int(severity.rawValue, counts[rule]![severity]!) }
      json.endObject()
    }
    json.endObject()
    return json.text
  }

  /// `[[name, value], ...]` for ordered pairs; `value` is already JSON.
  static func pairs(_ pairs: [(String, String)]) -> String {
    var json = JSONText()
    json.beginArray()
    for (name, value) in pairs { json.raw(nil, "[\(JSONText.quoted(name)),\(value)]") }
    json.endArray()
    return json.text
  }

  /// A GP issue's own product and quantity (`supply.issueProduct`) as the fields in which it
  /// differs from `base`, the dispensing's, in a fixed order: `{"quantity":1,"quantityUnit":"device"}`.
  /// A field that the issue lacks and the dispensing has is written as `null`.
  static func supplyItem(_ item: SupplyItem, against base: SupplyItem) -> String {
    var json = JSONText()
    json.beginObject()
    let (product, baseProduct) = (item.product, base.product)
    if item.productKey != base.productKey { json.string("productKey", item.productKey) }
    if item.drugName != base.drugName { json.string("drugName", item.drugName) }
    if item.quantity != base.quantity { json.number("quantity", item.quantity) }
    if item.quantityUnit != base.quantityUnit { json.string("quantityUnit", item.quantityUnit?.rawValue) }
    if item.devices != base.devices { json.int("devices", item.devices) }
    if product.role != baseProduct.role { json.string("role", product.role.rawValue) }
    if product.classID != baseProduct.classID { json.string("classId", product.classID) }
    if product.containsICS != baseProduct.containsICS { json.bool("containsIcs", product.containsICS) }
    func count(_ key: String, _ value: Int?, _ baseValue: Int?) {
      if value != baseValue { json.raw(key, value.map(String.init) ?? "null") }
    }
    count("dosesPerDevice", product.dosesPerDevice, baseProduct.dosesPerDevice)
    count("unitsPerDevice", product.unitsPerDevice, baseProduct.unitsPerDevice)
    count("daysPerDevice", product.daysPerDevice, baseProduct.daysPerDevice)
    count("minimumAgeYears", product.minimumAgeYears, baseProduct.minimumAgeYears)
    if product.matchedBy != baseProduct.matchedBy { json.string("matchedBy", product.matchedBy.rawValue) }
    json.endObject()
    return json.text
  }

  // MARK: Reading

  // JSONDecoder, not JSONSerialization: on Linux only the decoder turns the shortest
  // round-trip text of a Double back into the same Double.

  private static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
    try? JSONDecoder().decode(type, from: Data(text.utf8))
  }

  static func strings(_ text: String) -> [String] { decode([String].self, text) ?? [] }

  static func readSourceRefs(_ text: String) -> [SourceRef] {
    (decode([[Int]].self, text) ?? []).compactMap { pair in pair.count == 2 ? SourceRef(file: pair[0], line: pair[1]) : nil }
  }

  private struct MetricJSON: Decodable {
    var name: String
    var value: Double?
    var date: String?
  }

  static func readMetrics(_ text: String) -> [Signal.NamedFigure] {
    (decode([MetricJSON].self, text) ?? []).map { metric in
      if let date = metric.date.flatMap({ CalendarDate(iso: $0) }) { return Signal.NamedFigure(name: metric.name, value: nil, date: date) }
      return Signal.NamedFigure(name: metric.name, value: metric.value)
    }
  }

  /// The fields of `supply.issueProduct`: each absent (the dispensing's), null or a value.
  private struct SupplyItemDifferences: Decodable {
    enum Field<Value: Decodable> {
      case same
      case value(Value?)
      func applied(to base: Value?) -> Value? {
        if case .value(let value) = self { return value }
        return base
      }
    }

    var productKey: Field<String>, drugName: Field<String>, quantity: Field<Double>, quantityUnit: Field<String>
    var devices: Field<Int>, role: Field<String>, classId: Field<String>, containsIcs: Field<Bool>
    var dosesPerDevice: Field<Int>, unitsPerDevice: Field<Int>, daysPerDevice: Field<Int>, minimumAgeYears: Field<Int>, matchedBy: Field<String>

    private enum Keys: String, CodingKey {
      case productKey, drugName, quantity, quantityUnit, devices, role, classId, containsIcs, dosesPerDevice, unitsPerDevice,
        daysPerDevice, minimumAgeYears, matchedBy
    }

    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: Keys.self)
      func field<Value: Decodable>(_ key: Keys) throws -> Field<Value> {
        guard container.contains(key) else { return .same }
        return .value(try container.decodeNil(forKey: key) ? nil : try container.decode(Value.self, forKey: key))
      }
      productKey = try field(.productKey)
      drugName = try field(.drugName)
      quantity = try field(.quantity)
      quantityUnit = try field(.quantityUnit)
      devices = try field(.devices)
      role = try field(.role)
      classId = try field(.classId)
      containsIcs = try field(.containsIcs)
      dosesPerDevice = try field(.dosesPerDevice)
      unitsPerDevice = try field(.unitsPerDevice)
      daysPerDevice = try field(.daysPerDevice)
      minimumAgeYears = try field(.minimumAgeYears)
      matchedBy = try field(.matchedBy)
    }
  }

  /// The GP issue's item: `base` with the differences in `text` applied; `nil` when the text
  /// cannot be read in full.
  static func readSupplyItem(_ text: String, against base: SupplyItem) -> SupplyItem? {
    guard let changes = decode(SupplyItemDifferences.self, text) else { return nil }
    let product = base.product
    guard let productKey = changes.productKey.applied(to: base.productKey), let drugName = changes.drugName.applied(to: base.drugName),
      let quantity = changes.quantity.applied(to: base.quantity), let devices = changes.devices.applied(to: base.devices),
      let role = changes.role.applied(to: product.role.rawValue).flatMap(MedicineRole.init(rawValue:)),
      let classID = changes.classId.applied(to: product.classID), let containsICS = changes.containsIcs.applied(to: product.containsICS),
      let matchedBy = changes.matchedBy.applied(to: product.matchedBy.rawValue).flatMap(MatchMethod.init(rawValue:))
    else { return nil }
    var unit = base.quantityUnit
    if case .value(let text) = changes.quantityUnit {
      unit = nil
      if let text {
        guard let known = QuantityUnit(rawValue: text) else { return nil }
        unit = known
      }
    }
    return SupplyItem(
      productKey: productKey, drugName: drugName, quantity: quantity, quantityUnit: unit, devices: devices,
      product: ProductClassification(
        role: role, classID: classID, containsICS: containsICS, dosesPerDevice: changes.dosesPerDevice.applied(to: product.dosesPerDevice),
        unitsPerDevice: changes.unitsPerDevice.applied(to: product.unitsPerDevice),
        daysPerDevice: changes.daysPerDevice.applied(to: product.daysPerDevice),
        minimumAgeYears: changes.minimumAgeYears.applied(to: product.minimumAgeYears), matchedBy: matchedBy))
  }

  static func readCounts(_ text: String) -> [String: Int] { decode([String: Int].self, text) ?? [:] }

  static func readSignalsByRule(_ text: String) -> [String: [Severity: Int]] {
    var result: [String: [Severity: Int]] = [:]
    for (rule, counts) in decode([String: [String: Int]].self, text) ?? [:] {
      for (severity, count) in counts {
        if let severity = Severity(rawValue: severity) { result[rule, default: [:]][severity] = count }
      }
    }
    return result
  }

  /// `[name, value]`, decoded from a two-element array.
  private struct Pair<Value: Decodable>: Decodable {
    var name: String
    var value: Value

    init(from decoder: any Decoder) throws {
      var container = try decoder.unkeyedContainer()
      name = try container.decode(String.self)
      value = try container.decode(Value.self)
    }
  }

  static func readPairs<Value: Decodable>(_ text: String, as: Value.Type) -> [(String, Value)] {
    (decode([Pair<Value>].self, text) ?? []).map { ($0.name, $0.value) }
  }
}
