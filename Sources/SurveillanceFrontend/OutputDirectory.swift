import CSystemCalls
import Foundation
import SurveillanceCore

#if canImport(Glibc)
  import Glibc
#endif

/// Where a run writes, with the permissions patient data needs: the directory is created
/// owner-only (0700), each file is written to a temporary name with mode 0600, flushed, and
/// renamed into place, so that a reader never sees half a file and a failed run leaves the
/// previous file intact.
public struct OutputDirectory: Sendable {
  public let url: URL

  /// `holdsSingleFiles`: the directory only receives files (each 0600, renamed into place),
  /// never swapped for a generation, so an existing one that others can list is fine: a
  /// report written into a home folder, say.
  public init(path: String, holdsSingleFiles: Bool = false) throws(OutputError) {
    url = URL(fileURLWithPath: path, isDirectory: true)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw .notADirectory(path) }
      // Publishing swaps in an owner-only directory: an existing one that others can reach
      // would silently stop being theirs. Refuse it, with the fix, as a store does.
      let mode = (try? FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) ?? 0
      if !holdsSingleFiles, mode & 0o077 != 0 { throw .readableByOthers(path, mode: mode) }
    } else {
      try Self.makeDirectories(url.standardizedFileURL.path, given: path)
    }
  }

  /// `mkdir -p` with owner-only folders, failing in the system's words ("not a directory",
  /// "permission denied") for the first folder that cannot be made.
  private static func makeDirectories(_ absolute: String, given: String) throws(OutputError) {
    var prefix = ""
    for component in absolute.split(separator: "/") {
      prefix += "/" + component
      if mkdir(prefix, 0o700) != 0, errno != EEXIST {
        throw .cannotCreate(given, String(cString: strerror(errno)).lowercased())
      }
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw .cannotCreate(given, "a part of the path is a file")
    }
  }

  /// Writes `text` to `name` atomically with mode 0600.
  public func write(_ text: String, to name: String) throws(OutputError) {
    try Self.writeFile(text, to: url.appendingPathComponent(name).path)
  }

  /// Removes `name` if it is there: a file an earlier report wrote that this one must not
  /// leave beside its own.
  public func remove(_ name: String) throws(OutputError) {
    let path = url.appendingPathComponent(name).path
    if unlink(path) != 0, errno != ENOENT { throw .cannotRemove(path, String(cString: strerror(errno))) }
  }

  /// Writes `text` to the file at `final` through a temporary name, flushed, then renamed.
  static func writeFile(_ text: String, to final: String) throws(OutputError) {
    var utf8 = text
    try utf8.withUTF8 { bytes in Result { () throws(OutputError) in try writeFile([bytes], to: final) } }.get()
  }

  /// Writes `parts`, one after another, to the file at `final` as `writeFile(_:to:)` does.
  static func writeFile(_ parts: [UnsafeBufferPointer<UInt8>], to final: String) throws(OutputError) {
    let file = try OutputFileWriter(final: final)
    for bytes in parts { try file.append(bytes) }
    try file.finish()
  }
}

/// Why outputs could not be written.
public enum OutputError: Error, CustomStringConvertible {
  case notADirectory(String)
  case cannotCreate(String, String)
  case cannotWrite(String, String)
  case cannotRemove(String, String)
  /// An existing output directory that group or others can read or enter.
  case readableByOthers(String, mode: Int)

  public var description: String {
    switch self {
    case .notADirectory(let path): return "\(path): exists and is not a directory"
    case .cannotCreate(let path, let reason): return "\(path): cannot create the output directory: \(reason)"
    case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason); the previous file, if any, is unchanged"
    case .cannotRemove(let path, let reason): return "\(path): cannot remove this file, which an earlier report wrote and this one must not leave beside it: \(reason)"
    case .readableByOthers(let path, let mode):
      return "\(path): the output directory has mode \(String(mode, radix: 8)), so others could read the patient data written into it (and a run makes it owner-only); run `chmod 700 \(path)`, or give a new directory for --out"
    }
  }
}

/// One run's set of outputs, written beside the output directory and then swapped in as a
/// whole.
///
/// A run killed at any moment, or failing on a full disk, leaves the previous outputs as
/// they were: until `publish()` the new files live in a hidden sibling directory, and
/// publishing exchanges the two directories in one `renameat2(RENAME_EXCHANGE)` call. Files
/// in the output directory that the run does not write (a store, notes) are carried over.
public final class OutputGeneration: @unchecked Sendable {
  public let final: URL
  public let staging: URL
  private var published = false
  /// Names in the output directory that publishing must not carry over from the previous
  /// outputs: files a run of another kind wrote, which would no longer describe these.
  private var notCarriedOver: Set<String> = []

  init(final: URL) throws(OutputError) {
    self.final = final
    let parent = final.deletingLastPathComponent()
    staging = parent.appendingPathComponent(".\(final.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    Self.removeStalePartials(beside: final)
    guard mkdir(staging.path, 0o700) == 0 else { throw .cannotCreate(staging.path, String(cString: strerror(errno))) }
  }

  deinit {
    if !published { try? FileManager.default.removeItem(at: staging) }
  }

  /// Writes one output file into the generation (mode 0600, flushed to disk).
  public func write(_ text: String, to name: String) throws(OutputError) {
    try OutputDirectory.writeFile(text, to: staging.appendingPathComponent(name).path)
  }

  /// Writes UTF-8 `parts`, one after another, as one output file (as `write(_:to:)`): large
  /// outputs rendered in pieces on several cores are not joined into one string first.
  public func write(_ parts: [[UInt8]], to name: String) throws(OutputError) {
    let path = staging.appendingPathComponent(name).path
    try Self.withBuffers(parts[...]) { buffers throws(OutputError) in try OutputDirectory.writeFile(buffers, to: path) }
  }

  /// Opens one output file to be written in pieces as the run produces them (a large area's
  /// rows, pass by pass), so that no more than a piece is held; ``OutputFileWriter/finish()``
  /// flushes it and puts it in place, as `write(_:to:)` does. `bypassingPageCache`: for a
  /// large file nothing in this process reads again (see ``OutputFileWriter``).
  public func writer(for name: String, bypassingPageCache: Bool = false) throws(OutputError) -> OutputFileWriter {
    try OutputFileWriter(final: staging.appendingPathComponent(name).path, bypassingPageCache: bypassingPageCache)
  }

  /// Makes a folder (owner-only) in the generation for files written as `folder/name`.
  public func makeFolder(_ name: String) throws(OutputError) {
    let path = staging.appendingPathComponent(name).path
    guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw .cannotCreate(path, String(cString: strerror(errno))) }
  }

  /// Says that `names`, where the previous outputs have them and this generation does not,
  /// go with the previous outputs rather than being carried over.
  public func dropFromPrevious(_ names: [String]) {
    notCarriedOver.formUnion(names)
  }

  /// Calls `body` with a pointer to each array's bytes, all valid at once.
  private static func withBuffers(
    _ parts: ArraySlice<[UInt8]>, _ held: [UnsafeBufferPointer<UInt8>] = [], _ body: ([UnsafeBufferPointer<UInt8>]) throws(OutputError) -> Void
  ) throws(OutputError) {
    guard let first = parts.first else { return try body(held) }
    try first.withUnsafeBufferPointer { buffer throws(OutputError) in try withBuffers(parts.dropFirst(), held + [buffer], body) }
  }

  /// Makes the generation the output directory's contents, atomically.
  public func publish() throws(OutputError) {
    let manager = FileManager.default
    let ours = Set((try? manager.contentsOfDirectory(atPath: staging.path)) ?? [])
    if manager.fileExists(atPath: final.path) {
      // Carry over what this run does not write, so that it survives the exchange.
      for name in (try? manager.contentsOfDirectory(atPath: final.path)) ?? [] where !ours.contains(name) && !notCarriedOver.contains(name) {
        if rename(final.appendingPathComponent(name).path, staging.appendingPathComponent(name).path) != 0 {
          throw .cannotWrite(final.appendingPathComponent(name).path, String(cString: strerror(errno)))
        }
      }
      if csys_exchange_paths(staging.path, final.path) != 0 {
        // File systems without RENAME_EXCHANGE: two renames, a moment without the directory.
        let old = staging.path + ".old"
        guard rename(final.path, old) == 0, rename(staging.path, final.path) == 0 else {
          throw .cannotWrite(final.path, String(cString: strerror(errno)))
        }
        try? manager.removeItem(atPath: old)
        published = true
        return
      }
      published = true
      try? manager.removeItem(at: staging)  // now the previous generation
    } else {
      guard rename(staging.path, final.path) == 0 else { throw .cannotWrite(final.path, String(cString: strerror(errno))) }
      published = true
    }
  }

  /// Partial generations left by killed runs of this output directory, whose process is gone.
  private static func removeStalePartials(beside final: URL) {
    let parent = final.deletingLastPathComponent()
    let prefix = ".\(final.lastPathComponent).partial-"
    for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(prefix) {
      let pid = Int32(name.dropFirst(prefix.count).prefix { $0.isNumber }) ?? 0
      if pid > 0, kill(pid, 0) != 0, errno == ESRCH {
        try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
      }
    }
  }
}

extension OutputDirectory {
  /// Starts a generation of outputs that replaces this directory's as a whole.
  public func beginGeneration() throws(OutputError) -> OutputGeneration {
    try OutputGeneration(final: url)
  }
}

/// One output file written piece by piece under a temporary name, flushed, then renamed: a
/// file is never seen half written under its own name. A writer let go of before `finish()`
/// (a failed run) removes its temporary file.
///
/// `bypassingPageCache` writes the file straight to the device (Linux `O_DIRECT`) in whole
/// blocks from one reused buffer, the last block padded and the file cut back to its length.
/// The file is flushed to disk before it is named anyway, so the page cache only adds a copy
/// into pages the kernel must find and clear first: on this project's virtual machine, 110 to
/// 130 MB/s against 1.5 to 2 GB/s direct (`dd`), a second of the CPU for an area's 124 MB of
/// signals. Where the file system will not take it (tmpfs on older kernels, some network
/// file systems), the writer says nothing and writes through the page cache as before.
public final class OutputFileWriter {
  private let final: String
  private let temporary: String
  private var fd: Int32
  /// Opened to bypass the page cache: the bytes not yet written, in block-aligned memory.
  private var staged: UnsafeMutableRawBufferPointer?
  private var stagedCount = 0
  /// Whether writes still bypass the page cache (the file system may refuse them).
  public private(set) var bypassing = false
  /// How many bytes the file holds so far.
  private var length = 0

  /// Alignment and size for direct writes: 4 KiB covers every block device's logical block.
  static let blockBytes = 4096
  /// Bytes gathered before each direct write.
  static let stagingBytes = 4 << 20

  init(final: String, bypassingPageCache: Bool = false) throws(OutputError) {
    self.final = final
    let directory = (final as NSString).deletingLastPathComponent
    temporary = directory + "/.\((final as NSString).lastPathComponent).tmp-\(getpid())"
    fd = bypassingPageCache ? csys_create_uncached(temporary, 0o600) : -1
    if fd >= 0 {
      staged = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.stagingBytes, alignment: Self.blockBytes)
      bypassing = true
    } else {
      fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    }
    guard fd >= 0 else { throw .cannotWrite(final, String(cString: strerror(errno))) }
  }

  deinit {
    staged?.deallocate()
    if fd >= 0 {
      close(fd)
      unlink(temporary)
    }
  }

  /// Appends `bytes`.
  public func append(_ bytes: [UInt8]) throws(OutputError) {
    try bytes.withUnsafeBufferPointer { buffer throws(OutputError) in try append(buffer) }
  }

  /// Appends `bytes` (the temporary file goes with the writer if this throws).
  func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputError) {
    precondition(fd >= 0, "a finished output file takes no more bytes")
    guard let staged else { return try writeAll(UnsafeRawBufferPointer(bytes)) }
    var rest = UnsafeRawBufferPointer(bytes)
    while !rest.isEmpty {
      let taken = min(rest.count, staged.count - stagedCount)
      UnsafeMutableRawBufferPointer(rebasing: staged[stagedCount..<stagedCount + taken]).copyMemory(from: UnsafeRawBufferPointer(rebasing: rest[..<taken]))
      stagedCount += taken
      rest = UnsafeRawBufferPointer(rebasing: rest[taken...])
      if stagedCount == staged.count { try writeStaged(last: false) }
    }
  }

  /// Writes `bytes` through the page cache.
  private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
    try writeFully(bytes)
    length += bytes.count
  }

  /// Writes what is staged; directly, the end of the file (`last`) padded to a whole block,
  /// which `finish()` cuts off again.
  private func writeStaged(last: Bool) throws(OutputError) {
    guard let staged, stagedCount > 0 else { return }
    var end = stagedCount
    if bypassing {
      end = (stagedCount + Self.blockBytes - 1) / Self.blockBytes * Self.blockBytes
      precondition(last || end == stagedCount, "only a file's end is written as part of a block")
      UnsafeMutableRawBufferPointer(rebasing: staged[stagedCount..<end]).initializeMemory(as: UInt8.self, repeating: 0)
    }
    try writeFully(UnsafeRawBufferPointer(rebasing: staged[..<end]))
    length += stagedCount
    stagedCount = 0
  }

  /// Writes every byte of `bytes` at the file's offset, again where a signal interrupts.
  private func writeFully(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        if errno == EINVAL, bypassing, csys_stop_bypassing_cache(fd) == 0 {
          // The file system opened the file for direct writes but refuses them (or a short
          // write left the offset out of line): the rest goes through the page cache, a
          // padded end included, which `finish()` cuts off as before.
          bypassing = false
          continue
        }
        throw .cannotWrite(final, String(cString: strerror(errno)))
      }
      offset += written
    }
  }

  /// Flushes the file to disk and gives it its name.
  public func finish() throws(OutputError) {
    precondition(fd >= 0, "a file is finished once")
    try writeStaged(last: true)
    // A padded last block leaves zeros past the file's length: cut them off.
    if staged != nil, ftruncate(fd, off_t(length)) != 0 {
      let reason = String(cString: strerror(errno))
      close(fd)
      fd = -1
      unlink(temporary)
      throw .cannotWrite(final, reason)
    }
    let flushed = fsync(fd) == 0
    let reason = String(cString: strerror(errno))
    close(fd)
    fd = -1
    guard flushed else {
      unlink(temporary)
      throw .cannotWrite(final, reason)
    }
    guard rename(temporary, final) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw .cannotWrite(final, reason)
    }
  }
}
