import ArgumentParser
import Foundation

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "The bundled corpora and series, usable by name from any directory.",
        discussion: """
        Wherever a command reads a data file (train, evaluate, demo --corpus, forecast, classify, \
        experiment --data) it accepts a bundled name such as tinyshakespeare.txt or co2.csv; a \
        path that exists always wins. The files are looked up in $\(BundledData.environmentVariable) \
        (when set), in <prefix>/share/recurrent beside <prefix>/bin/recurrent, and in Data/ of the \
        source tree the tool was built from.
        """,
        subcommands: [List.self, Path.self],
        defaultSubcommand: List.self
    )
}

extension DataCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the bundled files: name, size and what they hold.")

        func run() throws {
            let entries = BundledData.entries()
            guard !entries.isEmpty else {
                Console.message("error: no bundled data found (searched: \(BundledData.searchDescription)). "
                    + "Point $\(BundledData.environmentVariable) at a copy of the repository's Data/ folder.")
                throw ExitCode.failure
            }
            let nameWidth = max(4, entries.map(\.name.count).max()!)
            let sizes = entries.map { formatSize($0.byteCount) }
            let sizeWidth = max(4, sizes.map(\.count).max()!)
            var folder: URL?
            for (entry, size) in zip(entries, sizes) {
                let entryFolder = entry.url.deletingLastPathComponent()
                if entryFolder != folder {
                    folder = entryFolder
                    Console.out("\(entryFolder.path):\n")
                }
                let name = entry.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                let paddedSize = String(repeating: " ", count: sizeWidth - size.count) + size
                Console.out("  \(name)  \(paddedSize)  \(entry.summary ?? "(not described in README.md)")\n")
            }
            Console.out("\nUse a name wherever a data file is expected, e.g. recurrent train tinyshakespeare.txt\n")
        }

        /// "2.0 MB", "34.0 KB", "512 B" (decimal units).
        func formatSize(_ bytes: Int) -> String {
            if bytes >= 1_000_000 { return String(format: "%.1f MB", Double(bytes) / 1e6) }
            if bytes >= 1_000 { return String(format: "%.1f KB", Double(bytes) / 1e3) }
            return "\(bytes) B"
        }
    }

    struct Path: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the path a data-file argument resolves to (or, without NAME, the data folders).",
            discussion: "Example: head -3 \"$(recurrent data path co2.csv)\""
        )

        @Argument(help: "A bundled name or a path.")
        var name: String?

        func run() throws {
            try runReportingErrors {
                if let name {
                    Console.out(URL(fileURLWithPath: try BundledData.path(name)).standardizedFileURL.path + "\n")
                } else {
                    let folders = BundledData.folders
                    guard !folders.isEmpty else {
                        throw CommandFailure("no bundled data found (searched: \(BundledData.searchDescription))")
                    }
                    for folder in folders { Console.out(folder.path + "\n") }
                }
            }
        }
    }
}
