import Foundation

// Writes a Swift source file holding every file of a rules folder, for the EmbedRulesPlugin
// build-tool plugin.
//
// Usage: embed-rules RULES_DIR OUTPUT.swift
//
// Each file is a base64 string literal: a few hundred kilobytes of string literals compile in
// about a second (measured: 0.5 s debug, 1 s optimised), where the same bytes as an array
// literal of integers can take the type checker far longer. The bytes are copied as they are.

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 2 else {
  FileHandle.standardError.write(Data("usage: embed-rules RULES_DIR OUTPUT.swift\n".utf8))
  exit(2)
}
let rules = URL(fileURLWithPath: arguments[0], isDirectory: true)
let output = URL(fileURLWithPath: arguments[1])

/// Every regular file under the rules folder, as a path inside it, in path order, hidden files
/// included: the files the frontend's rules fingerprint hashes for a folder, so that the
/// embedded copy and the folder it came from have the same fingerprint.
let paths = (FileManager.default.enumerator(atPath: rules.path)?.compactMap { $0 as? String } ?? []).sorted().filter { path in
  var isDirectory: ObjCBool = false
  return FileManager.default.fileExists(atPath: rules.path + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
}
guard !paths.isEmpty else {
  FileHandle.standardError.write(Data("embed-rules: no files under \(rules.path)\n".utf8))
  exit(1)
}

/// `text` as a Swift string literal's contents (paths are plain, but a quote or backslash in
/// a file name must not break the generated file).
func escaped(_ text: String) -> String {
  text.unicodeScalars.map { scalar -> String in
    switch scalar {
    case "\"": return "\\\""
    case "\\": return "\\\\"
    case _ where scalar.value < 0x20 || scalar.value == 0x7F: return "\\u{\(String(scalar.value, radix: 16))}"
    default: return String(scalar)
    }
  }.joined()
}

var source = """
  // Generated at build time by embed-rules (Sources/embed-rules) from rules/: do not edit.
  // Edit the files under rules/ instead; the build embeds them again.

  /// Every file under rules/ when this executable was built: its path inside rules/ and its
  /// bytes in base64, in path order.
  let generatedRuleFiles: [(path: String, base64: String)] = [

  """
for path in paths {
  let file = rules.appendingPathComponent(path)
  guard let bytes = FileManager.default.contents(atPath: file.path) else {
    FileHandle.standardError.write(Data("embed-rules: cannot read \(file.path)\n".utf8))
    exit(1)
  }
  source += "  (\"\(escaped(path))\", \"\(bytes.base64EncodedString())\"),\n"
}
source += "]\n"

do {
  // Only when it changed: an unchanged file leaves the target's build as it was.
  if (try? Data(contentsOf: output)) != Data(source.utf8) {
    try Data(source.utf8).write(to: output, options: .atomic)
  }
} catch {
  FileHandle.standardError.write(Data("embed-rules: cannot write \(output.path): \(error)\n".utf8))
  exit(1)
}

#if FUZZING
  // The fuzz build (README, "Fuzzing") passes -sanitize=fuzzer and -DFUZZING to every target,
  // this build-time tool included. libFuzzer's runtime then needs a fuzz entry point to link;
  // this one is never called (the tool's own code above is still its entry point), and leak
  // checking is off so that Foundation's memory still held at exit does not fail the build.
  @_cdecl("LLVMFuzzerTestOneInput")
  public func unusedFuzzEntryPoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { 0 }

  @_cdecl("__asan_default_options")
  public func addressSanitizerOptions() -> UnsafePointer<CChar> {
    // A string literal's bytes are static and end in a NUL, as a C string's do.
    let options: StaticString = "detect_leaks=0"
    return UnsafeRawPointer(options.utf8Start).assumingMemoryBound(to: CChar.self)
  }
#endif
