#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Remembered product classifications for one file's decoder (one thread), keyed by the raw
/// bytes of a row's product columns.
///
/// An unfiltered export names the same few thousand products millions of times, and for most
/// rows this look-up is the only work done. So it is an open-addressing table over one byte
/// arena, probed with a multiply-xor hash of eight bytes at a time: no allocation per row and
/// no SipHash. A hash collision costs a byte comparison, never a wrong answer; an export built
/// to collide could only make reading slower.
final class ProductCache {
  private struct Slot {
    var hash: UInt64 = 0
    var start = 0
    var length = 0
    /// Index into `classifications` plus one; 0 for an empty slot.
    var entry = 0
  }

  // One decoder, one thread: the dynamic exclusivity checks would cost more than the probe.
  @exclusivity(unchecked) private var slots: [Slot]
  @exclusivity(unchecked) private var mask: Int
  @exclusivity(unchecked) private var arena: [UInt8] = []
  @exclusivity(unchecked) private var classifications: [ProductClassification?] = []
  /// Per entry, whether it is a product identified as outside the asthma picture: the answer
  /// most rows need, without copying the classification out.
  @exclusivity(unchecked) private var otherMedicine: [Bool] = []
  /// Enough for every distinct product of a national export; beyond it, new keys are not kept.
  private let capacity: Int

  init(capacity: Int = 200_000) {
    self.capacity = capacity
    slots = Array(repeating: Slot(), count: 1024)
    mask = 1023
  }

  /// The classification remembered for `key`: `nil` when not yet classified, `.some(nil)`
  /// when the product could not be identified.
  func classification(for key: UnsafeBufferPointer<UInt8>) -> ProductClassification?? {
    guard let entry = entry(for: key) else { return nil }
    return .some(classifications[entry])
  }

  /// Whether `key` is remembered as a product identified as outside the asthma picture.
  func isOtherMedicine(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let entry = entry(for: key) else { return false }
    return otherMedicine[entry]
  }

  private func entry(for key: UnsafeBufferPointer<UInt8>) -> Int? {
    let hash = Self.hash(key)
    var index = Int(truncatingIfNeeded: hash) & mask
    while true {
      let slot = slots[index]
      if slot.entry == 0 { return nil }
      if slot.hash == hash, slot.length == key.count, equal(slot, key) { return slot.entry - 1 }
      index = (index + 1) & mask
    }
  }

  func remember(_ classification: ProductClassification?, for key: UnsafeBufferPointer<UInt8>) {
    guard classifications.count < capacity, case .none = self.classification(for: key) else { return }
    if (classifications.count + 1) * 2 > slots.count { grow() }
    classifications.append(classification)
    otherMedicine.append(classification.map { !$0.role.isRespiratory } ?? false)
    let start = arena.count
    arena.append(contentsOf: key)
    insert(Slot(hash: Self.hash(key), start: start, length: key.count, entry: classifications.count))
  }

  private func insert(_ slot: Slot) {
    var index = Int(truncatingIfNeeded: slot.hash) & mask
    while slots[index].entry != 0 { index = (index + 1) & mask }
    slots[index] = slot
  }

  private func grow() {
    let old = slots
    slots = Array(repeating: Slot(), count: old.count * 2)
    mask = slots.count - 1
    for slot in old where slot.entry != 0 { insert(slot) }
  }

  private func equal(_ slot: Slot, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
    arena.withUnsafeBufferPointer { arena in
      slot.length == 0 || memcmp(arena.baseAddress! + slot.start, key.baseAddress!, slot.length) == 0
    }
  }

  /// A fast, non-cryptographic hash: eight bytes per multiply, with the length mixed in.
  static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let raw = UnsafeRawBufferPointer(key)
    let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
    var hash = UInt64(truncatingIfNeeded: raw.count) &* multiplier
    var offset = 0
    while offset + 8 <= raw.count {
      hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
      hash ^= hash >> 29
      offset += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while offset < raw.count {
      tail |= UInt64(raw[offset]) << shift
      shift += 8
      offset += 1
    }
    hash = (hash ^ tail) &* multiplier
    return hash ^ (hash >> 32)
  }
}
