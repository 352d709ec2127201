import Foundation
import SurveillanceCore
import SurveillanceStore

#if canImport(Glibc)
  import Glibc
#endif

/// `nightly --store` on the area, timed as a whole process.
struct NightlyRun {
  var seconds: Double
  /// The process's peak resident memory (wait4's ru_maxrss).
  var peakMiB: Double
  /// `--pass-rows` as given to nightly, or `nil` for its default.
  var passRows: Int?
  var generation: GenerationInfo
  var storeBytes: Int
  var children: [NHSNumber]

  static func run(binary: URL, exports: AreaExports, work: BenchWorkDirectory, asOf: CalendarDate, passRows: Int? = nil) throws -> NightlyRun {
    let store = work.path("store")
    try? FileManager.default.removeItem(atPath: store)  // a first load, as on a new server
    BenchLog.info("nightly --store \(store)" + (passRows.map { " --pass-rows \($0)" } ?? ""))
    let measure = try NightlyBenchmark.measure(
      binary.path,
      ["nightly"] + exports.arguments + ["--as-of", asOf.description, "--out", work.path("out"), "--store", store]
        + (passRows.map { ["--pass-rows", String($0)] } ?? []))
    let opened = try SurveillanceStore.openExisting(at: store)
    guard let generation = try opened.currentGeneration() else { throw BenchError("the store has no generation after nightly") }
    let bytes = try FileManager.default.contentsOfDirectory(atPath: store).reduce(0) { total, name in
      total + ((try? FileManager.default.attributesOfItem(atPath: store + "/" + name)[.size] as? Int) ?? 0)
    }
    return NightlyRun(
      seconds: measure.wall, peakMiB: measure.peakMiB, passRows: passRows, generation: generation, storeBytes: bytes,
      children: try opened.nhsNumbers())
  }
}

/// `patient` look-ups of random children, each a new process, as at a pharmacy counter.
struct LookUpRun {
  var milliseconds: [Double]

  static func run(binary: URL, work: BenchWorkDirectory, nightly: NightlyRun, options: BenchOptions) throws -> LookUpRun {
    let keyFile = work.path("bench.key")
    if !FileManager.default.fileExists(atPath: keyFile) {
      // Hex text: the key reader trims a trailing newline byte, which random bytes may end in.
      let key = Data((0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined().utf8)
      guard FileManager.default.createFile(atPath: keyFile, contents: key, attributes: [.posixPermissions: 0o600]) else {
        throw BenchError("cannot write \(keyFile)")
      }
    }
    var random = SplitMix64(seed: options.seed)
    let environment = ["ASTHMA_SURVEILLANCE_KEY_FILE": keyFile, "NO_COLOR": "1"]
    func lookUp(_ child: NHSNumber) throws -> Double {
      let (status, seconds) = try timed {
        try Spawn.run(binary, ["patient", child.description, "--store", work.path("store"), "--user", "bench", "--reason", "benchmark"], environment: environment)
      }
      guard status == 0 else { throw BenchError("patient exited with status \(status)") }
      return seconds * 1000
    }
    guard !nightly.children.isEmpty else { throw BenchError("the store holds no children") }
    func randomChild() -> NHSNumber { nightly.children[Int(random.next() % UInt64(nightly.children.count))] }
    BenchLog.info("\(options.lookUps) look-ups of random children (after 5 not counted, to load the binary into the page cache)")
    for _ in 0..<5 { _ = try lookUp(randomChild()) }
    var times: [Double] = []
    for _ in 0..<options.lookUps { times.append(try lookUp(randomChild())) }
    return LookUpRun(milliseconds: times)
  }

  /// The value below which `fraction` of the look-ups fall (nearest rank).
  func percentile(_ fraction: Double) -> Double {
    let sorted = milliseconds.sorted()
    let rank = Int((fraction * Double(sorted.count)).rounded(.up))
    return sorted[min(sorted.count - 1, max(0, rank - 1))]
  }
}

/// A deterministic choice of children, so that two runs look up the same ones.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Runs a process to completion, its output discarded (errors shown when asked).
///
/// `posix_spawn` and `waitpid` rather than Foundation's `Process`: on Linux its
/// `waitUntilExit` polls a run loop every 50 ms, which would be most of what is measured.
enum Spawn {
  static func run(_ binary: URL, _ arguments: [String], environment: [String: String] = [:], showErrors: Bool = false) throws -> Int32 {
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    let argv = ([binary.path] + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    if !showErrors { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, binary.path, &actions, nil, argv, envp)
    guard spawned == 0 else { throw BenchError("cannot start \(binary.path): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else { throw BenchError("waitpid: \(String(cString: strerror(errno)))") }
    }
    // WIFEXITED / WEXITSTATUS, which Swift does not import.
    return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
  }
}
