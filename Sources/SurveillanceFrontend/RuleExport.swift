import Foundation

extension RuleSource {
  /// Writes every rule file into `directory`, which must be new or empty, for a team to
  /// review, change and then use with `--rules DIR`. Returns how many files were written.
  ///
  /// Folders are 0755 and files 0644: rules hold no patient data and are meant to be read by
  /// others and committed. The files go into a hidden folder beside `directory` first and are
  /// moved into place only when all are written, so a failed write leaves no half-written rules.
  @discardableResult
  public func export(to directory: URL) throws(RuleExportError) -> Int {
    let manager = FileManager.default
    let target = directory.standardizedFileURL
    var isDirectory: ObjCBool = false
    if manager.fileExists(atPath: target.path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw .notAFolder(path: target.path) }
      let entries = (try? manager.contentsOfDirectory(atPath: target.path)) ?? []
      guard entries.isEmpty else { throw .notEmpty(path: target.path, entries: entries.count) }
    }
    let parent = target.deletingLastPathComponent()
    guard manager.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw .cannotWrite(path: target.path, detail: "the folder \(parent.path) does not exist")
    }
    let staging = parent.appendingPathComponent(".\(target.lastPathComponent).export-\(UUID().uuidString)")
    var published = false
    defer { if !published { try? manager.removeItem(at: staging) } }
    let paths = filePaths()
    do {
      try Self.makeFolder(staging)
      for path in paths {
        let file = staging.appendingPathComponent(path)
        try Self.makeFolder(file.deletingLastPathComponent())
        guard manager.createFile(atPath: file.path, contents: try contents(of: path)) else {
          throw RuleExportError.cannotWrite(path: file.path, detail: "the file could not be created")
        }
        try manager.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
      }
    } catch let error as RuleExportError {
      throw error
    } catch {
      throw .cannotWrite(path: target.path, detail: "\(error)")
    }
    if manager.fileExists(atPath: target.path) {
      // An empty folder that already exists keeps its own inode, owner and mode (it may be
      // someone's working folder): the staged entries move into it, each in one rename.
      for name in (try? manager.contentsOfDirectory(atPath: staging.path)) ?? [] {
        guard rename(staging.appendingPathComponent(name).path, target.appendingPathComponent(name).path) == 0 else {
          throw .cannotWrite(path: target.appendingPathComponent(name).path, detail: String(cString: strerror(errno)))
        }
      }
    } else {
      guard rename(staging.path, target.path) == 0 else {
        throw .cannotWrite(path: target.path, detail: String(cString: strerror(errno)))
      }
      published = true
    }
    return paths.count
  }

  /// Creates `folder` and any missing parents, readable by all (0755, whatever the umask).
  private static func makeFolder(_ folder: URL) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue { return }
    try makeFolder(folder.deletingLastPathComponent())
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
  }
}

/// Why `rules export` wrote nothing.
public enum RuleExportError: Error, CustomStringConvertible {
  /// The folder already holds files: exporting into it would mix two sets of rules.
  case notEmpty(path: String, entries: Int)
  /// Something other than a folder is at the path.
  case notAFolder(path: String)
  /// The folder or a file in it could not be written.
  case cannotWrite(path: String, detail: String)

  public var description: String {
    switch self {
    case .notEmpty(let path, let entries):
      return "\(path) is not empty (\(entries) entr\(entries == 1 ? "y" : "ies")): give a new or empty folder, so that the exported rules are not mixed with other files"
    case .notAFolder(let path): return "\(path) exists and is not a folder"
    case .cannotWrite(let path, let detail): return "cannot write \(path): \(detail)"
    }
  }
}
