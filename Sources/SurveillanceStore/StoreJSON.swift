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
