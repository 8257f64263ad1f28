import Foundation
import Recurrent
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Limits become messages: a file-size limit (`ulimit -f`) and a full disk end a training run
/// with the same clear error and exit status 1, no temporary file left behind, and the
/// checkpoints written before unchanged.
@Suite(.serialized) struct FileLimitCLITests {
    /// ~300 KB checkpoints (hidden 64 with Adam's moments), far above the limits below.
    static let options = ["--hidden-size", "64", "--embedding-size", "16", "--layers", "1", "--seq-length", "8",
                          "--batch-size", "4", "--eval-every", "2", "--log-every", "1000"]



    /// Runs `recurrent arguments…` through /bin/sh after `ulimit -f blocks` (512-byte blocks).
    static func runLimited(_ arguments: [String], blocks: Int, in directory: URL) throws -> CLI.Result {
        let stdout = directory.appendingPathComponent(".limited-out"), stderr = directory.appendingPathComponent(".limited-err")
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "ulimit -f \(blocks) && exec \"$0\" \"$@\"", CLI.binary.path] + arguments
        p.currentDirectoryURL = directory
        p.standardOutput = try FileHandle(forWritingTo: stdout)
        p.standardError = try FileHandle(forWritingTo: stderr)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: stdout); try? FileManager.default.removeItem(at: stderr) }
        return CLI.Result(status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal,
                          stdout: (try? String(contentsOf: stdout, encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOf: stderr, encoding: .utf8)) ?? "")
    }

    static func expectNoRoomError(_ r: CLI.Result, file: String, detail: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!r.signaled, "killed by signal \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.status == 1, "\(r.stderr)", sourceLocation: sourceLocation)
        for w in ["error: could not write", file, detail, "there is no room for it", "ulimit -f"] {
            #expect(r.stderr.contains(w), "missing \"\(w)\" in: \(r.stderr)", sourceLocation: sourceLocation)
        }
    }

    /// Under `ulimit -f 100` (50 KB) a resumed run cannot write its next checkpoint: exit 1
    /// with the message (not death by SIGXFSZ), and the folder exactly as before.
    @Test func fileSizeLimitIsAnError() throws {
        let d = try CLI.corpusFolder("ulimit")
        let run = d.appendingPathComponent("run")
        let first = try CLI.run(["train", "a.txt", "--output", "run", "--steps", "4"] + Self.options, in: d)
        #expect(first.succeeded, "\(first.stderr)")
        var before = try CLI.snapshot(run)
        #expect(try #require(before["latest.safetensors"]).count > 100 * 512)

        let limited = try Self.runLimited(["train", "a.txt", "--resume", "run", "--steps", "8"], blocks: 100, in: d)
        Self.expectNoRoomError(limited, file: "run/step-000006.safetensors", detail: "File too large")
        // The checkpoints are as before; only the metrics log has the steps trained since
        // (a later --resume drops the lines past its checkpoint).
        var after = try CLI.snapshot(run)
        #expect(after.removeValue(forKey: "metrics.jsonl")?.last == UInt8(ascii: "\n"))
        before.removeValue(forKey: "metrics.jsonl")
        #expect(after == before, "files changed or a temporary file was left")
    }

    /// Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN; CI runs as root).
    static let canMountTmpfs: Bool = {
        guard getuid() == 0, let d = try? CLI.temporaryDirectory("mount-probe") else { return false }
        guard mount(d.path, size: 65536) else { return false }
        unmount(d.path)
        return true
    }()

    @discardableResult
    static func mount(_ path: String, size: Int) -> Bool {
        shell("mount -t tmpfs -o size=\(size) recurrent-test '\(path)' 2>/dev/null")
    }

    static func unmount(_ path: String) { shell("umount '\(path)'") }

    @discardableResult
    static func shell(_ command: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// A full disk (a tmpfs with room for one and a half checkpoints): the first checkpoint is
    /// written, the second fails with the same message as the file-size limit, and the first
    /// stays complete, with no temporary file beside it.
    @Test(.enabled(if: canMountTmpfs, "mounting a tmpfs needs root with CAP_SYS_ADMIN"))
    func fullDiskIsAnError() throws {
        let d = try CLI.corpusFolder("full-disk")
        let probe = try CLI.run(["train", "a.txt", "--output", "probe", "--steps", "2"] + Self.options, in: d)
        #expect(probe.succeeded, "\(probe.stderr)")
        let size = try #require(try CLI.snapshot(d.appendingPathComponent("probe"))["latest.safetensors"]).count
        let disk = d.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        try #require(Self.mount(disk.path, size: (size * 3 / 2 + 4095) / 4096 * 4096))
        defer { Self.unmount(disk.path) }

        let r = try CLI.run(["train", "a.txt", "--output", "disk/run", "--steps", "8"] + Self.options, in: d)
        Self.expectNoRoomError(r, file: "disk/run/step-000004.safetensors", detail: "No space left on device")
        let names = try FileManager.default.contentsOfDirectory(atPath: disk.appendingPathComponent("run").path).sorted()
        #expect(names == ["best.safetensors", "latest.safetensors", "metrics.jsonl", "step-000002.safetensors", "tokens.cache"])
        let kept = try SafeTensors(contentsOf: disk.appendingPathComponent("run/latest.safetensors").path)
        #expect(try TrainingState(jsonString: kept.metadata[CheckpointKey.trainingState] ?? "").step == 2)
    }
}
