import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The dm+d benchmark: a full-size release in NHSBSA's format, classified by
/// `asthma-surveillance formulary build` as a whole process (wall, CPU, peak RSS), from the
/// unzipped folder and from a zip of it.
///
///   asthma-surveillance-bench dmd [--work DIR] [--runs R] [--fixture DIR] [--scale X]
///
/// The release is written once into `--work` (and reused): the real, complete lookup, VTM and
/// ingredient files of the test fixture, then VMPs, AMPs, VMPPs and AMPPs in the numbers of a
/// current release (about 24,000, 155,000, 34,000 and 190,000 at scale 1) with every element a
/// real release carries (names, flags, dates, ingredients, form-routes, licensed routes, pack
/// and prescribing information, prices, reimbursement), about 2% of them respiratory, with
/// the real ingredient and form-route codes, so that the classification has real work to do.
struct DMDBenchmark {
  var work = FileManager.default.temporaryDirectory.appendingPathComponent("asthma-surveillance-bench-dmd").path
  var runs = 3
  var fixture = "Tests/SurveillanceCoreTests/Fixtures/dmd-release/release-1"
  var scale = 1.0

  static func parse(_ arguments: [String]) -> DMDBenchmark {
    var bench = DMDBenchmark()
    BenchArguments.forEachOption(in: arguments) { flag, value in
      switch flag {
      case "--work": bench.work = value
      case "--runs": bench.runs = max(1, Int(value) ?? bench.runs)
      case "--fixture": bench.fixture = value
      case "--scale": bench.scale = max(0.01, Double(value) ?? bench.scale)
      default: BenchLog.fail("unknown option \(flag); options: --work DIR --runs R --fixture DIR --scale X")
      }
    }
    return bench
  }

  func run(binary: URL) throws {
    let work = try BenchWorkDirectory(path: work)
    let folder = URL(fileURLWithPath: work.path("release-\(scale)"))
    let zip = URL(fileURLWithPath: work.path("release-\(scale).zip"))
    let counts = SyntheticRelease.Counts(scale: scale)
    if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("f_ampp2_3011126.xml").path) {
      BenchLog.info("writing a full-size dm+d release into \(folder.path)")
      try? FileManager.default.removeItem(at: folder)
      try SyntheticRelease(counts: counts, fixture: URL(fileURLWithPath: fixture)).write(to: folder)
      try? FileManager.default.removeItem(at: zip)
    }
    if !FileManager.default.fileExists(atPath: zip.path) {
      BenchLog.info("zipping it (zip -q)")
      guard try Spawn.run(URL(fileURLWithPath: "/usr/bin/env"), ["sh", "-c", "cd '\(folder.path)' && zip -q -r '\(zip.path)' ."], showErrors: true) == 0 else {
        throw BenchError("zip failed (apt-get install zip)")
      }
    }
    let bytes = try FileManager.default.contentsOfDirectory(atPath: folder.path).reduce(0) { total, name in
      total + ((try? FileManager.default.attributesOfItem(atPath: folder.path + "/" + name)[.size] as? Int) ?? 0)
    }
    let zipBytes = (try? FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? Int) ?? 0
    var results: [(String, [NightlyBenchmark.Measure])] = []
    for (label, path) in [("folder", folder.path), ("zip", zip.path)] {
      var measures: [NightlyBenchmark.Measure] = []
      for run in 1...runs {
        BenchLog.info("formulary build --dmd \(label), run \(run) of \(runs)")
        measures.append(try NightlyBenchmark.measure(binary.path, ["formulary", "build", "--dmd", path, "--out", work.path("dmd-products.csv")]))
      }
      results.append((label, measures))
    }
    let table = (try? String(contentsOfFile: work.path("dmd-products.csv"), encoding: .utf8)) ?? ""
    let listed = table.split(separator: "\n").first { $0.hasPrefix("# products_listed:") }.map { $0.dropFirst(19) } ?? "?"
    func f(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
    let median = BenchStatistics.median
    var lines = [
      "| release | products (VMP, AMP, VMPP, AMPP) | XML MB | zip MB | asthma products listed | runs | wall s (median) | CPU s (median) | peak MiB |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (label, measures) in results {
      lines.append(
        "| \(label) | \(counts.vmps), \(counts.amps), \(counts.vmpps), \(counts.ampps) | \(f(Double(bytes) / 1e6, 0)) | \(f(Double(zipBytes) / 1e6, 0)) | \(listed) | \(runs) | \(f(median(measures.map(\.wall)))) | \(f(median(measures.map(\.cpu)))) | \(f(measures.map(\.peakMiB).max() ?? 0, 0)) |")
    }
    print(lines.joined(separator: "\n"))
  }
}

/// A full-size dm+d release, synthetic but in the real format: the fixture's real lookup, VTM
/// and ingredient files, and generated products with every element a real release has.
struct SyntheticRelease {
  struct Counts {
    var vmps, amps, vmpps, ampps: Int
    init(scale: Double) {
      vmps = Int(24_000 * scale)
      amps = Int(155_000 * scale)
      vmpps = Int(34_000 * scale)
      ampps = Int(190_000 * scale)
    }
  }

  var counts: Counts
  var fixture: URL

  /// Real ingredient (ISID) and ONT form-route codes for the respiratory share.
  static let respiratory: [(isids: [String], formRoute: String, name: String, unit: String, pack: Int)] = [
    (["48474002"], "0004", "Salbutamol 100micrograms/dose inhaler CFC free", "3317411000001100", 200),
    (["48474002"], "0072", "Salbutamol 2.5mg/2.5ml nebuliser liquid unit dose vials", "3319711000001103", 20),
    (["116575004"], "0004", "Beclometasone 100micrograms/dose inhaler CFC free", "3317411000001100", 200),
    (["395726003", "447213002"], "0028", "Budesonide 200micrograms/dose / Formoterol 6micrograms/dose dry powder inhaler", "3317411000001100", 120),
    (["396064000", "108606009"], "0004", "Fluticasone 125micrograms/dose / Salmeterol 25micrograms/dose inhaler CFC free", "3317411000001100", 120),
    (["108620002"], "0001", "Montelukast 10mg tablets", "428673006", 28),
    (["116601002"], "0001", "Prednisolone 5mg tablets", "428673006", 28),
  ]

  func write(to folder: URL) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in ["f_lookup2_3010419.xml", "f_vtm2_3010419.xml", "f_ingredient2_3010419.xml"] {
      let target = folder.appendingPathComponent(name.replacingOccurrences(of: "3010419", with: "3011126"))
      try FileManager.default.copyItem(at: fixture.appendingPathComponent(name), to: target)
    }
    // Ids: VMP i is 9_000_000_000 + i and so on, distinct per level; the check digit does not
    // matter to reading or classifying.
    func vmpID(_ i: Int) -> Int { 7_000_000_000_000 + i }
    func ampID(_ i: Int) -> Int { 7_100_000_000_000 + i }
    func vmppID(_ i: Int) -> Int { 7_200_000_000_000 + i }
    func amppID(_ i: Int) -> Int { 7_300_000_000_000 + i }
    func isRespiratory(_ vmp: Int) -> Bool { vmp % 50 == 0 }
    func product(_ vmp: Int) -> (isids: [String], formRoute: String, name: String, unit: String, pack: Int) {
      if isRespiratory(vmp) { return Self.respiratory[(vmp / 50) % Self.respiratory.count] }
      return (["\(372000000 + vmp % 3000)"], "0001", "Product \(vmp) \(10 + vmp % 90)mg tablets", "428673006", 28 + vmp % 3 * 28)
    }

    try XMLFile(folder.appendingPathComponent("f_vmp2_3011126.xml"), root: "VIRTUAL_MED_PRODUCTS", schema: "vmp_v2_3.xsd") { out in
      out.open("VMPS")
      for i in 0..<counts.vmps {
        let p = product(i)
        out.record("VMP", [
          ("VPID", "\(vmpID(i))"), ("VPIDDT", i % 10 == 0 ? "2015-06-01" : nil), ("VPIDPREV", i % 10 == 0 ? "\(6_000_000_000_000 + i)" : nil),
          ("VTMID", "\(90000000 + i % 2800)"), ("INVALID", i % 97 == 0 ? "1" : nil), ("NM", "\(p.name) \(i)"), ("ABBREVNM", i % 4 == 0 ? "\(p.name.prefix(50))" : nil),
          ("BASISCD", "0001"), ("NMDT", "2011-03-04"), ("NMPREV", i % 3 == 0 ? "Old name of product \(i)" : nil), ("BASIS_PREVCD", i % 3 == 0 ? "0001" : nil),
          ("NMCHANGECD", i % 3 == 0 ? "0004" : nil), ("PRES_STATCD", "0001"), ("SUG_F", i % 7 == 0 ? "0001" : nil), ("GLU_F", nil), ("PRES_F", nil),
          ("CFC_F", isRespiratory(i) ? "0001" : nil), ("DF_INDCD", "1"), ("UDFS", "1"), ("UDFS_UOMCD", p.unit), ("UNIT_DOSE_UOMCD", p.unit),
        ])
      }
      out.close("VMPS")
      out.open("VIRTUAL_PRODUCT_INGREDIENT")
      for i in 0..<counts.vmps {
        for isid in product(i).isids {
          out.record("VPI", [
            ("VPID", "\(vmpID(i))"), ("ISID", isid), ("BASIS_STRNTCD", "0001"), ("STRNT_NMRTR_VAL", "100"), ("STRNT_NMRTR_UOMCD", "258685003"),
            ("STRNT_DNMTR_VAL", "1"), ("STRNT_DNMTR_UOMCD", "3317411000001100"),
          ])
        }
      }
      out.close("VIRTUAL_PRODUCT_INGREDIENT")
      for (section, record, field, value) in [
        ("ONT_DRUG_FORM", "ONT", "FORMCD", { (i: Int) in product(i).formRoute }), ("DRUG_FORM", "DFORM", "FORMCD", { (_: Int) in "385055001" }),
        ("DRUG_ROUTE", "DROUTE", "ROUTECD", { (_: Int) in "26643006" }), ("CONTROL_DRUG_INFO", "CONTROL_INFO", "CATCD", { (_: Int) in "0000" }),
      ] {
        out.open(section)
        for i in 0..<counts.vmps { out.record(record, [("VPID", "\(vmpID(i))"), (field, value(i))]) }
        out.close(section)
      }
    }

    try XMLFile(folder.appendingPathComponent("f_amp2_3011126.xml"), root: "ACTUAL_MEDICINAL_PRODUCTS", schema: "amp_v2_3.xsd") { out in
      out.open("AMPS")
      for i in 0..<counts.amps {
        let vmp = i % counts.vmps
        out.record("AMP", [
          ("APID", "\(ampID(i))"), ("INVALID", i % 101 == 0 ? "1" : nil), ("VPID", "\(vmpID(vmp))"), ("NM", "\(product(vmp).name) brand \(i)"),
          ("ABBREVNM", i % 5 == 0 ? "Brand \(i)" : nil), ("DESC", "\(product(vmp).name) brand \(i) (Supplier \(i % 900) Ltd)"), ("NMDT", "2012-01-01"),
          ("NM_PREV", i % 6 == 0 ? "Earlier brand name \(i)" : nil), ("SUPPCD", "\(3_000_000_000_000 + i % 900)"), ("LIC_AUTHCD", "0001"),
          ("LIC_AUTH_PREVCD", i % 8 == 0 ? "0003" : nil), ("LIC_AUTHCHANGECD", i % 8 == 0 ? "0001" : nil), ("LIC_AUTHCHANGEDT", i % 8 == 0 ? "2016-02-02" : nil),
          ("COMBPRODCD", nil), ("FLAVOURCD", nil), ("EMA", nil), ("PARALLEL_IMPORT", i % 9 == 0 ? "0001" : nil), ("AVAIL_RESTRICTCD", "0001"),
        ])
      }
      out.close("AMPS")
      out.open("AP_INGREDIENT")
      for i in stride(from: 0, to: counts.amps, by: 4) {
        out.record("AP_ING", [("APID", "\(ampID(i))"), ("ISID", "\(380000000 + i % 500)"), ("STRNTH", "10"), ("UOMCD", "258684004")])
      }
      out.close("AP_INGREDIENT")
      out.open("LICENSED_ROUTE")
      for i in 0..<counts.amps { out.record("LIC_ROUTE", [("APID", "\(ampID(i))"), ("ROUTECD", "26643006")]) }
      out.close("LICENSED_ROUTE")
      out.open("AP_INFORMATION")
      for i in stride(from: 0, to: counts.amps, by: 3) {
        out.record("AP_INFO", [("APID", "\(ampID(i))"), ("SZ_WEIGHT", "500ml"), ("COLOURCD", "0001"), ("PROD_ORDER_NO", "PO\(i)")])
      }
      out.close("AP_INFORMATION")
    }

    try XMLFile(folder.appendingPathComponent("f_vmpp2_3011126.xml"), root: "VIRTUAL_MED_PRODUCT_PACK", schema: "vmpp_v2_3.xsd") { out in
      out.open("VMPPS")
      for i in 0..<counts.vmpps {
        let vmp = i % counts.vmps
        let p = product(vmp)
        out.record("VMPP", [
          ("VPPID", "\(vmppID(i))"), ("INVALID", nil), ("NM", "\(p.name) \(vmp) \(p.pack) pack"), ("ABBREVNM", nil), ("VPID", "\(vmpID(vmp))"),
          ("QTYVAL", "\(p.pack * (1 + i / counts.vmps))"), ("QTY_UOMCD", p.unit), ("COMBPACKCD", nil),
        ])
      }
      out.close("VMPPS")
      out.open("DRUG_TARIFF_INFO")
      for i in 0..<counts.vmpps {
        out.record("DTINFO", [("VPPID", "\(vmppID(i))"), ("PAY_CATCD", "0001"), ("PRICE", "\(100 + i % 5000)"), ("DT", "2019-04-01"), ("PREVPRICE", "\(90 + i % 5000)")])
      }
      out.close("DRUG_TARIFF_INFO")
      out.empty("COMB_CONTENT")
    }

    try XMLFile(folder.appendingPathComponent("f_ampp2_3011126.xml"), root: "ACTUAL_MEDICINAL_PROD_PACKS", schema: "ampp_v2_3.xsd") { out in
      out.open("AMPPS")
      for i in 0..<counts.ampps {
        let amp = i % counts.amps
        let vmpp = (amp % counts.vmps) + (i / counts.amps % max(1, counts.vmpps / counts.vmps)) * counts.vmps
        out.record("AMPP", [
          ("APPID", "\(amppID(i))"), ("INVALID", i % 103 == 0 ? "1" : nil), ("NM", "\(product(amp % counts.vmps).name) brand \(amp) (Supplier Ltd) pack \(i)"),
          ("ABBREVNM", nil), ("VPPID", "\(vmppID(min(vmpp, counts.vmpps - 1)))"), ("APID", "\(ampID(amp))"), ("COMBPACKCD", nil), ("LEGAL_CATCD", "0003"),
          ("SUBP", i % 11 == 0 ? "1 x 28 tablets" : nil), ("DISCCD", i % 13 == 0 ? "0001" : nil), ("DISCDT", i % 13 == 0 ? "2018-08-01" : nil),
        ])
      }
      out.close("AMPPS")
      out.open("APPLIANCE_PACK_INFO")
      out.close("APPLIANCE_PACK_INFO")
      out.open("DRUG_PRODUCT_PRESCRIB_INFO")
      for i in 0..<counts.ampps { out.record("PRESCRIB_INFO", [("APPID", "\(amppID(i))"), ("SCHED_2", nil), ("ACBS", nil), ("PADM", nil), ("FP10_MDA", nil), ("SCHED_1", nil), ("HOSP", i % 17 == 0 ? "0001" : nil), ("NURSE_F", nil), ("ENURSE_F", nil), ("DENT_F", nil)]) }
      out.close("DRUG_PRODUCT_PRESCRIB_INFO")
      out.open("MEDICINAL_PRODUCT_PRICE")
      for i in 0..<counts.ampps { out.record("PRICE_INFO", [("APPID", "\(amppID(i))"), ("PRICE", "\(120 + i % 9000)"), ("PRICEDT", "2019-03-01"), ("PRICE_PREV", "\(110 + i % 9000)"), ("PRICE_BASISCD", "0001")]) }
      out.close("MEDICINAL_PRODUCT_PRICE")
      out.open("REIMBURSEMENT_INFO")
      for i in 0..<counts.ampps { out.record("REIMB_INFO", [("APPID", "\(amppID(i))"), ("PX_CHRGS", "1"), ("DISP_FEES", "1"), ("BB", nil), ("CAL_PACK", nil), ("SPEC_CONTCD", nil), ("DND", nil), ("FP34D", nil)]) }
      out.close("REIMBURSEMENT_INFO")
      out.empty("COMB_CONTENT")
    }
  }
}

/// An XML file written in NHSBSA's layout, buffered.
final class XMLFile {
  private let handle: FileHandle
  private var buffer: [UInt8] = []
  private var depth = 1

  @discardableResult
  init(_ url: URL, root: String, schema: String, _ body: (XMLFile) throws -> Void) throws {
    guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw BenchError("cannot write \(url.path)") }
    handle = try FileHandle(forWritingTo: url)
    append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(root) xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"\(schema)\">\n")
    try body(self)
    append("</\(root)>\n")
    flush()
    try handle.close()
  }

  private func append(_ text: String) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count > 1 << 20 { flush() }
  }

  private func flush() {
    handle.write(Data(buffer))
    buffer.removeAll(keepingCapacity: true)
  }

  private var indent: String { String(repeating: "  ", count: depth) }

  func open(_ name: String) {
    append("\(indent)<\(name)>\n")
    depth += 1
  }

  func close(_ name: String) {
    depth -= 1
    append("\(indent)</\(name)>\n")
  }

  func empty(_ name: String) { append("\(indent)<\(name)/>\n") }

  /// A record: one element per field that has a value, in order.
  func record(_ name: String, _ fields: [(String, String?)]) {
    var text = "\(indent)<\(name)>\n"
    for (field, value) in fields {
      guard let value else { continue }
      let escaped = value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      text += "\(indent)  <\(field)>\(escaped)</\(field)>\n"
    }
    text += "\(indent)</\(name)>\n"
    append(text)
  }
}
