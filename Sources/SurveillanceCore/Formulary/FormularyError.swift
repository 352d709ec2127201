/// Problems that stop a formulary from loading. Each names the file and, where it matters, the
/// medicine class, so that whoever edits `rules/formulary/formulary.json` can find the fault.
public enum FormularyError: Error, CustomStringConvertible, Equatable {
  /// The definition file is not valid JSON, or a field has the wrong type.
  case malformedDefinition(file: String, detail: String)
  /// A file could not be read.
  case unreadable(file: String, detail: String)
  /// A class names a codelist that was not supplied.
  case missingCodelist(file: String, classID: String)
  /// A codelist has no header row.
  case emptyCodelist(file: String, classID: String)
  /// A class names a column that the codelist's header does not have.
  case missingColumn(file: String, column: String, classID: String)
  /// Two classes share an id.
  case duplicateClass(classID: String)
  /// A pattern names a term set that the file does not define.
  case unknownTermSet(classID: String, termSet: String)
  /// Something cites a source id that the `sources` block does not define.
  case unknownSource(context: String, sourceID: String)
  /// A class or a number cites no source at all.
  case missingSource(context: String)
  /// A number that must be positive is not.
  case invalidNumber(context: String, value: Double)
  /// A BNF pattern is not a prefix or a `prefix%suffix` pattern.
  case invalidBNFPattern(classID: String, pattern: String)
  /// The BNF code structure block is inconsistent.
  case invalidBNFStructure(detail: String)
  /// A class name pattern has neither `any_of` nor `all_of`, so it would claim every product.
  case namePatternMatchesEverything(classID: String)
  /// Name patterns use more distinct words than the matcher holds.
  case tooManyTerms(count: Int, limit: Int)
  /// One quantity unit spelling is given two meanings.
  case duplicateUnitSpelling(String)

  public var description: String {
    switch self {
    case .malformedDefinition(let file, let detail):
      return "\(file): not a valid formulary definition: \(detail)"
    case .unreadable(let file, let detail):
      return "\(file): cannot be read: \(detail)"
    case .missingCodelist(let file, let classID):
      return "formulary class '\(classID)': codelist '\(file)' was not found in rules/codelists/"
    case .emptyCodelist(let file, let classID):
      return "formulary class '\(classID)': codelist '\(file)' has no header row"
    case .missingColumn(let file, let column, let classID):
      return "formulary class '\(classID)': codelist '\(file)' has no column '\(column)'"
    case .duplicateClass(let classID):
      return "formulary: class id '\(classID)' is used twice"
    case .unknownTermSet(let classID, let termSet):
      return "formulary class '\(classID)': unknown term set '\(termSet)'"
    case .unknownSource(let context, let sourceID):
      return "formulary \(context): cites source '\(sourceID)', which the sources block does not define"
    case .missingSource(let context):
      return "formulary \(context): cites no source; every class and number needs one (or 'project_choice')"
    case .invalidNumber(let context, let value):
      return "formulary \(context): \(value) must be a positive number"
    case .invalidBNFPattern(let classID, let pattern):
      return "formulary class '\(classID)': BNF pattern '\(pattern)' must be letters and digits, with at most one '%'"
    case .invalidBNFStructure(let detail):
      return "formulary bnf_code_structure: \(detail)"
    case .namePatternMatchesEverything(let classID):
      return "formulary class '\(classID)': a name pattern needs any_of or all_of, or it matches every product"
    case .tooManyTerms(let count, let limit):
      return "formulary: name patterns use \(count) distinct words; at most \(limit) are supported"
    case .duplicateUnitSpelling(let spelling):
      return "formulary quantity_units: '\(spelling)' is listed under two units"
    }
  }
}
