import Foundation
import PackagePlugin

/// Builds the repository's `rules/` into the target it is applied to, so that a copy of the
/// executable alone runs every command from any folder.
///
/// Why a build-tool plugin: SwiftPM resources sit in a bundle folder beside the binary, which
/// a copied binary leaves behind; a generated source file travels inside it. `rules/` stays
/// the one copy people edit: nothing generated is committed, and every file under it is an
/// input of the command, so editing, adding or removing a rule rebuilds the embedded copy.
@main
struct EmbedRulesPlugin: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
    let rules = context.package.directoryURL.appendingPathComponent("rules", isDirectory: true)
    let paths = Self.filePaths(under: rules)
    let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedRuleFiles.swift")
    return [
      .buildCommand(
        displayName: "Embedding the rules in \(target.name)",
        executable: try context.tool(named: "embed-rules").url,
        // The paths are arguments as well as inputs: a file added or removed changes the
        // command itself, which makes the build run it again.
        arguments: [rules.path, output.path] + paths,
        inputFiles: paths.map { rules.appendingPathComponent($0) },
        outputFiles: [output])
    ]
  }

  /// Every regular file under `rules`, as a path inside it, in path order: the files the
  /// rules fingerprint hashes (hidden files included), so that the embedded copy and the
  /// folder it came from have the same fingerprint.
  static func filePaths(under rules: URL) -> [String] {
    let base = rules.path
    let found = (FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? []).sorted()
    return found.filter { path in
      var isDirectory: ObjCBool = false
      return FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
  }
}
