// swift-tools-version: 6.2
// Timing of the vector-math kernels against the scalar code they replace. Not a test and not
// part of the Recurrent package; run from this folder:
//     swift run -c release vmbench [elementwise | cells | xent]
import PackageDescription

let package = Package(
    name: "VectorMathBench",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "Recurrent", path: "../..")],
    targets: [
        .executableTarget(name: "vmbench", dependencies: [.product(name: "Recurrent", package: "Recurrent")]),
    ]
)
