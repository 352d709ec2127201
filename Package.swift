// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "asthma-surveillance",
  products: [
    .executable(name: "asthma-surveillance", targets: ["asthma-surveillance"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
  ],
  targets: [
    // MARK: C library
    .systemLibrary(name: "CLibCSV", providers: [.apt(["libcsv-dev"])]),

    // MARK: Reading and the domain core
    .target(name: "CSVReading", dependencies: ["CLibCSV"]),
    .target(name: "SurveillanceCore"),

    // MARK: The executable: all file I/O, the clock and the environment live here
    .executableTarget(name: "asthma-surveillance", dependencies: [
      "CSVReading", "SurveillanceCore",
      .product(name: "ArgumentParser", package: "swift-argument-parser"),
      .product(name: "Crypto", package: "swift-crypto"),
    ]),

    // MARK: Tests
    .testTarget(name: "CSVReadingTests", dependencies: ["CSVReading"]),
    .testTarget(name: "SurveillanceCoreTests", dependencies: ["SurveillanceCore"]),
  ]
)

for target in package.targets where [.executable, .test, .regular].contains(target.type) {
  var settings = target.swiftSettings ?? []
  settings.append(.enableUpcomingFeature("ExistentialAny"))
  settings.append(.enableUpcomingFeature("MemberImportVisibility"))
  target.swiftSettings = settings
}
