import Foundation
import Testing

/// Runs the built `recurrent` binary (from the same build products directory as this test
/// bundle) and captures what it prints.
enum CLI {
    struct Result {
        let status: Int32
        /// True when the process was killed by a signal (`status` is then the signal number).
        let signaled: Bool
        let stdout: String
        let stderr: String
        var succeeded: Bool { !signaled && status == 0 }
    }

    /// The `recurrent` executable beside the test bundle.
    static let binary: URL = {
        var candidates: [URL] = []
        if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for directory in candidates {
            let url = directory.appendingPathComponent("recurrent")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidates[0].appendingPathComponent("recurrent")
    }()

    /// Runs `recurrent arguments…` in `directory` and waits for it; `environment` adds to (or
    /// overrides) this process's variables, `executable` replaces the built binary.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                    executable: URL? = nil) throws -> Result {
        let process = try start(arguments, in: directory, environment: environment, executable: executable)
        process.process.waitUntilExit()
        return process.result()
    }

    /// A running `recurrent` whose output goes to files (so a pipe never fills up and blocks it).
    final class Running {
        let process = Process()
        let stdoutURL: URL, stderrURL: URL

        init(stdout: URL, stderr: URL) {
            stdoutURL = stdout
            stderrURL = stderr
        }

        var stderrSoFar: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

        func result() -> Result {
            Result(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                   stdout: (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "", stderr: stderrSoFar)
        }
    }

    static func start(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                      executable: URL? = nil) throws -> Running {
        let id = UUID().uuidString
        let running = Running(stdout: directory.appendingPathComponent(".out-\(id)"),
                              stderr: directory.appendingPathComponent(".err-\(id)"))
        FileManager.default.createFile(atPath: running.stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: running.stderrURL.path, contents: nil)
        let p = running.process
        p.executableURL = executable ?? binary
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        p.arguments = arguments
        p.currentDirectoryURL = directory
        p.standardOutput = try FileHandle(forWritingTo: running.stdoutURL)
        p.standardError = try FileHandle(forWritingTo: running.stderrURL)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return running
    }

    /// A fresh empty directory under the system's temporary directory.
    /// A fresh temporary folder holding `a.txt`, a small script-like corpus.
    static func corpusFolder(_ name: String) throws -> URL {
        let d = try temporaryDirectory(name)
        let text = String(repeating: "jerry: hello there.\nnora: what now?\n", count: 30)
        try text.write(to: d.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        return d
    }

    /// Every file directly in `directory` (hidden ones too) with its bytes.
    static func snapshot(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            files[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return files
    }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("recurrent-cli-tests-\(ProcessInfo.processInfo.processIdentifier)")
            .appendingPathComponent(name + "-" + UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
