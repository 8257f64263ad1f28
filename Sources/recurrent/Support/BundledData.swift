import Foundation

/// The data files that ship with Recurrent (`Data/` in the repository), found by name from any
/// working directory, never relative to it.
///
/// Folders searched, first match wins:
/// 1. `$RECURRENT_DATA`, when set (your own folder of named files);
/// 2. `<prefix>/share/recurrent`, beside the executable's `<prefix>/bin` (an installed or
///    static build: `Scripts/install.sh`, `Scripts/build-static.sh`);
/// 3. `Data/` of the source tree this executable was built from (`swift run`, `.build/…/recurrent`,
///    `swift package experimental-install`), found from this file's compile-time path.
enum BundledData {
    static let environmentVariable = "RECURRENT_DATA"

    /// A bundled file: where it is, its size, and what it holds (from the folder's README.md).
    struct Entry {
        let name: String
        let url: URL
        let byteCount: Int
        let summary: String?
    }

    /// The files that describe a data folder rather than being data.
    static let nonDataFiles: Set<String> = ["README.md", "SHA256SUMS"]

    /// The search folders, in order, that exist.
    static var folders: [URL] {
        var candidates: [URL] = []
        if let folder = ProcessInfo.processInfo.environment[environmentVariable], !folder.isEmpty {
            candidates.append(URL(fileURLWithPath: folder))
        }
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(executable.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("share").appendingPathComponent("recurrent"))
        }
        if let root = sourceRoot { candidates.append(root.appendingPathComponent("Data")) }
        var seen = Set<String>()
        return candidates.map(\.standardizedFileURL).filter { url in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else { return false }
            return seen.insert(url.path).inserted
        }
    }

    /// The package root this file was compiled in: the nearest folder above it with Package.swift.
    static var sourceRoot: URL? {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    /// The path to read for a data-file argument: the argument itself when such a file or
    /// folder exists (a path always wins), else the bundled file of that name.
    static func path(_ argument: String) throws -> String {
        if FileManager.default.fileExists(atPath: argument) { return argument }
        if !argument.contains("/"), let entry = entries().first(where: { $0.name == argument }) { return entry.url.path }
        throw BundledDataError.notFound(argument: argument, names: entries().map(\.name))
    }

    /// Every bundled file, by name; a name in an earlier folder hides the same name in a later one.
    static func entries() -> [Entry] {
        var result: [Entry] = []
        var names = Set<String>()
        for folder in folders {
            let summaries = readmeSummaries(in: folder)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in files.sorted() where !name.hasPrefix(".") && !nonDataFiles.contains(name) && !names.contains(name) {
                let url = folder.appendingPathComponent(name)
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
                      attributes[.type] as? FileAttributeType == .typeRegular else { continue }
                names.insert(name)
                result.append(Entry(name: name, url: url, byteCount: (attributes[.size] as? NSNumber)?.intValue ?? 0,
                                    summary: summaries[name]))
            }
        }
        return result
    }

    /// The "what" column of the folder's README.md table (`| file | what | … |`), by file name,
    /// with Markdown emphasis and code marks removed.
    static func readmeSummaries(in folder: URL) -> [String: String] {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8) else { return [:] }
        var summaries: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            // "| a | b |" splits into "", "a", "b", "".
            guard cells.count >= 4 else { continue }
            let name = cells[1].replacingOccurrences(of: "`", with: "")
            summaries[name] = cells[2].replacingOccurrences(of: "`", with: "").replacingOccurrences(of: "*", with: "")
        }
        return summaries
    }
}

enum BundledDataError: Error, CustomStringConvertible {
    case notFound(argument: String, names: [String])

    var description: String {
        switch self {
        case let .notFound(argument, names):
            let bundled = names.isEmpty
                ? "no bundled data was found either (searched: \(BundledData.searchDescription))"
                : "nor is it a bundled name (\(names.joined(separator: ", ")); `recurrent data list`)"
            return "no such file: \(argument) (in \(FileManager.default.currentDirectoryPath)), \(bundled) — check the path"
        }
    }
}

extension BundledData {
    /// Where the data is looked for, for messages when none is found.
    static var searchDescription: String {
        var places = ["$\(environmentVariable)", "<prefix>/share/recurrent beside <prefix>/bin/recurrent"]
        if let root = sourceRoot { places.append(root.appendingPathComponent("Data").path) }
        return places.joined(separator: ", ")
    }
}
