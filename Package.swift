// swift-tools-version: 6.2
import PackageDescription

// SwiftPM builds C at -O0 in debug; the GEMM micro-kernels are then ~50x slower and the
// test suite crawls. Optimise them in every configuration (allowed for dependents since 6.2).
let optimizedC: [CSetting] = [.unsafeFlags(["-O2"])]

let package = Package(
    name: "Recurrent",
    platforms: [.macOS(.v13)],
    products: [
        // The core: kernels, layers, losses, optimizers, checkpoints. No third-party dependency.
        .library(name: "Recurrent", targets: ["Recurrent", "RecurrentKernels"]),
        .library(name: "RecurrentText", targets: ["RecurrentText"]),
        .library(name: "RecurrentSeries", targets: ["RecurrentSeries"]),
        .library(name: "RecurrentTasks", targets: ["RecurrentTasks"]),
        .executable(name: "recurrent", targets: ["recurrent"]),
    ],
    traits: [
        // `swift build --traits MPI`: data-parallel training over MPI (recurrent train
        // --distributed, docs/distributed.md). Needs Open MPI's pkg-config module ompi-c
        // (Debian: libopenmpi-dev); the default build and `swift test` never touch it.
        .trait(name: "MPI", description: "Data-parallel training over MPI (needs Open MPI: pkg-config ompi-c)"),
    ],
    dependencies: [
        // Only the `recurrent` tool uses it; a client of the libraries never builds it
        // (Examples/Client, checked by .ci/run).
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // RFC 4180 CSV reading for RecurrentSeries (why this one: docs/series.md).
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // ONNX export (RecurrentONNX, used only by the CLI; docs/export.md).
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .target(name: "CKernels", cSettings: optimizedC),
        .target(name: "CVectorMath", cSettings: optimizedC,
                linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        .target(name: "RecurrentKernels", dependencies: ["CKernels", "CVectorMath"]),
        .target(name: "Recurrent", dependencies: ["RecurrentKernels"]),
        .target(name: "RecurrentText", dependencies: ["Recurrent"]),
        .target(name: "RecurrentSeries", dependencies: [
            "Recurrent",
            "RecurrentText",
            .product(name: "CSV", package: "CSV.swift"),
        ]),
        .target(name: "RecurrentTasks", dependencies: ["Recurrent"]),
        // MPI through Open MPI's C library; a module map and inline shims, built only with the trait.
        .systemLibrary(name: "COpenMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev"]), .brew(["open-mpi"])]),
        // The one module that knows MPI; without the trait it only explains how to get it.
        .target(name: "RecurrentMPI", dependencies: [
            "Recurrent",
            .target(name: "COpenMPI", condition: .when(traits: ["MPI"])),
        ]),
        // ONNX graphs of trained models; the generated onnx.pb.swift is committed
        // (Scripts/generate_onnx_proto.sh), its source onnx.proto is excluded.
        .target(name: "RecurrentONNX", dependencies: [
            "Recurrent",
            "RecurrentSeries",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ], exclude: ["Proto/onnx.proto", "Proto/LICENSE", "Proto/README.md"]),
        .executableTarget(name: "recurrent", dependencies: [
            "Recurrent",
            "RecurrentText",
            "RecurrentSeries",
            "RecurrentTasks",
            "RecurrentONNX",
            "RecurrentMPI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "RecurrentKernelsTests", dependencies: ["RecurrentKernels"]),
        .testTarget(name: "RecurrentTests", dependencies: ["Recurrent"], exclude: ["Fixtures"]),
        .executableTarget(name: "text-benchmark", dependencies: ["RecurrentText"], path: "Benchmarks/TextBenchmark"),
        .executableTarget(name: "hybrid-experiment", dependencies: ["Recurrent", "RecurrentSeries"], path: "Benchmarks/HybridExperiment"),
        .testTarget(name: "RecurrentTextTests", dependencies: ["RecurrentText"]),
        .testTarget(name: "RecurrentSeriesTests", dependencies: ["RecurrentSeries"], exclude: ["Fixtures"]),
        .testTarget(name: "RecurrentTasksTests", dependencies: ["RecurrentTasks"]),
        // Runs the built `recurrent` binary; depending on it makes `swift test` build it first.
        .testTarget(name: "CLITests", dependencies: ["recurrent", "Recurrent"]),
    ]
)
