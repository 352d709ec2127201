import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A file-system error from Foundation in plain words ("permission denied", "no such file or
/// directory"), never its domain, code and user-info dictionary: the message is read by a
/// pharmacist or an on-call engineer, not a Cocoa developer.
public enum FileErrorText {
  /// The reason, or `nil` when `error` is not one of Foundation's.
  public static func reason(_ error: any Error) -> String? {
    let error = error as NSError
    guard error.domain == NSCocoaErrorDomain || error.domain == NSPOSIXErrorDomain else { return nil }
    if error.domain == NSPOSIXErrorDomain { return posix(Int32(error.code)) }
    if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return posix(Int32(underlying.code))
    }
    switch error.code {
    case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or directory"
    case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
    case NSFileWriteFileExistsError: return "a file of that name exists"
    case NSFileWriteOutOfSpaceError: return "no space left on the device"
    case NSFileWriteVolumeReadOnlyError: return "the file system is read-only"
    case NSFileReadCorruptFileError, NSFileReadInapplicableStringEncodingError: return "not readable as text"
    default: return "the file system refused (Foundation error \(error.code))"
    }
  }

  /// `reason(_:)`, else the error's own description.
  public static func describe(_ error: any Error) -> String { reason(error) ?? String(describing: error) }

  /// The path Foundation's error names, if it names one.
  public static func path(_ error: any Error) -> String? {
    let info = (error as NSError).userInfo
    return info[NSFilePathErrorKey] as? String ?? (info[NSURLErrorKey] as? URL)?.path
  }

  private static func posix(_ code: Int32) -> String { String(cString: strerror(code)).lowercased() }
}
