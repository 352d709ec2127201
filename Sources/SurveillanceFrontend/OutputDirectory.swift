import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where a run writes, with the permissions patient data needs: the directory is created
/// owner-only (0700), each file is written to a temporary name with mode 0600, flushed, and
/// renamed into place, so that a reader never sees half a file and a failed run leaves the
/// previous file intact.
public struct OutputDirectory: Sendable {
  public let url: URL

  public init(path: String) throws(OutputError) {
    url = URL(fileURLWithPath: path, isDirectory: true)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw .notADirectory(path) }
    } else if mkdir(url.path, 0o700) != 0 {
      // Parents may be missing: create them with the same owner-only mode.
      do {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      } catch {
        throw .cannotCreate(path, String(describing: error))
      }
    }
  }

  /// Writes `text` to `name` atomically with mode 0600.
  public func write(_ text: String, to name: String) throws(OutputError) {
    let final = url.appendingPathComponent(name).path
    let temporary = url.appendingPathComponent(".\(name).tmp-\(getpid())").path
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw .cannotWrite(final, String(cString: strerror(errno))) }
    var failure: String?
    var utf8 = text
    utf8.withUTF8 { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failure = String(cString: strerror(errno))
          return
        }
        offset += written
      }
    }
    if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
    close(fd)
    if let failure {
      unlink(temporary)
      throw .cannotWrite(final, failure)
    }
    guard rename(temporary, final) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw .cannotWrite(final, reason)
    }
  }
}

/// Why outputs could not be written.
public enum OutputError: Error, CustomStringConvertible {
  case notADirectory(String)
  case cannotCreate(String, String)
  case cannotWrite(String, String)

  public var description: String {
    switch self {
    case .notADirectory(let path): return "\(path): exists and is not a directory"
    case .cannotCreate(let path, let reason): return "\(path): cannot create the output directory: \(reason)"
    case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason); the previous file, if any, is unchanged"
    }
  }
}
