import Dispatch
import Foundation
import SurveillanceCore
import ZIPFoundation

/// A dm+d release that cannot be read, with what to do about it.
public enum DMDReleaseError: Error, CustomStringConvertible, Equatable {
  case notFound(path: String)
  case unreadable(path: String, detail: String)
  case missingFiles(path: String, missing: [String])
  case malformedXML(file: String, detail: String)
  case badMapping(file: String, detail: String)

  public var description: String {
    switch self {
    case .notFound(let path): "\(path): no such dm+d release (give the NHSBSA release zip or the folder it unzips to)"
    case .unreadable(let path, let detail): "\(path): cannot be read: \(detail)"
    case .missingFiles(let path, let missing):
      "\(path): not a complete dm+d release: no \(missing.joined(separator: ", ")) file (an NHSBSA release has f_vtm2, f_vmp2, f_vmpp2, f_amp2, f_ampp2, f_ingredient2 and f_lookup2 XML files)"
    case .malformedXML(let file, let detail): "dm+d release file \(file) is not well-formed XML: \(detail)"
    case .badMapping(let file, let detail): "BNF SNOMED mapping \(file): \(detail)"
    }
  }
}

/// Reads an NHSBSA dm+d release, the zip or the folder it unzips to, into the parts the
/// classification needs, with NHSBSA's BNF SNOMED mapping spreadsheet when the release
/// folder (or zip) holds one.
///
/// The seven files are parsed side by side, one per core; a zip's files (and those of zips
/// inside it, as TRUD packs them) are first extracted into a private temporary folder, which
/// is removed afterwards.
public enum DMDReleaseReader {
  /// The files a release must have, by the start of their names.
  static let requiredPrefixes = ["f_vtm2_", "f_vmp2_", "f_vmpp2_", "f_amp2_", "f_ampp2_", "f_ingredient2_", "f_lookup2_"]

  public static func read(_ path: String) throws -> DMDRelease {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { throw DMDReleaseError.notFound(path: path) }
    var staging: URL?
    defer { if let staging { try? FileManager.default.removeItem(at: staging) } }
    let folder: URL
    if isDirectory.boolValue {
      folder = url
    } else {
      let made = try privateTemporaryFolder()
      staging = made
      try extractReleaseFiles(fromZip: url, into: made, nestedLevels: 2)
      folder = made
    }
    let files = releaseFiles(under: folder)
    let missing = requiredPrefixes.filter { prefix in !files.contains { $0.lastPathComponent.hasPrefix(prefix) } }
    guard missing.isEmpty else { throw DMDReleaseError.missingFiles(path: path, missing: missing.map { String($0.dropLast()) }) }
    let chosen = Dictionary(uniqueKeysWithValues: requiredPrefixes.map { prefix in
      (prefix, files.filter { $0.lastPathComponent.hasPrefix(prefix) }.sorted { $0.path < $1.path }.last!)
    })
    @Sendable func file(_ prefix: String) -> URL { chosen[prefix]! }

    // A zip is named without its extension; a folder's name is kept whole (`release-1.0`).
    let name = isDirectory.boolValue ? url.lastPathComponent : url.deletingPathExtension().lastPathComponent
    var release = DMDRelease(info: DMDRelease.Info(name: name, date: DMDRelease.date(fromFileName: file("f_vmp2_").lastPathComponent)))
    let mapping = files.filter { $0.pathExtension.lowercased() == "xlsx" }.sorted { $0.path < $1.path }
    let parts = Mutex(ReleaseParts())
    let tasks: [@Sendable () throws -> Void] = [
      { let vmps = try readVMPs(file("f_vmp2_")); parts.withLock { $0.vmps = vmps } },
      { let amps = try readAMPs(file("f_amp2_")); parts.withLock { $0.amps = amps } },
      { let vmpps = try readVMPPs(file("f_vmpp2_")); parts.withLock { $0.vmpps = vmpps } },
      { let ampps = try readAMPPs(file("f_ampp2_")); parts.withLock { $0.ampps = ampps } },
      {
        let names = try readNames(file("f_ingredient2_"), record: "ING", id: "ISID")
        parts.withLock { $0.ingredients = names }
      },
      { let names = try readNames(file("f_vtm2_"), record: "VTM", id: "VTMID"); parts.withLock { $0.vtms = names } },
      {
        let (routes, units) = try readLookups(file("f_lookup2_"))
        parts.withLock { $0.formRoutes = routes; $0.units = units }
      },
      {
        var codes: [UInt64: String] = [:]
        for spreadsheet in mapping { codes.merge(try BNFMappingReader.read(spreadsheet), uniquingKeysWith: { first, _ in first }) }
        parts.withLock { $0.bnfCodes = codes }
      },
    ]
    // The largest files first, so that the two cores finish together: the pack and AMP
    // files are most of a release's bytes.
    let order: [Int] = [3, 1, 0, 2, 4, 5, 6, 7]
    let failures = Mutex<[Int: any Error]>([:])
    DispatchQueue.concurrentPerform(iterations: tasks.count) { position in
      let index = order[position]
      do { try tasks[index]() } catch { failures.withLock { $0[index] = error } }
    }
    if let first = failures.withLock({ $0 }).sorted(by: { $0.key < $1.key }).first { throw first.value }
    let read = parts.withLock { $0 }
    release.vmps = read.vmps
    release.amps = read.amps
    release.vmpps = read.vmpps
    release.ampps = read.ampps
    release.ingredients = read.ingredients
    release.vtms = read.vtms
    release.formRoutes = read.formRoutes
    release.units = read.units
    release.bnfCodes = read.bnfCodes
    return release
  }

  private struct ReleaseParts: Sendable {
    var vmps: [DMDRelease.VMP] = []
    var amps: [DMDRelease.AMP] = []
    var vmpps: [DMDRelease.VMPP] = []
    var ampps: [DMDRelease.AMPP] = []
    var ingredients: [UInt64: String] = [:]
    var vtms: [UInt64: String] = [:]
    var formRoutes: [String: String] = [:]
    var units: [UInt64: String] = [:]
    var bnfCodes: [UInt64: String] = [:]
  }

  // MARK: Files

  /// The release's XML files, spreadsheets and nothing else, under `folder` (two levels deep).
  static func releaseFiles(under folder: URL) -> [URL] {
    let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
    var found: [URL] = []
    while let next = enumerator?.nextObject() as? URL {
      if enumerator!.level > 3 { enumerator!.skipDescendants() }
      let name = next.lastPathComponent
      if (name.hasPrefix("f_") && name.lowercased().hasSuffix(".xml")) || name.lowercased().hasSuffix(".xlsx") { found.append(next) }
    }
    return found
  }

  /// Extracts the XML files and spreadsheets of the zip at `zip`, and of the zips inside it,
  /// into `folder`, each under its own file name (no paths from the archive are followed).
  static func extractReleaseFiles(fromZip zip: URL, into folder: URL, nestedLevels: Int) throws {
    let archive: Archive
    do { archive = try Archive(url: zip, accessMode: .read) } catch {
      throw DMDReleaseError.unreadable(path: zip.path, detail: "not a zip file (\(error))")
    }
    for entry in archive where entry.type == .file {
      let name = URL(fileURLWithPath: entry.path).lastPathComponent
      let lower = name.lowercased()
      let wanted = (name.hasPrefix("f_") && lower.hasSuffix(".xml")) || lower.hasSuffix(".xlsx") || (lower.hasSuffix(".zip") && nestedLevels > 0)
      guard wanted, !name.hasPrefix(".") else { continue }
      let target = folder.appendingPathComponent(name)
      guard !FileManager.default.fileExists(atPath: target.path) else { continue }
      do { _ = try archive.extract(entry, to: target) } catch {
        throw DMDReleaseError.unreadable(path: "\(zip.lastPathComponent):\(entry.path)", detail: "\(error)")
      }
      if lower.hasSuffix(".zip") {
        try extractReleaseFiles(fromZip: target, into: folder, nestedLevels: nestedLevels - 1)
        try? FileManager.default.removeItem(at: target)
      }
    }
  }

  static func privateTemporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("asthma-surveillance-dmd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    return folder
  }

  // MARK: Records

  static func code(_ text: String?) -> UInt64? { text.flatMap { UInt64($0) } }

  static func readVMPs(_ url: URL) throws -> [DMDRelease.VMP] {
    var vmps: [DMDRelease.VMP] = []
    var ingredients: [UInt64: [UInt64]] = [:]
    var routes: [UInt64: [String]] = [:]
    try XMLRecords.read(url, records: ["VMP", "VPI", "ONT"]) { record in
      let fields = record.fields
      switch record.name {
      case "VMP":
        guard let id = code(fields["VPID"]) else { return }
        var vmp = DMDRelease.VMP(
          id: id, previousID: code(fields["VPIDPREV"]), vtmID: code(fields["VTMID"]), name: fields["NM"] ?? "",
          abbreviatedName: fields["ABBREVNM"])
        vmp.invalid = fields["INVALID"] == "1"
        vmps.append(vmp)
      case "VPI":
        if let id = code(fields["VPID"]), let ingredient = code(fields["ISID"]) { ingredients[id, default: []].append(ingredient) }
      default:
        if let id = code(fields["VPID"]), let form = fields["FORMCD"], !form.isEmpty { routes[id, default: []].append(form) }
      }
    }
    for index in vmps.indices {
      vmps[index].ingredientIDs = ingredients[vmps[index].id] ?? []
      vmps[index].formRouteCodes = routes[vmps[index].id] ?? []
    }
    return vmps
  }

  static func readAMPs(_ url: URL) throws -> [DMDRelease.AMP] {
    var amps: [DMDRelease.AMP] = []
    try XMLRecords.read(url, records: ["AMP"]) { record in
      guard let id = code(record.fields["APID"]), let vmp = code(record.fields["VPID"]) else { return }
      var amp = DMDRelease.AMP(id: id, vmpID: vmp, name: record.fields["NM"] ?? "")
      amp.invalid = record.fields["INVALID"] == "1"
      amps.append(amp)
    }
    return amps
  }

  static func readVMPPs(_ url: URL) throws -> [DMDRelease.VMPP] {
    var vmpps: [DMDRelease.VMPP] = []
    try XMLRecords.read(url, records: ["VMPP"]) { record in
      guard let id = code(record.fields["VPPID"]), let vmp = code(record.fields["VPID"]) else { return }
      var vmpp = DMDRelease.VMPP(
        id: id, vmpID: vmp, name: record.fields["NM"] ?? "", quantity: record.fields["QTYVAL"].flatMap { Double($0) },
        unitID: code(record.fields["QTY_UOMCD"]))
      vmpp.invalid = record.fields["INVALID"] == "1"
      vmpps.append(vmpp)
    }
    return vmpps
  }

  static func readAMPPs(_ url: URL) throws -> [DMDRelease.AMPP] {
    var ampps: [DMDRelease.AMPP] = []
    try XMLRecords.read(url, records: ["AMPP"]) { record in
      guard let id = code(record.fields["APPID"]), let vmpp = code(record.fields["VPPID"]), let amp = code(record.fields["APID"]) else { return }
      var ampp = DMDRelease.AMPP(id: id, vmppID: vmpp, ampID: amp, name: record.fields["NM"] ?? "")
      ampp.invalid = record.fields["INVALID"] == "1"
      ampps.append(ampp)
    }
    return ampps
  }

  /// Names by id from the ingredient or VTM file; a previous id (`ISIDPREV`, `VTMIDPREV`)
  /// names the same substance.
  static func readNames(_ url: URL, record: String, id: String) throws -> [UInt64: String] {
    var names: [UInt64: String] = [:]
    try XMLRecords.read(url, records: [record]) { item in
      guard let name = item.fields["NM"] else { return }
      if let code = code(item.fields[id]) { names[code] = name }
      if let previous = code(item.fields[id + "PREV"]), names[previous] == nil { names[previous] = name }
    }
    return names
  }

  /// The ontology form-routes and units of measure of the lookup file.
  static func readLookups(_ url: URL) throws -> ([String: String], [UInt64: String]) {
    var routes: [String: String] = [:]
    var units: [UInt64: String] = [:]
    try XMLRecords.read(url, records: ["INFO"]) { item in
      guard let cd = item.fields["CD"], let description = item.fields["DESC"] else { return }
      switch item.parent {
      case "ONT_FORM_ROUTE": routes[cd] = description
      case "UNIT_OF_MEASURE":
        if let code = code(cd) { units[code] = description }
        if let previous = code(item.fields["CDPREV"]), units[previous] == nil { units[previous] = description }
      default: break
      }
    }
    return (routes, units)
  }
}
