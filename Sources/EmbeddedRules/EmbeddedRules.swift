/// The repository's `rules/` as it was when this executable was built, so that a copy of the
/// binary alone has the rules it was tested with.
///
/// The files are generated into this target by the `EmbedRulesPlugin` build-tool plugin from
/// `rules/`, which stays the only copy anyone edits. Read them through the frontend's
/// `RuleSource.embedded`, which checks and fingerprints them exactly as it does a folder.
public enum EmbeddedRules {
  /// Every file under `rules/`: its path inside `rules/` and its bytes in base64, in path order.
  public static let files: [(path: String, base64: String)] = generatedRuleFiles
}
