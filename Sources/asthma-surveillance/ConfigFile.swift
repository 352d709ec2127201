import Foundation
import SurveillanceCore
import TOMLKit

/// `nightly --config FILE`: the options a nightly job gives every night, kept in a TOML file
/// whose keys are the long option names (`gp`, `pharmacy`, `out`, `store`, `max-reject-rate`,
/// ...). The file is turned into the arguments it stands for, and only for options the command
/// line does not give, so the command line always wins and a setting in the file is checked
/// exactly as the same option typed would be.
///
/// ```toml
/// gp = ["/srv/exports/gp.csv", "/srv/exports/gp-emis.csv"]
/// pharmacy = "/srv/exports/pharmacy.csv"
/// out = "/srv/asthma/out"
/// store = "/srv/asthma/store"
/// max-reject-rate = 0.02
/// ```
enum ConfigFile {
  /// The commands that take `--config`.
  static let commands: Set<String> = ["nightly"]

  struct Problem: Error, CustomStringConvertible {
    var description: String
  }

  /// `arguments` (without the program name) with `--config FILE` replaced by the file's
  /// settings, and a note naming the settings it gave, for a usage error that may be theirs.
  static func expand(_ arguments: [String]) throws -> (arguments: [String], note: String?) {
    guard let command = arguments.first, commands.contains(command) else { return (arguments, nil) }
    var rest = Array(arguments.dropFirst())
    guard let (path, index, width) = configOption(in: rest) else { return (arguments, nil) }
    rest.removeSubrange(index..<(index + width))
    let given = Set(rest.compactMap(optionName))
    let settings = try read(path)
    var expanded: [String] = []
    var taken: [String] = []
    for (key, values) in settings where !given.contains(key) {
      expanded.append("--" + key)
      expanded.append(contentsOf: values)
      taken.append(key)
    }
    let overridden = settings.map(\.key).filter(given.contains)
    Log.info(
      "settings from \(path): \(taken.isEmpty ? "none" : taken.joined(separator: ", "))"
        + (overridden.isEmpty ? "" : "; given on the command line instead: \(overridden.joined(separator: ", "))"))
    let note = "(options \(taken.map { "--" + $0 }.joined(separator: ", ")) came from the config file \(path))"
    return ([command] + expanded + rest, taken.isEmpty ? nil : note)
  }

  /// Where `--config FILE` or `--config=FILE` is, and how many arguments it takes.
  private static func configOption(in arguments: [String]) -> (path: String, index: Int, width: Int)? {
    for (index, argument) in arguments.enumerated() {
      if argument == "--" { return nil }
      if argument == "--config" {
        return index + 1 < arguments.count ? (arguments[index + 1], index, 2) : nil
      }
      if argument.hasPrefix("--config=") { return (String(argument.dropFirst("--config=".count)), index, 1) }
    }
    return nil
  }

  /// `gp` for `--gp` or `--gp=x`; `nil` for a value.
  private static func optionName(_ argument: String) -> String? {
    guard argument.hasPrefix("--"), argument.count > 2 else { return nil }
    return String(argument.dropFirst(2).prefix { $0 != "=" })
  }

  /// Each key and the argument values it stands for, in key order: a string or number is one
  /// value, an array one value per element, `true` a flag with none; `false` leaves the flag off.
  static func read(_ path: String) throws -> [(key: String, values: [String])] {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw Problem(description: "\(path): the config file cannot be read (\(FileErrorText.describe(error)))")
    }
    let table: TOMLTable
    do {
      table = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      throw Problem(description: "\(path): not valid TOML at line \(error.source.begin.line): \(error.description)")
    }
    var settings: [(key: String, values: [String])] = []
    for key in table.keys.sorted() {
      guard key.range(of: #"^[a-z][a-z0-9-]*$"#, options: .regularExpression) != nil else {
        throw Problem(description: "\(path): '\(key)' is not an option name (keys are long option names such as gp, out, max-reject-rate)")
      }
      if key == "config" { throw Problem(description: "\(path): a config file cannot name another config file") }
      guard let value = table[key] else { continue }
      if let flag = value.bool {
        if flag { settings.append((key, [])) }
      } else if let array = value.array {
        let values = array.map(scalar)
        guard values.allSatisfy({ $0 != nil }), !values.isEmpty else {
          throw Problem(description: "\(path): '\(key)' must be a list of strings or numbers")
        }
        settings.append((key, values.compactMap { $0 }))
      } else if let one = scalar(value) {
        settings.append((key, [one]))
      } else {
        throw Problem(description: "\(path): '\(key)' must be a string, a number, true or false, or a list")
      }
    }
    return settings
  }

  private static func scalar(_ value: any TOMLValueConvertible) -> String? {
    if let string = value.string { return string }
    if let int = value.int { return String(int) }
    if let double = value.double { return String(double) }
    return nil
  }
}
