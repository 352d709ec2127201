import Foundation

let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs the built `asthma-surveillance` binary as a user would.
struct CommandRunner {
  struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The binary SwiftPM built beside this test bundle. Every run of it here reads test data
  /// (the samples' NHS numbers are from the test range): the environment says so, and every
  /// process started from this one inherits it.
  static let binary: URL = {
    setenv("ASTHMA_SURVEILLANCE_TEST_DATA", "1", 1)
    var directory = Bundle.main.bundleURL
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("asthma-surveillance")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    return repositoryRoot.appendingPathComponent(".build/debug/asthma-surveillance")
  }()

  /// Runs `executable` (the built binary unless given a copy) in `directory` (the repository
  /// unless given another). A rules folder named in the caller's own environment is never
  /// passed on: a test gives `--rules` or `environment` when it means one.
  static func run(
    _ arguments: [String], environment: [String: String] = [:], executable: URL = binary, in directory: URL = repositoryRoot
  ) throws -> Output {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    env["ASTHMA_SURVEILLANCE_RULES"] = nil
    env["ASTHMA_SURVEILLANCE_TEST_DATA"] = "1"
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    let stderrData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Output(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
  }

  /// A fresh directory under the system temporary directory.
  /// Its name has no digits: paths appear in logs, and a run of ten random digits in one
  /// would look like an NHS number to the log scan.
  static func temporaryDirectory(_ name: String) -> URL {
    let letters = UUID().uuidString.map { character -> Character in
      guard let digit = character.wholeNumberValue else { return character }
      return Character(Unicode.Scalar(UInt8(ascii: "g") + UInt8(digit)))
    }
    return FileManager.default.temporaryDirectory.appendingPathComponent("asthma-cli-\(name)-\(String(letters))")
  }
}

/// Files a test writes on the fly.
func write(_ text: String, to url: URL) throws {
  try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
  try text.write(to: url, atomically: true, encoding: .utf8)
}

/// Reads `manifest.json`.
func manifest(in directory: URL) throws -> [String: Any] {
  let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
  return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
}

/// Strings shaped like an NHS number (ten digits, optionally spaced 3-3-4).
func nhsNumberShapedStrings(in text: String) -> [String] {
  let pattern = try! NSRegularExpression(pattern: "(?<![0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}(?![0-9])")
  let range = NSRange(text.startIndex..., in: text)
  return pattern.matches(in: text, range: range).map { String(text[Range($0.range, in: text)!]) }
}

extension CommandRunner {
  /// Runs `script` with /bin/sh from the repository root.
  static func shell(_ script: String) throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    process.currentDirectoryURL = repositoryRoot
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    let stderrData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Output(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
  }
}
