import Foundation

/// Finds the project's shared data folder, `../shared` beside the package root.
///
/// The package root is the nearest folder above this source file (as compiled) or above the
/// current directory that holds `Package.swift`. In a clone that is the clone; the shared data
/// sit beside it (in CI too).
public enum SharedData {
    /// The candidate paths of `relativePath` under `../shared`, nearest first.
    public static func candidates(_ relativePath: String, sourceFile: String = #filePath) -> [URL] {
        var roots: [URL] = []
        for start in [URL(fileURLWithPath: sourceFile).deletingLastPathComponent(),
                      URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
            if let root = packageRoot(above: start), !roots.contains(root) { roots.append(root) }
        }
        return roots.map {
            $0.deletingLastPathComponent().appendingPathComponent("shared").appendingPathComponent(relativePath).standardizedFileURL
        }
    }

    /// The first existing candidate of `relativePath`, or a `TaskError.missingData` naming where it looked.
    public static func locate(_ relativePath: String, sourceFile: String = #filePath) throws -> URL {
        let urls = candidates(relativePath, sourceFile: sourceFile)
        if let found = urls.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return found }
        let tried = urls.isEmpty ? "../shared/\(relativePath) (no Package.swift found above this build or the current directory)"
                                 : urls.map(\.path).joined(separator: " or ")
        throw TaskError.missingData(path: tried,
                                    hint: "The project's shared data must sit beside the package as ../shared; or pass the file with --data PATH.")
    }

    private static func packageRoot(above start: URL) -> URL? {
        var dir = start.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }
}
