// swift-tools-version:6.1
import PackageDescription

/// Release builds skip dynamic exclusivity checks in the hot modules (measured: a few percent of the
/// whole run); debug builds and tests keep them.
let fastRelease: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Portolan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "portolan", targets: ["portolan"]),
        .library(name: "PortolanCore", targets: ["PortolanCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // MARK: System libraries (Debian packages; see README "Requirements")
        .systemLibrary(
            name: "CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]),
        .systemLibrary(
            name: "CNcursesw", pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"]), .brew(["ncurses"])]),

        // MARK: Engine: loading, model, route graph, findings (no terminal, no output formats)
        .target(
            name: "PortolanCore",
            dependencies: [
                "CYAML",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: fastRelease),

        // MARK: Report exporters (one per format)
        .target(name: "PortolanReport", dependencies: ["PortolanCore"], swiftSettings: fastRelease),

        // MARK: Terminal-independent UI: cell buffer, widgets, app state, key bindings
        .target(name: "PortolanTUI", dependencies: ["PortolanCore", "PortolanReport"]),

        // MARK: The only module that talks to the terminal
        .target(name: "PortolanNcurses", dependencies: ["PortolanTUI", "CNcursesw"]),

        // MARK: Command line
        .executableTarget(
            name: "portolan",
            dependencies: [
                "PortolanCore", "PortolanReport", "PortolanTUI", "PortolanNcurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: Fuzzing (Scripts/fuzz builds portolan-fuzz with libFuzzer; tests replay the regressions)
        .target(name: "PortolanFuzzing", dependencies: ["PortolanCore", "PortolanReport"]),
        .executableTarget(name: "portolan-fuzz", dependencies: ["PortolanFuzzing"]),

        // MARK: Benchmarks (Scripts/bench)
        .executableTarget(name: "portolan-bench", dependencies: ["PortolanCore", "PortolanTUI"]),

        // MARK: Tests
        .testTarget(
            name: "PortolanCoreTests", dependencies: ["PortolanCore", "PortolanReport", "PortolanFuzzing"],
            exclude: ["Fixtures"]),
        .testTarget(name: "PortolanReportTests", dependencies: ["PortolanReport", "PortolanCore"],
            exclude: ["Golden", "Fixtures"]),
        .testTarget(name: "PortolanTUITests", dependencies: ["PortolanTUI", "PortolanCore"],
            exclude: ["Screens", "Fixtures"]),
        .testTarget(name: "PortolanCLITests", dependencies: ["portolan"]),
    ]
)
