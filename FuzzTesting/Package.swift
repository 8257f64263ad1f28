// swift-tools-version: 6.2
import PackageDescription

// libFuzzer targets for Recurrent's readers of untrusted input (see docs/reliability.md).
// Build and run them with Scripts/fuzz.sh; they link only when built with
// `--sanitize=fuzzer` (libFuzzer supplies `main` and calls `LLVMFuzzerTestOneInput`).

let fuzzTarget: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

/// A fuzz target depending on the package's products it imports (each module is its own product).
func fuzzer(_ name: String, _ products: String...) -> Target {
    .executableTarget(name: name, dependencies: products.map { .product(name: $0, package: "Recurrent") },
                      swiftSettings: fuzzTarget)
}

let package = Package(
    name: "FuzzTesting",
    dependencies: [.package(name: "Recurrent", path: "..")],
    targets: [
        fuzzer("FuzzSafeTensors", "Recurrent"),
        fuzzer("FuzzTextCheckpoint", "Recurrent", "RecurrentText"),
        fuzzer("FuzzForecastCheckpoint", "Recurrent", "RecurrentSeries"),
        fuzzer("FuzzClassifierCheckpoint", "Recurrent", "RecurrentSeries"),
        fuzzer("FuzzCorpus", "Recurrent", "RecurrentText"),
        fuzzer("FuzzSeriesCSV", "Recurrent", "RecurrentSeries"),
        fuzzer("FuzzPrime", "Recurrent", "RecurrentText"),
    ]
)
