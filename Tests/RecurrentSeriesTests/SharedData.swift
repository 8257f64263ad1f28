import Foundation

/// Paths to the bundled data: `Data/` in the package root (found by walking up from this file
/// to the folder holding Package.swift).
enum SharedData {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            let parent = url.deletingLastPathComponent()
            precondition(parent.path != url.path, "no Package.swift above \(#filePath)")
            url = parent
        }
        return url
    }()

    static func series(_ name: String) -> String {
        packageRoot.appendingPathComponent("Data/\(name)").path
    }

    /// A fresh temporary file holding `text`; its path.
    static func temporaryFile(_ text: String, name: String = "data.csv") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-series-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
