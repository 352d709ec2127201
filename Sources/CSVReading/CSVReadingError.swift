/// Why a file could not be read as CSV at all. Row-level problems are not errors: the row
/// decoder turns them into rejected rows.
public enum CSVReadingError: Error, CustomStringConvertible, Equatable {
  /// The file could not be opened.
  case cannotOpen(path: String, reason: String)
  /// Reading failed part-way (an I/O error, not a CSV problem).
  case readFailed(path: String, reason: String)
  /// The file is in an encoding the tool does not read (UTF-16 from "Unicode text" exports).
  case unsupportedEncoding(source: String, encoding: String)
  /// The file ends inside a quoted field; everything after its opening quote would be lost.
  case unterminatedQuote(source: String, line: Int)
  /// libcsv stopped; `reason` is its own message.
  case parser(source: String, line: Int, reason: String)
  /// A segment that starts mid-file read far past its end without reaching a record
  /// boundary: its start was probably inside a quoted field. The caller reads on from the
  /// segment before it instead; a user never sees this.
  case segmentOverrun(source: String, start: Int)

  public var description: String {
    switch self {
    case let .cannotOpen(path, reason):
      return "\(path): cannot open: \(reason)"
    case let .readFailed(path, reason):
      return "\(path): read failed: \(reason)"
    case let .unsupportedEncoding(source, encoding):
      return "\(source): the file is \(encoding), which this tool does not read; save it as UTF-8 CSV (or Windows-1252) and run again"
    case let .unterminatedQuote(source, line):
      return "\(source): line \(line): a quoted field opens here and is never closed before the end of the file; the file is probably truncated"
    case let .parser(source, line, reason):
      return "\(source): line \(line): CSV could not be parsed: \(reason)"
    case let .segmentOverrun(source, start):
      return "\(source): the segment from byte \(start) found no record boundary near its end"
    }
  }
}
