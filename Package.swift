// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "asthma-surveillance",
  products: [
    .executable(name: "asthma-surveillance", targets: ["asthma-surveillance"]),
    .executable(name: "asthma-surveillance-bench", targets: ["asthma-surveillance-bench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
  ],
  targets: [
    // MARK: C library
    .systemLibrary(name: "CLibCSV", providers: [.apt(["libcsv-dev"])]),
    .target(name: "CSystemCalls"),
    // The reader's inner loop: a line split at its commas with the CPU's vector compares.
    .target(name: "CFieldSplitting"),

    // MARK: Reading and the domain core
    .target(name: "CSVReading", dependencies: ["CLibCSV", "CFieldSplitting"]),
    .target(name: "SurveillanceCore"),

    // MARK: Synthetic areas for samples, tests and benchmarks (pure: text out)
    .target(name: "SyntheticArea", dependencies: ["SurveillanceCore"]),

    // MARK: The SQLite store: schema, migrations, generations, audit trail (no argument parsing)
    .target(name: "SurveillanceStore", dependencies: [
      "SurveillanceCore",
      .product(name: "GRDB", package: "GRDB.swift"),
      .product(name: "Crypto", package: "swift-crypto"),
    ]),

    // MARK: Reports for CDOP, safeguarding and medicines teams (pure: model in, HTML text out)
    .target(name: "SurveillanceReports", dependencies: ["SurveillanceCore"]),

    // MARK: rules/ built into the executable: a build-tool plugin runs embed-rules over every
    // file under rules/ (its inputs) and compiles the result into EmbeddedRules. Plugin and
    // tool live under Sources/: the top level of the repository is fixed.
    .executableTarget(name: "embed-rules", path: "Sources/embed-rules"),
    .plugin(name: "EmbedRulesPlugin", capability: .buildTool(), dependencies: ["embed-rules"], path: "Sources/EmbedRulesPlugin"),
    .target(name: "EmbeddedRules", plugins: ["EmbedRulesPlugin"]),

    // MARK: I/O around the core: loading rules/, reading exports, writing outputs
    .target(name: "SurveillanceFrontend", dependencies: [
      "CSVReading", "CSystemCalls", "EmbeddedRules", "SurveillanceCore", "SurveillanceReports", "SurveillanceStore",
      .product(name: "Crypto", package: "swift-crypto"),
      .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      .product(name: "Prometheus", package: "swift-prometheus"),
    ]),

    // MARK: One thin executable: arguments in, frontend called, exit code out
    .executableTarget(name: "asthma-surveillance", dependencies: [
      "SurveillanceCore", "SurveillanceFrontend", "SurveillanceStore", "SyntheticArea",
      .product(name: "ArgumentParser", package: "swift-argument-parser"),
      .product(name: "TOMLKit", package: "TOMLKit"),
    ]),

    // MARK: Benchmark: builds a large store, times `patient` look-ups as whole processes
    .executableTarget(name: "asthma-surveillance-bench", dependencies: [
      "CSVReading", "SurveillanceCore", "SurveillanceFrontend", "SurveillanceStore", "SyntheticArea",
      .product(name: "Crypto", package: "swift-crypto"),
    ]),

    // MARK: libFuzzer target for the reading paths (see README, "Fuzzing")
    .executableTarget(name: "asthma-surveillance-fuzz", dependencies: ["CSVReading", "SurveillanceCore", "SurveillanceFrontend"], exclude: ["corpus"]),

    // MARK: Tests
    .testTarget(name: "CSVReadingTests", dependencies: ["CSVReading", "CFieldSplitting"], exclude: ["Fixtures"]),
    .testTarget(
      name: "SurveillanceCoreTests",
      dependencies: ["SurveillanceCore", "CSVReading", "SurveillanceFrontend", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
      exclude: ["Fixtures"]),
    .testTarget(name: "CommandLineTests", dependencies: ["asthma-surveillance", "SurveillanceCore", "SurveillanceStore", "CSVReading"], exclude: ["Golden"]),
    .testTarget(name: "HostileInputTests", dependencies: [
      "SurveillanceCore", "SurveillanceFrontend", "CSVReading",
      .product(name: "PropertyBased", package: "swift-property-based"),
    ]),
    .testTarget(name: "SurveillanceStoreTests", dependencies: ["SurveillanceStore", "SurveillanceCore", "SurveillanceFrontend"]),
    .testTarget(
      name: "SurveillanceReportsTests", dependencies: ["SurveillanceReports", "SurveillanceCore", "SurveillanceFrontend", "SurveillanceStore", "SyntheticArea"],
      exclude: ["Golden"]),
    .testTarget(name: "RuleFileTests", dependencies: ["SurveillanceCore", "SurveillanceFrontend"]),
    .testTarget(name: "SyntheticAreaTests", dependencies: ["SyntheticArea", "SurveillanceCore", "SurveillanceFrontend"]),
  ]
)

for target in package.targets where [.executable, .test, .regular].contains(target.type) {
  var settings = target.swiftSettings ?? []
  settings.append(.enableUpcomingFeature("ExistentialAny"))
  settings.append(.enableUpcomingFeature("MemberImportVisibility"))
  target.swiftSettings = settings
}
