import Foundation
import PackagePlugin

/// Builds the repository's `rules/` into the target it is applied to, so that a copy of the
/// executable alone runs every command from any folder.
///
/// Why a build-tool plugin: SwiftPM resources sit in a bundle folder beside the binary, which
/// a copied binary leaves behind; a generated source file travels inside it. `rules/` stays
/// the one copy people edit: nothing generated is committed.
///
/// What makes the build embed the rules again: every file under `rules/` is an input, so
/// editing one reruns the command; so is every folder, whose modification time changes when a
/// file is added to or removed from it. The tool lists the files itself when it runs, because
/// SwiftPM reuses this plugin's commands (and any list given to them) until the package's
/// plan changes, which adding a file to `rules/` does not do. One gap is left: a file put in
/// a folder made since that plan goes unseen until the plan changes (edit `Package.swift`, or
/// `swift package clean`); `RuleSourceTests` fails on it, comparing the embedded files with
/// `rules/`.
@main
struct EmbedRulesPlugin: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
    let rules = context.package.directoryURL.appendingPathComponent("rules", isDirectory: true)
    let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedRuleFiles.swift")
    return [
      .buildCommand(
        displayName: "Embedding the rules in \(target.name)",
        executable: try context.tool(named: "embed-rules").url,
        arguments: [rules.path, output.path],
        inputFiles: [rules] + Self.entries(under: rules).map { rules.appendingPathComponent($0) },
        outputFiles: [output])
    ]
  }

  /// Every file and folder under `rules`, as a path inside it.
  static func entries(under rules: URL) -> [String] {
    (FileManager.default.enumerator(atPath: rules.path)?.compactMap { $0 as? String } ?? []).sorted()
  }
}
