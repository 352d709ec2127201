import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive lock on something a run writes (an output directory, a store), held for the
/// whole run: a second run started while the first is going waits for it (up to `wait`
/// seconds) or stops at once, with a plain message naming the lock and its holder.
///
/// Why `flock(2)` on a file beside the data: the kernel drops the lock when the holder dies,
/// however it dies (killed, out of memory), so a lock is never left stale; and the lock file is
/// never the data, so taking it changes nothing readers see. The file holds the holder's pid
/// and start time, for the message.
public final class RunLock: @unchecked Sendable {
  public let path: String
  private var descriptor: Int32

  private init(path: String, descriptor: Int32) {
    self.path = path
    self.descriptor = descriptor
  }

  deinit { release() }

  /// Takes the lock at `path` (created owner-only if missing) for `purpose`, waiting up to
  /// `wait` seconds for another run to finish.
  /// - Throws: ``RunLockError`` when another run holds it after the wait, or the lock file
  ///   cannot be opened.
  public static func acquire(at path: String, for purpose: String, wait: Double = 0) throws(RunLockError) -> RunLock {
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
    let deadline = Date().addingTimeInterval(max(0, wait))
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EWOULDBLOCK || errno == EINTR else {
        let reason = String(cString: strerror(errno))
        close(descriptor)
        throw .cannotOpen(path: path, reason: reason)
      }
      if Date() >= deadline {
        let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        close(descriptor)
        throw .held(path: path, purpose: purpose, holder: String(holder.prefix(200)), waited: wait)
      }
      usleep(100_000)
    }
    // Who holds it, for anyone who finds it held.
    let note = "pid \(getpid()), since \(ISO8601DateFormatter().string(from: Date())), \(purpose)\n"
    _ = ftruncate(descriptor, 0)
    _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    return RunLock(path: path, descriptor: descriptor)
  }

  /// Whether this process still holds the lock.
  public var isHeld: Bool { descriptor >= 0 }

  /// Lets go of the lock (also done when the lock is freed, or the process ends).
  public func release() {
    guard descriptor >= 0 else { return }
    flock(descriptor, LOCK_UN)
    close(descriptor)
    descriptor = -1
  }

  /// The lock file of an output directory: beside it, since the directory itself is swapped
  /// whole when a run publishes.
  public static func path(besideOutput directory: URL) -> String {
    directory.deletingLastPathComponent().appendingPathComponent(".\(directory.lastPathComponent).lock").path
  }
}

/// Why a run could not take its lock.
public enum RunLockError: Error, CustomStringConvertible, Equatable {
  case held(path: String, purpose: String, holder: String, waited: Double)
  case cannotOpen(path: String, reason: String)

  public var description: String {
    switch self {
    case .held(let path, let purpose, let holder, let waited):
      let wait = waited > 0 ? "after waiting \(Int(waited)) s, " : ""
      return "\(wait)another run is writing here (lock \(path), held by \(holder.isEmpty ? "another process" : holder)); nothing was changed. Let it finish, or give --wait SECONDS to wait for it (\(purpose))"
    case .cannotOpen(let path, let reason): return "\(path): cannot take the run lock: \(reason)"
    }
  }
}
