import Foundation
import Testing

/// `recurrent --version` prints a semantic version, and CHANGELOG.md's first entry is that version.
@Suite struct VersionCLITests {
    @Test func versionIsSemanticAndTopsTheChangelog() throws {
        let r = try CLI.run(["--version"], in: try CLI.temporaryDirectory("version"))
        #expect(r.succeeded, "\(r.stderr)")
        let version = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.wholeMatch(of: /(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?/) != nil, "\(version)")

        var root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            root = root.deletingLastPathComponent()
        }
        let changelog = try String(contentsOf: root.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        let entry = changelog.split(separator: "\n").first { $0.hasPrefix("## ") }
        #expect(entry.map { $0 == "## \(version)" || $0.hasPrefix("## \(version) ") } == true,
                "CHANGELOG.md's first entry (\(entry ?? "none")) should be the version \(version)")
    }
}
