// swift-tools-version: 6.2
// A client of the Recurrent package, as a Swift developer would write one: it depends on the
// `Recurrent` product only, by path. It holds docs/library.md's examples verbatim and runs them
// (CI stage `library-guide`): `swift run -c release` from this directory.
import PackageDescription

let package = Package(
    name: "LibraryGuide",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Recurrent", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "LibraryGuide", dependencies: [.product(name: "Recurrent", package: "Recurrent")]),
    ]
)
