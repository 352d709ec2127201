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
  func value(for key: some CacheKey) -> Value? {
    entry(for: key).map { values[$0] }
  }

  /// Where `key`'s value sits in `values`, if it is remembered.
  func entry(for key: some CacheKey) -> Int? {
    let hash = key.hash
    let length = key.byteCount
    var index = Int(truncatingIfNeeded: hash) & mask
    while true {
      let slot = slots[index]
      if slot.entry == 0 { return nil }
      if slot.hash == hash, slot.length == length, equal(slot, key) { return slot.entry - 1 }
      index = (index + 1) & mask
    }
  }

  /// Remembers `value` for `key`, unless `key` is already known or the cache is full.
  /// Returns the entry it was stored at.
  @discardableResult
  func remember(_ value: Value, for key: some CacheKey) -> Int? {
    guard values.count < capacity, entry(for: key) == nil else { return nil }
    if (values.count + 1) * 2 > slots.count { grow() }
    values.append(value)
    let start = arena.count
    key.append(to: &arena)
    insert(Slot(hash: key.hash, start: start, length: key.byteCount, entry: values.count))
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

  private func equal(_ slot: Slot, _ key: some CacheKey) -> Bool {
    arena.withUnsafeBufferPointer { arena in slot.length == 0 || key.isStored(at: arena.baseAddress! + slot.start) }
  }

  /// A fast, non-cryptographic hash of a few loads, whatever the key's length, with the length
  /// mixed in: the first and last eight bytes (overlapping when shorter than sixteen), over
  /// sixteen the middle eight too, over twenty-four the eight after the first and before the
  /// last, so every byte of a key up to 40 bytes; for a short key two overlapping fours or three
  /// single bytes. Longer keys alike in those bytes only share a hash: the look-up compares
  /// keys byte for byte, so no answer is ever wrong. Hashing every byte of a long drug name
  /// eight at a time, each step waiting for the one before, was the largest part of settling
  /// a row of another medicine (`perf`).
  @inline(__always) static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let (first, second) = words(key)
    return finish(first, second)
  }

  /// The two words ``hash(_:)`` mixes: sampled bytes, the length folded into the first.
  @inline(__always) static func words(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
    let raw = UnsafeRawBufferPointer(key)
    let count = raw.count
    let length = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
    if count >= 8 {
      var first = raw.loadUnaligned(as: UInt64.self) ^ length
      var second = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
      if count > 16 {
        second ^= raw.loadUnaligned(fromByteOffset: count / 2 - 4, as: UInt64.self) &* 0xC2B2_AE3D_27D4_EB4F
        if count > 24 {
          first ^= raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) &* 0x1656_67B1_9E37_79F9
          second ^= raw.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self) &* 0x94D0_49BB_1331_11EB
        }
      }
      return (first, second)
    }
    if count >= 4 {
      return (UInt64(raw.loadUnaligned(as: UInt32.self)) ^ length, UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
    }
    if count > 0 { return ((UInt64(raw[0]) | UInt64(raw[count / 2]) << 8 | UInt64(raw[count - 1]) << 16) ^ length, 0) }
    return (length, 0)
  }

  /// Two words to one well-mixed hash (two independent multiplies, then folded).
  @inline(__always) static func finish(_ first: UInt64, _ second: UInt64) -> UInt64 {
    let mixed = (first &* 0x9E37_79B9_7F4A_7C15) ^ (second &* 0xFF51_AFD7_ED55_8CCD).byteSwapped
    let folded = (mixed ^ (mixed >> 29)) &* 0xC4CE_B9FE_1A85_EC53
    return folded ^ (folded >> 32)
  }
}

/// Bytes a ``ByteKeyedCache`` can look up: hashed, and compared with what it stored, where
/// they lie.
protocol CacheKey {
  /// The bytes' hash; two keys of the same bytes hash alike.
  var hash: UInt64 { get }
  /// How many bytes the cache stores for the key.
  var byteCount: Int { get }
  /// Whether the `byteCount` bytes at `stored` are this key's.
  func isStored(at stored: UnsafePointer<UInt8>) -> Bool
  func append(to arena: inout [UInt8])
}

/// One field's bytes as the key.
extension UnsafeBufferPointer<UInt8>: CacheKey {
  var hash: UInt64 { ByteKeyedCache<Void>.hash(self) }
  var byteCount: Int { count }
  func isStored(at stored: UnsafePointer<UInt8>) -> Bool { memcmp(stored, baseAddress!, count) == 0 }
  func append(to arena: inout [UInt8]) { arena.append(contentsOf: self) }
}

/// A row's product columns (dm+d code, BNF code, drug name, quantity unit) as one key, read
/// where they lie in the row: stored as each column's bytes followed by a 0, a byte no
/// column of a row that reaches the cache holds (rows with NUL bytes are rejected first).
/// Reading them in place, rather than copying them into one key first, was a quarter of
/// the cost of settling a row of another medicine (`perf`).
struct ProductColumns: CacheKey {
  var dmdCode: UnsafeBufferPointer<UInt8>
  var bnfCode: UnsafeBufferPointer<UInt8>
  var name: UnsafeBufferPointer<UInt8>
  var unit: UnsafeBufferPointer<UInt8>

  /// Each column's sampled words (``ByteKeyedCache/words(_:)``), each pair multiplied on its
  /// own and rotated by its column's place, so that the four columns' steps run side by side
  /// rather than each waiting for the one before: the same columns always hash alike.
  var hash: UInt64 {
    let dmd = ByteKeyedCache<Void>.words(dmdCode)
    let bnf = ByteKeyedCache<Void>.words(bnfCode)
    let name = ByteKeyedCache<Void>.words(name)
    let unit = ByteKeyedCache<Void>.words(unit)
    let first = (dmd.0 &* 0x9E37_79B9_7F4A_7C15) ^ (bnf.0 &* 0xC2B2_AE3D_27D4_EB4F).rotated(16)
      ^ (name.0 &* 0x1656_67B1_9E37_79F9).rotated(32) ^ (unit.0 &* 0xFF51_AFD7_ED55_8CCD).rotated(48)
    let second = (dmd.1 &* 0xC4CE_B9FE_1A85_EC53) ^ (bnf.1 &* 0x2545_F491_4F6C_DD1D).rotated(16)
      ^ (name.1 &* 0x94D0_49BB_1331_11EB).rotated(32) ^ (unit.1 &* 0xBF58_476D_1CE4_E5B9).rotated(48)
    return ByteKeyedCache<Void>.finish(first, second)
  }

  var byteCount: Int { dmdCode.count + bnfCode.count + name.count + unit.count + 4 }

  func isStored(at stored: UnsafePointer<UInt8>) -> Bool {
    var at = stored
    return Self.matches(dmdCode, &at) && Self.matches(bnfCode, &at) && Self.matches(name, &at) && Self.matches(unit, &at)
  }

  func append(to arena: inout [UInt8]) {
    for column in [dmdCode, bnfCode, name, unit] {
      arena.append(contentsOf: column)
      arena.append(0)
    }
  }

  /// Whether the `count` bytes at `a` and `b` are the same, read as whole eights and an
  /// overlapping last eight, or two fours, or bytes: a column is a few dozen bytes, shorter
  /// than a call to `memcmp` is worth.
  @inline(__always) private static func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    let a = UnsafeRawPointer(a)
    let b = UnsafeRawPointer(b)
    if count >= 8 {
      var offset = 0
      while offset + 8 <= count {
        if a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != b.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
        offset += 8
      }
      return offset == count || a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
    if count >= 4 {
      return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
        && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
    }
    for offset in 0..<count where a.load(fromByteOffset: offset, as: UInt8.self) != b.load(fromByteOffset: offset, as: UInt8.self) { return false }
    return true
  }

  /// Whether `column` and its 0 are at `at`, which then moves past them.
  @inline(__always) private static func matches(_ column: UnsafeBufferPointer<UInt8>, _ at: inout UnsafePointer<UInt8>) -> Bool {
    if let base = column.baseAddress, !column.isEmpty, !sameBytes(at, base, column.count) { return false }
    at += column.count
    guard at.pointee == 0 else { return false }
    at += 1
    return true
  }
}

/// What one product's columns (dm+d code, BNF code, drug name and quantity unit, as raw bytes,
/// the unit because it can make an unknown product look respiratory) came to: their
/// text and its classification. The same bytes always come to the same, so each distinct
/// product is read and classified once per file.
///
/// A class, never changed once made: each respiratory row's look-up takes one reference to
/// it, where a struct of five strings and a classification was copied out field by field
/// (3% of the reading, `perf`).
final class KnownProduct {
  /// The product columns' text, trimmed; `nil` where empty.
  let dmdCode: String?
  let bnfCode: String?
  let name: String?
  /// The classification, boxed once so that every supply of the product shares it;
  /// `nil` when the product could not be identified.
  let sharedClassification: ProductBox?
  /// The classification itself.
  var classification: ProductClassification? { sharedClassification?.classification }
  /// What the formulary found on the way (unclassified, or a code/name conflict).
  let finding: ProductFinding?
  /// Where the product's tally is in the decoder's list of flagged products, when it has a finding.
  let flaggedIndex: Int?

  /// The code the product is identified by in outputs (dm+d, else BNF, else its name).
  let productKey: String

  init(dmdCode: String?, bnfCode: String?, name: String?, classification: ProductClassification?, finding: ProductFinding? = nil, flaggedIndex: Int? = nil) {
    self.dmdCode = dmdCode
    self.bnfCode = bnfCode
    self.name = name
    sharedClassification = classification.map(ProductBox.init)
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
  func product(for key: ProductColumns) -> KnownProduct? {
    cache.value(for: key)
  }

  /// Whether `key` is remembered as a product identified as outside the asthma picture.
  func isOtherMedicine(_ key: ProductColumns) -> Bool {
    guard let entry = cache.entry(for: key) else { return false }
    return otherMedicine[entry]
  }

  func remember(_ product: KnownProduct, for key: ProductColumns) {
    guard cache.remember(product, for: key) != nil else { return }
    otherMedicine.append(product.classification.map { !$0.role.isRespiratory } ?? false)
  }
}

extension UInt64 {
  /// The bits rotated left by `count`.
  @inline(__always) fileprivate func rotated(_ count: UInt64) -> UInt64 { self << count | self >> (64 - count) }
}
