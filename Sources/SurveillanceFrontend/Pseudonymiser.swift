import Crypto
import Foundation
import SurveillanceCore

#if canImport(Glibc)
  import Glibc
#endif

/// Turns NHS numbers into stable pseudonyms with a keyed hash (HMAC-SHA256), for outputs
/// whose reader does not need identity (area reports) and for the audit trail.
///
/// The key never comes from the command line (it would sit in shell history and `ps`) nor
/// from the repository: it is read from the file named by `$ASTHMA_SURVEILLANCE_KEY_FILE`,
/// or from `$ASTHMA_SURVEILLANCE_KEY` itself. Without the key a pseudonym cannot be reversed
/// by trying all NHS numbers; with it, the same child always gets the same pseudonym.
public struct Pseudonymiser: Sendable {
  /// Kept as bytes: swift-crypto's `SymmetricKey` is not `Sendable`.
  private let keyBytes: [UInt8]

  /// Fewer bytes than this make the keyed hash guessable.
  public static let minimumKeyBytes = 32
  public static let keyFileVariable = "ASTHMA_SURVEILLANCE_KEY_FILE"
  public static let keyVariable = "ASTHMA_SURVEILLANCE_KEY"

  public init(keyBytes: [UInt8]) throws(KeyError) {
    guard keyBytes.count >= Self.minimumKeyBytes else { throw .tooShort(bytes: keyBytes.count) }
    self.keyBytes = keyBytes
  }

  /// The key from the environment: a key file first, then the variable itself.
  public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(KeyError) -> Pseudonymiser {
    if let path = environment[keyFileVariable], !path.isEmpty {
      // As ssh does with a private key: a key others can read, or that someone else owns
      // (and so could change), is not used.
      guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue,
        let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value
      else { throw .unreadableFile(path) }
      guard owner == geteuid() else { throw .notOwned(path) }
      guard mode & 0o077 == 0 else { throw .unsafeFile(path, mode: mode & 0o777) }
      guard let data = FileManager.default.contents(atPath: path) else { throw .unreadableFile(path) }
      return try Pseudonymiser(keyBytes: keyBytes(fromFile: [UInt8](data)))
    }
    if let text = environment[keyVariable], !text.isEmpty {
      return try Pseudonymiser(keyBytes: Array(text.utf8))
    }
    throw .missing
  }

  /// A key file holds either hexadecimal text (`openssl rand -hex 32`, perhaps with a
  /// newline an editor added) or raw bytes (`head -c 32 /dev/urandom`), used exactly as they
  /// are: trimming a raw key would drop a last byte that happens to be a newline.
  static func keyBytes(fromFile bytes: [UInt8]) -> [UInt8] {
    var text = bytes
    while let last = text.last, last == 0x0A || last == 0x0D || last == 0x20 { text.removeLast() }
    func hexValue(_ byte: UInt8) -> UInt8? {
      switch byte {
      case 0x30...0x39: return byte - 0x30
      case 0x61...0x66: return byte - 0x61 + 10
      case 0x41...0x46: return byte - 0x41 + 10
      default: return nil
      }
    }
    guard text.count >= 2 * minimumKeyBytes, text.count % 2 == 0, text.allSatisfy({ hexValue($0) != nil }) else { return bytes }
    return stride(from: 0, to: text.count, by: 2).map { hexValue(text[$0])! << 4 | hexValue(text[$0 + 1])! }
  }

  /// A 16-hex-digit pseudonym (64 bits of the HMAC): short enough to read, long enough that
  /// an area's children never collide in practice.
  public func pseudonym(for nhsNumber: NHSNumber) -> String {
    let mac = HMAC<SHA256>.authenticationCode(for: Data(nhsNumber.description.utf8), using: SymmetricKey(data: keyBytes))
    return mac.prefix(8).lowercaseHex
  }

  /// A fingerprint of the key, never the key: 16 hex digits of an HMAC of a fixed text, so
  /// that two runs can show they used the same key (shards a merge puts together) without
  /// either revealing it.
  public var keyFingerprint: String {
    let mac = HMAC<SHA256>.authenticationCode(for: Data("asthma-surveillance key fingerprint".utf8), using: SymmetricKey(data: keyBytes))
    return mac.prefix(8).lowercaseHex
  }

  /// Which of `count` buckets the child falls in (0-based), from the same keyed hash: an
  /// even spread that nobody without the key can steer or reverse.
  public func bucket(for nhsNumber: NHSNumber, of count: Int) -> Int {
    let mac = HMAC<SHA256>.authenticationCode(for: Data(nhsNumber.description.utf8), using: SymmetricKey(data: keyBytes))
    let value = mac.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    return Int(value % UInt64(count))
  }

  /// Why no key could be used. The messages never print a key.
  public enum KeyError: Error, CustomStringConvertible, Equatable {
    case missing
    case unreadableFile(String)
    /// Group or others may read (or write) the key file.
    case unsafeFile(String, mode: Int)
    /// Another user owns the key file.
    case notOwned(String)
    case tooShort(bytes: Int)

    public var description: String {
      switch self {
      case .missing:
        return "no pseudonymisation key: set \(Pseudonymiser.keyFileVariable) to a file holding at least \(Pseudonymiser.minimumKeyBytes) random bytes (for example: head -c 32 /dev/urandom > ~/.asthma-key && chmod 600 ~/.asthma-key), or \(Pseudonymiser.keyVariable); keys are never taken from the command line"
      case .unreadableFile(let path):
        return "the key file \(path) (from \(Pseudonymiser.keyFileVariable)) cannot be read"
      case .unsafeFile(let path, let mode):
        return "the key file \(path) can be read by others (mode \(String(mode, radix: 8))); it is not used. Make it owner-only: chmod 600 \(path)"
      case .notOwned(let path):
        return "the key file \(path) belongs to another user; it is not used. Keep the key in a file you own, mode 600"
      case .tooShort(let bytes):
        return "the pseudonymisation key has \(bytes) bytes; it needs at least \(Pseudonymiser.minimumKeyBytes)"
      }
    }
  }
}
