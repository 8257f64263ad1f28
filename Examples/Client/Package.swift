// swift-tools-version: 6.2
import Foundation
import PackageDescription

// A client of the core library only: it depends on the `Recurrent` product of this repository
// by path, and `.ci/run` checks that building it compiles neither CSV nor ArgumentParser.
// SwiftPM knows a path dependency by its folder's name: the clone's, whatever it is called.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../..").standardizedFileURL.lastPathComponent

let package = Package(
    name: "Client",
    dependencies: [
        .package(path: "../.."),
    ],
    targets: [
        .executableTarget(name: "Client", dependencies: [
            .product(name: "Recurrent", package: repository),
        ]),
    ]
)
