#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import CFieldSplitting

/// The line each segment of a file starts on, learnt while the file is read once from its
/// start (the pass that hashes it), and waited for by the segments' readers.
///
/// A segment's records must carry their real line numbers, so its reader needs the number of
/// newlines before its start. Counting them in a read of their own cost a run 7% of its CPU
/// (`perf`, the pharmacy-heavy shape: a third copy of a 1.3 GB export out of the page cache),
/// all of it before any segment could start. Counted on the hashing pass instead, the count
/// costs a scan of bytes already in the cache, and the pass, which runs at SHA-256's speed,
/// about four times the speed of reading a segment, is nearly always past a segment's start
/// before that segment's turn comes.
///
/// One thread counts (``count(_:)``, chunks in file order from byte 0); any number wait.
/// The counting must not itself wait for a segment, and must end with ``finish(path:)`` or
/// ``fail(_:)``, so that no reader waits for ever.
public final class SegmentLines: @unchecked Sendable {
  /// Where each segment starts, ascending; the first at 0.
  public let starts: [Int]
  /// Each segment's first line, once the count has passed its start.
  private var firstLines: [Int?]
  /// Why the lines will never be known, once the count has failed or ended short.
  private var failure: (any Error)?
  // Allocated, so that their addresses never move.
  private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let learnt = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  // The counting thread's own state.
  private var offset = 0
  private var newlines = 0
  private var next: Int

  public init(starts: [Int]) {
    precondition(starts.first == 0, "the first segment starts at the file's start")
    self.starts = starts
    firstLines = Array(repeating: nil, count: starts.count)
    firstLines[0] = 1
    next = 1
    pthread_mutex_init(lock, nil)
    pthread_cond_init(learnt, nil)
  }

  deinit {
    pthread_cond_destroy(learnt)
    pthread_mutex_destroy(lock)
    learnt.deallocate()
    lock.deallocate()
  }

  /// Counts the newlines in the file's next `chunk` of bytes, and makes known the first line of
  /// each segment that starts within it or at its end.
  public func count(_ chunk: UnsafeRawBufferPointer) {
    guard let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
    var counted = 0
    while next < starts.count, starts[next] <= offset + chunk.count {
      let upTo = starts[next] - offset
      newlines += csv_count_newlines(base + counted, upTo - counted)
      counted = upTo
      publish(segment: next, firstLine: newlines + 1)
      next += 1
    }
    if next < starts.count { newlines += csv_count_newlines(base + counted, chunk.count - counted) }
    offset += chunk.count
  }

  /// The file has been counted to its end: a segment the count never came to (the file is
  /// shorter than when it was cut) will not be read.
  public func finish(path: String) {
    guard next < starts.count else { return }
    fail(CSVReadingError.readFailed(path: path, reason: "the file was \(offset) bytes when read, shorter than when it was cut into segments"))
  }

  /// The count cannot go on: every reader waiting, or still to ask, gets `error`.
  public func fail(_ error: any Error) {
    pthread_mutex_lock(lock)
    if failure == nil { failure = error }
    pthread_cond_broadcast(learnt)
    pthread_mutex_unlock(lock)
  }

  /// Segment `index` with the line it starts on, waiting until the count has passed its start.
  public func segment(_ index: Int) throws -> CSVSegment {
    pthread_mutex_lock(lock)
    defer { pthread_mutex_unlock(lock) }
    while firstLines[index] == nil {
      if let failure { throw failure }
      pthread_cond_wait(learnt, lock)
    }
    return CSVSegment(start: starts[index], end: index + 1 < starts.count ? starts[index + 1] : nil, firstLine: firstLines[index]!)
  }

  private func publish(segment: Int, firstLine: Int) {
    pthread_mutex_lock(lock)
    firstLines[segment] = firstLine
    pthread_cond_broadcast(learnt)
    pthread_mutex_unlock(lock)
  }
}
