import Foundation

/// Exports whose cost lies in one child's rows, not in the area's: the shapes that showed a
/// step quadratic in a child's rows, and the per-child overhead of an export of a million
/// children. Each is written straight as canonical CSV (no generator: these are not areas a
/// system would export, only the extremes a run must survive) and run through `nightly` as a
/// whole process, timed from `wait4`.
///
///   asthma-surveillance-bench child-shapes [--scale S] [--runs R] [--work DIR] [--only NAME,NAME]
///
/// At scale 1: one child with 1,000,000 GP issues (each with its own prescription id); the
/// same rows over 1,000 children; one child with 80,000 GP issues and 80,000 dispensings and
/// no prescription ids; 800,000 children with 880,000 GP rows between them (the test range
/// holds about 900,000 valid numbers). `--scale 0.1` writes a tenth of each.
struct ChildShapesBenchmark {
  var scale = 1.0
  var runs = 1
  var work = FileManager.default.temporaryDirectory.appendingPathComponent("asthma-surveillance-bench-child-shapes").path
  var only: Set<String> = []
  let asOf = "2026-11-21"

  static func parse(_ arguments: [String]) -> ChildShapesBenchmark {
    var bench = ChildShapesBenchmark()
    BenchArguments.forEachOption(in: arguments) { flag, value in
      switch flag {
      case "--scale": bench.scale = Double(value) ?? bench.scale
      case "--runs": bench.runs = max(1, Int(value) ?? bench.runs)
      case "--work": bench.work = value
      case "--only": bench.only = Set(value.split(separator: ",").map(String.init))
      default: BenchLog.fail("unknown option \(flag); options: --scale S --runs R --work DIR --only NAME,NAME")
      }
    }
    return bench
  }

  /// One shape: how many GP and pharmacy rows, over how many children, with ids or not.
  struct Shape {
    var name: String
    var gpRows: Int
    var pharmacyRows: Int
    var children: Int
    var prescriptionIDs: Bool
  }

  var shapes: [Shape] {
    func scaled(_ n: Int) -> Int { max(1, Int(Double(n) * scale)) }
    return [
      Shape(name: "one-child-1m-gp", gpRows: scaled(1_000_000), pharmacyRows: 1, children: 1, prescriptionIDs: true),
      Shape(name: "1000-children-1m-gp", gpRows: scaled(1_000_000), pharmacyRows: 1, children: 1_000, prescriptionIDs: true),
      Shape(name: "one-child-80k-80k-no-ids", gpRows: scaled(80_000), pharmacyRows: scaled(80_000), children: 1, prescriptionIDs: false),
      Shape(name: "800k-children-880k-gp", gpRows: scaled(880_000), pharmacyRows: 1, children: scaled(800_000), prescriptionIDs: true),
    ].filter { only.isEmpty || only.contains($0.name) }
  }

  func run(binary: URL) throws {
    let root = try BenchWorkDirectory(path: work)
    var lines = [
      "nightly on one-child and many-children shapes, whole process, median of \(runs) run(s) (scale \(scale))",
      "",
      "| shape | GP rows | pharmacy rows | children | wall s | CPU s | peak MiB |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for shape in shapes {
      let directory = root.url.appendingPathComponent(shape.name)
      try write(shape, into: directory)
      var measures: [NightlyBenchmark.Measure] = []
      for round in 0..<runs {
        let measure = try NightlyBenchmark.measure(binary.path, [
          "nightly", "--gp", directory.appendingPathComponent("gp.csv").path, "--pharmacy", directory.appendingPathComponent("pharmacy.csv").path,
          "--as-of", asOf, "--out", directory.appendingPathComponent("out").path,
        ])
        BenchLog.info("\(shape.name), run \(round + 1): \(String(format: "%.2f", measure.wall)) s, \(String(format: "%.0f", measure.peakMiB)) MiB")
        measures.append(measure)
      }
      let wall = measures.map(\.wall).sorted()[measures.count / 2]
      let cpu = measures.map(\.cpu).sorted()[measures.count / 2]
      lines.append("| \(shape.name) | \(shape.gpRows) | \(shape.pharmacyRows) | \(shape.children) | \(String(format: "%.2f", wall)) | \(String(format: "%.2f", cpu)) | \(String(format: "%.0f", measures.map(\.peakMiB).max() ?? 0)) |")
    }
    print(lines.joined(separator: "\n"))
  }

  static let gpHeader = "nhs_number,date_of_birth,practice_code,issue_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,issue_type,prescriber_code,prescription_id\n"
  static let pharmacyHeader = "nhs_number,date_of_birth,pharmacy_code,dispensed_date,dmd_code,bnf_code,drug_name,quantity,quantity_unit,prescription_id,supply_type\n"
  /// Two relievers and a preventer from the codelists, written as the generator writes them.
  static let products = [
    "7511000001105,0301011R0AAAPAP,Salbutamol 100micrograms/dose inhaler CFC free (Actavis UK Ltd),1,",
    "45111000001100,0301011R0AAAPAP,Salbutamol 100micrograms/dose inhaler CFC free (Mylan),200,dose",
    "10617711000001103,0302000C0BPAABE,Clenil Modulite 50micrograms/dose inhaler (Chiesi Ltd),200,dose",
  ]

  /// Writes the shape's two files (kept while the shape is unchanged).
  func write(_ shape: Shape, into directory: URL) throws {
    let spec = directory.appendingPathComponent("spec.txt")
    let wanted = "gp=\(shape.gpRows) pharmacy=\(shape.pharmacyRows) children=\(shape.children) ids=\(shape.prescriptionIDs)\n"
    if (try? String(contentsOf: spec, encoding: .utf8)) == wanted { return }
    try? FileManager.default.removeItem(at: directory)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    BenchLog.info("writing \(shape.name) into \(directory.path)")
    var random = SplitMix64(seed: 17)
    let children = TestRangeNumbers.first(shape.children)
    let end = Self.day(asOf)
    func date(_ daysBack: Int) -> String { Self.iso(end - daysBack) }
    func id(_ row: Int) -> String {
      shape.prescriptionIDs ? String(format: "%06X-%06X-%06X", Int(random.next() % 0xFFFFFF), Int(random.next() % 0xFFFFFF), row % 0xFFFFFF) : ""
    }
    // Each child's first row goes to the child in order, so every child has one; the rest at random.
    func child(_ row: Int) -> String { row < children.count ? children[row] : children[Int(random.next() % UInt64(children.count))] }
    /// `rows` lines under `header` into `name`, written out every 4 MiB.
    func write(_ name: String, header: String, rows: Int, _ line: (Int, String) -> String) throws {
      let file = directory.appendingPathComponent(name)
      var text = header
      for row in 0..<rows {
        text += line(row, Self.products[row % Self.products.count])
        if text.utf8.count > 1 << 22 { try append(&text, to: file) }
      }
      try append(&text, to: file)
    }
    try write("gp.csv", header: Self.gpHeader, rows: shape.gpRows) { row, product in
      "\(child(row)),2015-03-04,Z10001,\(date(Int(random.next() % 360))),\(product),repeat,G9020002,\(id(row))\n"
    }
    try write("pharmacy.csv", header: Self.pharmacyHeader, rows: shape.pharmacyRows) { row, product in
      "\(child(row)),2015-03-04,FZ101,\(date(Int(random.next() % 360))),\(product),\(id(row)),nhs_prescription\n"
    }
    try wanted.write(to: spec, atomically: true, encoding: .utf8)
  }

  private func append(_ text: inout String, to file: URL) throws {
    if !FileManager.default.fileExists(atPath: file.path) { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
    let handle = try FileHandle(forWritingTo: file)
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    text = ""
  }

  /// Days since 1970-01-01 of an ISO date, and back.
  static func day(_ iso: String) -> Int {
    let parts = iso.split(separator: "-").compactMap { Int($0) }
    var components = DateComponents()
    (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return Int(calendar.date(from: components)!.timeIntervalSince1970 / 86_400)
  }

  static func iso(_ day: Int) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let components = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(day) * 86_400))
    return String(format: "%04d-%02d-%02d", components.year!, components.month!, components.day!)
  }
}

/// Valid NHS numbers from the test range (999 000 0000 up), in order: Modulus 11, skipping
/// the bases whose check digit would be 10.
enum TestRangeNumbers {
  static func first(_ count: Int) -> [String] {
    var numbers: [String] = []
    numbers.reserveCapacity(count)
    var base = 999_000_000
    while numbers.count < count, base <= 999_999_999 {
      let digits = String(base).compactMap(\.wholeNumberValue)
      let sum = zip(digits, (2...10).reversed()).reduce(0) { $0 + $1.0 * $1.1 }
      var check = 11 - sum % 11
      if check == 11 { check = 0 }
      if check != 10 { numbers.append("\(base)\(check)") }
      base += 1
    }
    return numbers
  }
}
