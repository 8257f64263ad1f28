// swift-tools-version: 6.2
import PackageDescription

// libFuzzer targets for Recurrent's readers of untrusted input (see docs/reliability.md).
// Build and run them with Scripts/fuzz.sh; they link only when built with
// `--sanitize=fuzzer` (libFuzzer supplies `main` and calls `LLVMFuzzerTestOneInput`).

let fuzzTarget: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "FuzzTesting",
    dependencies: [.package(name: "Recurrent", path: "..")],
    targets: [
        .executableTarget(name: "FuzzSafeTensors", dependencies: [.product(name: "Recurrent", package: "Recurrent")],
                          swiftSettings: fuzzTarget),
        .executableTarget(name: "FuzzTextCheckpoint", dependencies: [.product(name: "Recurrent", package: "Recurrent")],
                          swiftSettings: fuzzTarget),
        .executableTarget(name: "FuzzForecastCheckpoint", dependencies: [.product(name: "Recurrent", package: "Recurrent")],
                          swiftSettings: fuzzTarget),
        .executableTarget(name: "FuzzClassifierCheckpoint", dependencies: [.product(name: "Recurrent", package: "Recurrent")],
                          swiftSettings: fuzzTarget),
        .executableTarget(name: "FuzzCorpus", dependencies: [.product(name: "Recurrent", package: "Recurrent")],
                          swiftSettings: fuzzTarget),
        .executableTarget(name: "FuzzSeriesCSV", dependencies: [.product(name: "Recurrent", package: "Recurrent")],
                          swiftSettings: fuzzTarget),
        .executableTarget(name: "FuzzPrime", dependencies: [.product(name: "Recurrent", package: "Recurrent")],
                          swiftSettings: fuzzTarget),
    ]
)
