import Foundation
import Recurrent
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run per folder: a fresh run never mixes its checkpoints with another run's, and two
/// processes never write into one folder.
@Suite(.serialized) struct RunFolderCLITests {
    static let small = ["--hidden-size", "8", "--layers", "1", "--seq-length", "8", "--batch-size", "4",
                        "--eval-every", "2", "--log-every", "1000"]



    static func seed(of checkpoint: URL) throws -> UInt64 {
        let header = try SafeTensors.readHeader(contentsOf: checkpoint.path)
        return try TrainingConfiguration(jsonString: header.metadata[CheckpointKey.trainingConfiguration] ?? "").seed
    }

    static func expectRefused(_ r: CLI.Result, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!r.signaled && r.status == 1, "\(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        for w in words { #expect(r.stderr.contains(w), "missing \"\(w)\" in: \(r.stderr)", sourceLocation: sourceLocation) }
        #expect(!r.stderr.contains("step 1"), "refused after training began: \(r.stderr)", sourceLocation: sourceLocation)
    }

    /// A fresh run into a folder holding a finished run is refused before its first step,
    /// naming what is there and the ways on; the old checkpoints stay byte for byte. `--resume`
    /// continues it; `--overwrite` replaces it whole (no `best` of the old run left behind).
    @Test func freshRunIntoAnotherRunsFolderIsRefused() throws {
        let d = try CLI.corpusFolder("fresh-into-finished")
        let run = d.appendingPathComponent("run")
        let first = try CLI.run(["train", "a.txt", "--output", "run", "--steps", "6"] + Self.small, in: d)
        #expect(first.succeeded, "\(first.stderr)")
        let before = try CLI.snapshot(run)
        #expect(before.keys.contains("latest.safetensors") && before.keys.contains("best.safetensors"))

        let second = try CLI.run(["train", "a.txt", "--output", "run", "--steps", "2", "--seed", "9"] + Self.small, in: d)
        Self.expectRefused(second, mentioning: ["'run' already holds another run's checkpoints", "latest.safetensors",
                                                "best.safetensors", "step-000006", "--resume run", "--output DIR", "--overwrite"])
        #expect(try CLI.snapshot(run) == before, "the refused run changed the folder")

        // The default folder (checkpoints/a) is guarded the same way.
        let defaultRun = try CLI.run(["train", "a.txt", "--steps", "2"] + Self.small, in: d)
        #expect(defaultRun.succeeded, "\(defaultRun.stderr)")
        Self.expectRefused(try CLI.run(["train", "a.txt", "--steps", "2"] + Self.small, in: d),
                           mentioning: ["'checkpoints/a' already holds", "--resume checkpoints/a"])

        // Resuming into another run's folder is refused too.
        let other = try CLI.run(["train", "a.txt", "--output", "other", "--steps", "2", "--seed", "5"] + Self.small, in: d)
        #expect(other.succeeded, "\(other.stderr)")
        Self.expectRefused(try CLI.run(["train", "a.txt", "--resume", "other", "--output", "run", "--steps", "4"], in: d),
                           mentioning: ["'run' already holds", "leave out --output"])
        Self.expectRefused(try CLI.run(["train", "a.txt", "--resume", "run", "--overwrite", "--steps", "8"], in: d),
                           mentioning: ["--overwrite would delete the checkpoints being resumed"])
        #expect(try CLI.snapshot(run) == before)

        let resumed = try CLI.run(["train", "a.txt", "--resume", "run", "--steps", "8", "--log-every", "1000"], in: d)
        #expect(resumed.succeeded, "\(resumed.stderr)")

        let fresh = try CLI.run(["train", "a.txt", "--output", "run", "--steps", "2", "--seed", "9", "--overwrite"] + Self.small, in: d)
        #expect(fresh.succeeded, "\(fresh.stderr)")
        #expect(fresh.stderr.contains("--overwrite: deleted"))
        // The corpus's tokens are not another run's: the same text and settings reuse them.
        #expect(fresh.stderr.contains("tokens: reused run/tokens.cache"), "\(fresh.stderr)")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: run.path).filter { !$0.hasPrefix(".") })
        #expect(names == ["step-000002.safetensors", "latest.safetensors", "best.safetensors", "metrics.jsonl", "tokens.cache"])
        // The new run's log starts afresh: its 2 steps, none of the earlier run's 8.
        let log = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(log.split(separator: "\n").count == 2)
        #expect(try Self.seed(of: run.appendingPathComponent("latest.safetensors")) == 9)
        #expect(try Self.seed(of: run.appendingPathComponent("best.safetensors")) == 9)
    }

    /// A folder whose lock another process holds is refused at once, naming the holder's PID;
    /// nothing is written into it. (Here the holder is this test process.)
    @Test func folderInUseIsRefused() throws {
        let d = try CLI.corpusFolder("in-use")
        let run = d.appendingPathComponent("run")
        let lock = try RunFolderLock(directory: run.path)
        let before = try CLI.snapshot(run)
        let r = try CLI.run(["train", "a.txt", "--output", "run", "--steps", "2"] + Self.small, in: d)
        Self.expectRefused(r, mentioning: ["'run' is in use by another training run", "process \(getpid())", "--output DIR"])
        #expect(!r.stderr.contains("corpus:"), "the corpus was read before refusing: \(r.stderr)")
        #expect(try CLI.snapshot(run) == before)
        lock.release()
        let after = try CLI.run(["train", "a.txt", "--output", "run", "--steps", "2"] + Self.small, in: d)
        #expect(after.succeeded, "\(after.stderr)")
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent(RunFolderLock.fileName).path))
    }

    /// The case from the issue: a second `recurrent train` while the first is training in the
    /// folder is refused and names the first's PID; the first finishes normally.
    @Test func secondProcessIsRefused() throws {
        let d = try CLI.corpusFolder("second-process")
        let lockFile = d.appendingPathComponent("run/" + RunFolderLock.fileName)
        let first = try CLI.start(["train", "a.txt", "--output", "run", "--steps", "100000", "--log-every", "1"]
                                  + Self.small.dropLast(2), in: d)
        // Wait until the first is training (its lock names it and a step has been logged).
        while first.process.isRunning && !first.stderrSoFar.contains("step ") { usleep(20_000) }
        let holder = (try? String(contentsOf: lockFile, encoding: .utf8)) ?? ""
        #expect(holder == "\(first.process.processIdentifier)\n")
        let second = try CLI.run(["train", "a.txt", "--output", "run", "--steps", "2", "--seed", "9"] + Self.small, in: d)
        Self.expectRefused(second, mentioning: ["in use", "process \(first.process.processIdentifier)"])
        first.process.interrupt()   // Ctrl-C: the first saves a checkpoint and stops
        first.process.waitUntilExit()
        #expect(first.process.terminationStatus == 130, "\(first.stderrSoFar)")
        #expect(!FileManager.default.fileExists(atPath: lockFile.path))
    }

    /// A lock file left by a process that died (SIGKILL) is taken over.
    @Test func staleLockIsTakenOver() throws {
        let d = try CLI.corpusFolder("stale-lock")
        let killed = try CLI.run(["train", "a.txt", "--output", "run", "--steps", "6", "--kill-after-checkpoint", "2"] + Self.small, in: d)
        #expect(killed.signaled && killed.status == SIGKILL, "\(killed.stderr)")
        let lockFile = d.appendingPathComponent("run/" + RunFolderLock.fileName)
        #expect(FileManager.default.fileExists(atPath: lockFile.path), "a killed run leaves its lock file")
        let resumed = try CLI.run(["train", "a.txt", "--resume", "run", "--log-every", "1000"], in: d)
        #expect(resumed.succeeded, "\(resumed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: lockFile.path))
    }

    /// forecast/classify train hold the same lock while they run.
    @Test func seriesTrainersTakeTheLock() throws {
        let d = try CLI.temporaryDirectory("series-lock")
        var csv = "t,v\n"
        for i in 0..<120 { csv += "\(i),\(sin(Double(i) / 3))\n" }
        try csv.write(to: d.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        let lock = try RunFolderLock(directory: d.appendingPathComponent("f").path)
        let r = try CLI.run(["forecast", "train", "s.csv", "--column", "v", "--lookback", "8", "--horizon", "2",
                             "--epochs", "1", "--output", "f"], in: d)
        Self.expectRefused(r, mentioning: ["'f' is in use", "process \(getpid())"])
        #expect(!FileManager.default.fileExists(atPath: d.appendingPathComponent("f/forecast.safetensors").path))
        lock.release()
    }
}
