import CSystemCalls
import Foundation

/// How the process's memory allocator is set up, before any thread starts.
public enum AllocatorSettings {
  /// One glibc malloc arena per core, not glibc's default of eight per core. A run's
  /// evaluation and writing threads come from Dispatch's pool, and over a run read in passes
  /// different pool threads take the work: each one that allocates gets an arena of its own,
  /// and each arena keeps what was freed in it. On the 350,000-child area read in 7 passes
  /// that was 190 MB more at the peak (847 MB against 597 MB with one arena per core), and
  /// slower (57.9 s against 51.4 s). `MALLOC_ARENA_MAX` in the environment still wins.
  public static func apply() {
    guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil else { return }
    _ = csys_limit_malloc_arenas(Int32(max(1, ProcessInfo.processInfo.activeProcessorCount)))
  }
}
