import CSVReading
import Foundation
import Testing

/// The csv-spectrum suite (https://github.com/maxogden/csv-spectrum), copied byte for byte
/// into `Fixtures/`: every CSV must read to exactly the rows of its JSON twin.
struct CSVSpectrumTests {
  static let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .appendingPathComponent("Fixtures/csv-spectrum")

  static let cases: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent("csvs").path)) ?? []
    return names.filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }.sorted()
  }()

  @Test func suiteIsPresent() {
    #expect(Self.cases.count == 11)
  }

  @Test(arguments: cases)
  func readsEveryCaseAsItsJSONSays(name: String) throws {
    let csv = Self.fixtures.appendingPathComponent("csvs/\(name).csv").path
    let json = try Data(contentsOf: Self.fixtures.appendingPathComponent("json/\(name).json"))
    let expected = try #require(try JSONSerialization.jsonObject(with: json) as? [[String: String]])

    var header: [String] = []
    var rows: [[String: String]] = []
    try CSVReader.read(fileAt: csv) { record in
      if header.isEmpty {
        header = record.fields
      } else {
        rows.append(Dictionary(uniqueKeysWithValues: zip(header, record.fields)))
      }
    }
    #expect(rows == expected)
  }

  @Test(arguments: [1, 2, 3, 7])
  func chunkBoundariesDoNotChangeTheRecords(chunkSize: Int) throws {
    for name in Self.cases {
      let path = Self.fixtures.appendingPathComponent("csvs/\(name).csv").path
      var whole: [[String]] = []
      try CSVReader.read(fileAt: path) { whole.append($0.fields) }
      var chunked: [[String]] = []
      try CSVReader.read(fileAt: path, chunkSize: chunkSize) { chunked.append($0.fields) }
      #expect(chunked == whole, "\(name) with chunk size \(chunkSize)")
    }
  }
}

extension CSVSpectrumTests {
  @Test(arguments: cases)
  func plainLinesReadAsLibcsvAloneReadsThem(name: String) throws {
    let path = Self.fixtures.appendingPathComponent("csvs/\(name).csv").path
    func records(plainLinesInPlace: Bool) throws -> [[String]] {
      var rows: [[String]] = []
      try CSVReader.read(fileAt: path, plainLinesInPlace: plainLinesInPlace) { rows.append($0.fields + ["line \($0.lineNumber)"]) }
      return rows
    }
    #expect(try records(plainLinesInPlace: true) == records(plainLinesInPlace: false))
  }
}
