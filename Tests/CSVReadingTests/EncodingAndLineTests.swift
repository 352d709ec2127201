import CSVReading
import Testing

/// Encodings, line endings and line numbers as real exports produce them.
struct EncodingAndLineTests {
  func records(_ text: [UInt8], chunkSize: Int = CSVReader.defaultChunkSize) throws -> (rows: [[String]], lines: [Int], summary: CSVReadSummary) {
    var rows: [[String]] = []
    var lines: [Int] = []
    let summary = try CSVReader.read(bytes: text, chunkSize: chunkSize) { record in
      rows.append(record.fields)
      lines.append(record.lineNumber)
    }
    return (rows, lines, summary)
  }

  @Test func utf8ByteOrderMarkIsStrippedFromTheFirstHeader() throws {
    let result = try records([0xEF, 0xBB, 0xBF] + Array("nhs_number,drug\n1,a\n".utf8))
    #expect(result.rows[0] == ["nhs_number", "drug"])
    #expect(result.summary.encoding == "utf-8-bom")
  }

  @Test func windows1252PoundSignIsConverted() throws {
    // "Price £5" in Windows-1252: the pound sign is the single byte 0xA3.
    let bytes = Array("a,b\n1,Price ".utf8) + [0xA3] + Array("5\n".utf8)
    let result = try records(bytes)
    #expect(result.rows[1] == ["1", "Price £5"])
    #expect(result.summary.encoding == "windows-1252")
    #expect(result.summary.windows1252Records == 1)
  }

  @Test func windows1252CurlyQuotesAndEuroAreConverted() throws {
    let bytes: [UInt8] = Array("x\n".utf8) + [0x93, 0x80, 0x94, 0x0A]
    #expect(try records(bytes).rows[1] == ["\u{201C}€\u{201D}"])
  }

  @Test func utf8PoundSignStaysUTF8() throws {
    let result = try records(Array("a\n£5\n".utf8))
    #expect(result.rows[1] == ["£5"])
    #expect(result.summary.encoding == "utf-8")
  }

  @Test func utf16IsRefusedWithAPlainMessage() throws {
    #expect(throws: CSVReadingError.unsupportedEncoding(source: "<memory>", encoding: "UTF-16")) {
      try records([0xFF, 0xFE, 0x61, 0x00])
    }
  }

  @Test func lineNumbersCountPhysicalLinesThroughQuotedNewlines() throws {
    let text = "h1,h2\r\nA,\"two\r\nlines\"\r\n\r\nB,x\nC,\"a\nb\nc\"\nD,y"
    for chunk in [1, 3, 1024] {
      let result = try records(Array(text.utf8), chunkSize: chunk)
      #expect(result.rows.map(\.first) == ["h1", "A", "B", "C", "D"])
      #expect(result.lines == [1, 2, 5, 6, 9], "chunk size \(chunk)")
      #expect(result.summary.lines == 9)
    }
  }

  /// Excel for Mac's older "CSV" format, like classic Mac OS, ends every line in a carriage
  /// return alone. Such a file reads as the same file with newlines: the same records, on the
  /// same lines, through quoted line breaks and blank lines, however it is chunked.
  @Test func linesEndingInACarriageReturnAloneAreNumberedAsNewlinesWouldBe() throws {
    let withNewlines = "h1,h2\nA,\"two\nlines\"\n\nB,x\nC,y\n"
    let withCarriageReturns = withNewlines.replacing("\n", with: "\r")
    for chunk in [1, 2, 3, 5, 1024] {
      let expected = try records(Array(withNewlines.utf8), chunkSize: chunk)
      let result = try records(Array(withCarriageReturns.utf8), chunkSize: chunk)
      #expect(result.rows.map(\.first) == ["h1", "A", "B", "C"], "chunk size \(chunk)")
      #expect(result.rows[1] == ["A", "two\rlines"])
      #expect(result.lines == expected.lines, "chunk size \(chunk)")
      #expect(result.lines == [1, 2, 5, 6])
      #expect(result.summary.lines == expected.summary.lines)
    }
    // Without a final line end, and with a byte-order mark before the header.
    let unfinished = [0xEF, 0xBB, 0xBF] + Array("h\ra\rb".utf8)
    for chunk in [3, 4, 1024] {  // a byte-order mark is looked for in the first read
      let result = try records(unfinished, chunkSize: chunk)
      #expect(result.rows == [["h"], ["a"], ["b"]], "chunk size \(chunk)")
      #expect(result.lines == [1, 2, 3], "chunk size \(chunk)")
      #expect(result.summary.lines == 3)
    }
  }

  @Test func aCarriageReturnBeforeANewlineIsStillOneLineEnd() throws {
    for chunk in [1, 2, 1024] {
      let result = try records(Array("h1,h2\r\na,b\r\nc,d".utf8), chunkSize: chunk)
      #expect(result.rows == [["h1", "h2"], ["a", "b"], ["c", "d"]], "chunk size \(chunk)")
      #expect(result.lines == [1, 2, 3])
    }
  }

  @Test func spacesArePartOfTheField() throws {
    #expect(try records(Array(" a , b \n".utf8)).rows == [[" a ", " b "]])
  }

  @Test func unterminatedQuoteAtEndOfFileIsAnErrorNamingItsLine() throws {
    #expect(throws: CSVReadingError.unterminatedQuote(source: "<memory>", line: 3)) {
      try records(Array("a,b\n1,2\n3,\"never closed\n4,5\n".utf8))
    }
  }

  @Test func raggedRowsAreDeliveredAsTheyAre() throws {
    #expect(try records(Array("a,b,c\n1,2\n1,2,3,4\n".utf8)).rows.map(\.count) == [3, 2, 4])
  }

  @Test func errorsThrownByTheCallerStopTheReadAndPropagate() throws {
    struct Stop: Error {}
    var seen = 0
    #expect(throws: Stop.self) {
      try CSVReader.read(bytes: Array("a\n1\n2\n3\n".utf8)) { _ in
        seen += 1
        if seen == 2 { throw Stop() }
      }
    }
    #expect(seen == 2)
  }

  @Test func emptyInputGivesNoRecords() throws {
    let result = try records([])
    #expect(result.rows.isEmpty)
    #expect(result.summary.lines == 0)
  }

  @Test func missingFileIsAnError() {
    #expect(throws: CSVReadingError.self) {
      try CSVReader.read(fileAt: "/nonexistent/file.csv") { _ in }
    }
  }
}
