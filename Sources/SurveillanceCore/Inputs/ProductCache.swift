#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Values remembered by the raw bytes they were made from, for one file's decoder (one
/// thread).
///
/// An export names the same few thousand products, sites and spellings millions of times, and
/// turning those bytes into text and meaning costs more than looking them up again. So this
/// is an open-addressing table over one byte arena, probed with a multiply-xor hash of eight
/// bytes at a time: no allocation per look-up and no SipHash. A hash collision costs a byte
/// comparison, never a wrong answer; an export built to collide could only make reading slower.
final class ByteKeyedCache<Value> {
  private struct Slot {
    var hash: UInt64 = 0
    var start = 0
    var length = 0
    /// Index into `values` plus one; 0 for an empty slot.
    var entry = 0
  }

  // One decoder, one thread: the dynamic exclusivity checks would cost more than the probe.
  @exclusivity(unchecked) private var slots: [Slot]
  @exclusivity(unchecked) private var mask: Int
  @exclusivity(unchecked) private var arena: [UInt8] = []
  @exclusivity(unchecked) private(set) var values: [Value] = []
  /// Enough for every distinct key of a national export; beyond it, new keys are not kept.
  private let capacity: Int

  init(capacity: Int = 200_000) {
    self.capacity = capacity
    slots = Array(repeating: Slot(), count: 1024)
    mask = 1023
  }

  /// The value remembered for `key`, if any.
  func value(for key: UnsafeBufferPointer<UInt8>) -> Value? {
    entry(for: key).map { values[$0] }
  }

  /// Where `key`'s value sits in `values`, if it is remembered.
  func entry(for key: UnsafeBufferPointer<UInt8>) -> Int? {
    let hash = Self.hash(key)
    var index = Int(truncatingIfNeeded: hash) & mask
    while true {
      let slot = slots[index]
      if slot.entry == 0 { return nil }
      if slot.hash == hash, slot.length == key.count, equal(slot, key) { return slot.entry - 1 }
      index = (index + 1) & mask
    }
  }

  /// Remembers `value` for `key`, unless `key` is already known or the cache is full.
  /// Returns the entry it was stored at.
  @discardableResult
  func remember(_ value: Value, for key: UnsafeBufferPointer<UInt8>) -> Int? {
    guard values.count < capacity, entry(for: key) == nil else { return nil }
    if (values.count + 1) * 2 > slots.count { grow() }
    values.append(value)
    let start = arena.count
    arena.append(contentsOf: key)
    insert(Slot(hash: Self.hash(key), start: start, length: key.count, entry: values.count))
    return values.count - 1
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

/// What one product's columns (dm+d code, BNF code, drug name and quantity unit, as raw bytes,
/// the unit because it can make an unknown product look respiratory) came to: their
/// text and its classification. The same bytes always come to the same, so each distinct
/// product is read and classified once per file.
struct KnownProduct {
  /// The product columns' text, trimmed; `nil` where empty.
  var dmdCode: String?
  var bnfCode: String?
  var name: String?
  /// `nil` when the product could not be identified.
  var classification: ProductClassification?
  /// What the formulary found on the way (unclassified, or a code/name conflict).
  var finding: ProductFinding?
  /// Where the product's tally is in the decoder's list of flagged products, when it has a finding.
  var flaggedIndex: Int?

  /// The code the product is identified by in outputs (dm+d, else BNF, else its name).
  let productKey: String

  init(dmdCode: String?, bnfCode: String?, name: String?, classification: ProductClassification?, finding: ProductFinding? = nil, flaggedIndex: Int? = nil) {
    self.dmdCode = dmdCode
    self.bnfCode = bnfCode
    self.name = name
    self.classification = classification
    self.finding = finding
    self.flaggedIndex = flaggedIndex
    productKey = dmdCode ?? bnfCode ?? name?.lowercased() ?? ""
  }
}

/// Remembered products for one file's decoder, keyed by the raw bytes of a row's product
/// columns, with the one answer most rows need (a product outside the asthma picture) kept
/// apart so that asking it copies nothing out.
final class ProductCache {
  private let cache: ByteKeyedCache<KnownProduct>
  @exclusivity(unchecked) private var otherMedicine: [Bool] = []

  init(capacity: Int = 200_000) {
    cache = ByteKeyedCache(capacity: capacity)
  }

  /// The product remembered for `key`, if any.
  func product(for key: UnsafeBufferPointer<UInt8>) -> KnownProduct? {
    cache.value(for: key)
  }

  /// Whether `key` is remembered as a product identified as outside the asthma picture.
  func isOtherMedicine(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let entry = cache.entry(for: key) else { return false }
    return otherMedicine[entry]
  }

  func remember(_ product: KnownProduct, for key: UnsafeBufferPointer<UInt8>) {
    guard cache.remember(product, for: key) != nil else { return }
    otherMedicine.append(product.classification.map { !$0.role.isRespiratory } ?? false)
  }
}
