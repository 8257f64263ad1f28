import Foundation
import Recurrent
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One command line (issue 15): the same option names everywhere with the usual aliases,
/// suggestions by edit distance, one error style, hints to paste, files known before use.
/// Every refusal exits non-zero, writes nothing and leaves existing checkpoints as they were.
@Suite(.serialized) struct CommandLineCLITests {
    static let small = ["--hidden-size", "8", "--layers", "1", "--seq-length", "8", "--batch-size", "4", "--steps", "2",
                        "--validation-fraction", "0"]
    static let text = String(repeating: "jerry: hello there.\nnora: what?\n", count: 20)

    /// The folder's files (the test harness's own .out-/.err- captures left out).
    static func listing(_ d: URL) -> [String] {
        let all = FileManager.default.enumerator(atPath: d.path)?.compactMap { $0 as? String } ?? []
        return all.filter { !$0.hasPrefix(".out-") && !$0.hasPrefix(".err-") }.sorted()
    }

    /// Runs `arguments`, expects a usage or input error with every word of `words` on stderr,
    /// and that the folder is exactly as before (names and bytes).
    static func refuses(_ arguments: [String], in d: URL, mentioning words: [String],
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = listing(d).map { ($0, try? Data(contentsOf: d.appendingPathComponent($0))) }
        let r = try CLI.run(arguments, in: d)
        #expect(!r.signaled && r.status != 0, "\(arguments): status \(r.status)\n\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("error: "), "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("Error:"), "\(r.stderr)", sourceLocation: sourceLocation)
        for w in words { #expect(r.stderr.contains(w), "missing \"\(w)\" in: \(r.stderr)", sourceLocation: sourceLocation) }
        let after = listing(d).map { ($0, try? Data(contentsOf: d.appendingPathComponent($0))) }
        #expect(before.map(\.0) == after.map(\.0), "files changed: \(before.map(\.0)) → \(after.map(\.0))", sourceLocation: sourceLocation)
        #expect(zip(before, after).allSatisfy { $0.1 == $1.1 }, "a file's bytes changed", sourceLocation: sourceLocation)
    }

    static func trainedFolder(_ name: String) throws -> URL {
        let d = try CLI.temporaryDirectory(name)
        try text.write(to: d.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["train", "a.txt", "--output", "run"] + small, in: d)
        #expect(r.succeeded, "\(r.stderr)")
        return d
    }

    @Test func subcommandsAndOptionsAreSuggestedByEditDistance() throws {
        let d = try Self.trainedFolder("suggest")
        try Self.refuses(["trian"], in: d, mentioning: ["'trian'", "did you mean", "train"])
        try Self.refuses(["sample", "-checkpoint", "x"], in: d, mentioning: ["'sample' is not a recurrent command"])
        try Self.refuses(["forecast", "predcit"], in: d, mentioning: ["forecast predict"])
        try Self.refuses(["generate", "-checkpoint", "run"], in: d, mentioning: ["one dash"])
        try Self.refuses(["generate", "run", "-prime", "x"], in: d, mentioning: ["one dash", "'--prime'"])
        try Self.refuses(["train", "a.txt", "--learning-rat", "0.1"], in: d, mentioning: ["--learning-rat", "did you mean '--learning-rate'"])
        try Self.refuses(["train", "a.txt", "--num-layer", "2"], in: d, mentioning: ["did you mean '--layers'"])
        try Self.refuses(["generate", "run", "--tmp", "0.5"], in: d, mentioning: ["did you mean '--temperature'"])
        // An alias the command lacks is named as typed, and nothing far away is suggested.
        let far = try CLI.run(["generate", "run", "--hidden", "3"], in: d)
        #expect(far.status != 0 && far.stderr.contains("'--hidden'") && !far.stderr.contains("did you mean"), "\(far.stderr)")
        let lr = try CLI.run(["train", "a.txt", "--lx", "3"], in: d)
        #expect(lr.status != 0 && !lr.stderr.contains("--cell"), "\(lr.stderr)")
    }

    @Test func aliasesWorkInEveryCommand() throws {
        let d = try Self.trainedFolder("aliases")
        let train = try CLI.run(["train", "a.txt", "--hidden", "8", "--num-layers", "1", "--seq-len", "8", "--batch", "4",
                                 "--lr=0.01", "--steps", "2", "--validation-fraction", "0", "--output", "aliased", "--threads", "1"], in: d)
        #expect(train.succeeded, "\(train.stderr)")
        let file = try SafeTensors(contentsOf: d.appendingPathComponent("aliased/latest.safetensors").path)
        let configuration = try #require(file.metadata[CheckpointKey.trainingConfiguration])
        #expect(configuration.contains("0.01"))
        let generate = try CLI.run(["generate", "run", "--temp", "0.5", "--length", "5", "--seed", "1", "--threads", "1"], in: d)
        #expect(generate.succeeded, "\(generate.stderr)")
        // The same names in experiment, which used to take only --hidden, --lr and --batch.
        let experiment = try CLI.run(["experiment", "adding", "--cells", "lstm", "--seeds", "1", "--steps", "2",
                                      "--hidden-size", "4", "--learning-rate", "0.01", "--batch-size", "2", "--length", "5",
                                      "--test-size", "4", "--jobs", "1", "--quiet", "--threads", "1"], in: d)
        #expect(experiment.succeeded, "\(experiment.stderr)")
        let old = try CLI.run(["experiment", "adding", "--cells", "lstm", "--seeds", "1", "--steps", "2",
                               "--hidden", "4", "--lr", "0.01", "--batch", "2", "--length", "5",
                               "--test-size", "4", "--jobs", "1", "--quiet"], in: d)
        #expect(old.succeeded, "\(old.stderr)")
        // The same table, but for the wall-clock "time/run" column (a loaded machine moves it).
        func withoutTimes(_ text: String) -> String { text.replacing(/\ +[0-9.]+\ s\n/, with: "\n") }
        #expect(withoutTimes(old.stdout) == withoutTimes(experiment.stdout))
        try Self.refuses(["generate", "run", "--threads", "0"], in: d, mentioning: ["--threads"])
    }

    @Test func helpUsesTheOneVocabulary() throws {
        let d = try CLI.temporaryDirectory("help")
        for command in [["train"], ["generate"], ["evaluate"], ["demo"], ["experiment"], ["inspect"],
                        ["forecast", "train"], ["forecast", "predict"], ["classify", "train"], ["classify", "predict"]] {
            let r = try CLI.run(command + ["--help"], in: d)
            #expect(r.succeeded)
            #expect(r.stdout.contains("--threads"), "\(command) lacks --threads")
            for old in ["--hidden ", "--lr ", "--batch ", "--temp "] {
                #expect(!r.stdout.contains(old), "\(command) --help names \(old)")
            }
        }
        for command in [["experiment"], ["forecast", "train"], ["classify", "train"]] {
            let r = try CLI.run(command + ["--help"], in: d)
            for name in ["--hidden-size", "--learning-rate", "--batch-size", "--clip", "--no-clip"] {
                #expect(r.stdout.contains(name), "\(command) --help lacks \(name)")
            }
        }
    }

    @Test func filesAreKnownBeforeUse() throws {
        let d = try Self.trainedFolder("sniff")
        var forecast = SafeTensors(metadata: ["format": "recurrent-forecast-1"])
        forecast.put("w", matrix: Matrix(rows: 1, cols: 1), shape: [1, 1])
        try forecast.write(to: d.appendingPathComponent("f.safetensors").path)
        var classifier = SafeTensors(metadata: ["format": "recurrent-classify-1"])
        classifier.put("w", matrix: Matrix(rows: 1, cols: 1), shape: [1, 1])
        try classifier.write(to: d.appendingPathComponent("c.safetensors").path)

        try Self.refuses(["generate", "a.txt"], in: d, mentioning: ["a.txt is a text file, not a checkpoint"])
        try Self.refuses(["evaluate", "a.txt", "a.txt"], in: d, mentioning: ["a.txt is a text file, not a checkpoint"])
        try Self.refuses(["inspect", "a.txt", "a.txt"], in: d, mentioning: ["a.txt is a text file, not a checkpoint"])
        try Self.refuses(["generate", "f.safetensors"], in: d, mentioning: ["is a forecast checkpoint", "forecast predict"])
        try Self.refuses(["evaluate", "c.safetensors", "a.txt"], in: d, mentioning: ["is a classifier checkpoint", "classify predict"])
        try Self.refuses(["train", "a.txt", "--resume", "f.safetensors"], in: d, mentioning: ["forecast checkpoint", "forecast predict"])
        try Self.refuses(["train", "a.txt", "--resume", "a.txt"], in: d, mentioning: ["text file, not a checkpoint"])
        try Self.refuses(["forecast", "predict", "run/latest.safetensors", "a.txt"], in: d,
                         mentioning: ["is a language model checkpoint", "generate"])
        try Self.refuses(["classify", "predict", "f.safetensors", "a.txt"], in: d, mentioning: ["forecast checkpoint", "forecast predict"])
        try Self.refuses(["train", "run/latest.safetensors"] + Self.small, in: d, mentioning: ["language model checkpoint, not a corpus"])
        try Self.refuses(["evaluate", "run", "run/latest.safetensors"], in: d, mentioning: ["not a text to evaluate on"])
    }

    @Test func specialFilesAndBadOutputFoldersFailBeforeTheFirstStep() throws {
        let d = try Self.trainedFolder("special")
        try Self.refuses(["train", "/dev/zero"] + Self.small, in: d, mentioning: ["/dev/zero is a character device"])
        #expect(mkfifo(d.appendingPathComponent("pipe").path, 0o600) == 0)
        try Self.refuses(["train", "pipe"] + Self.small, in: d, mentioning: ["pipe is a FIFO"])
        try "not a folder".write(to: d.appendingPathComponent("taken"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["train", "a.txt", "--output", "taken", "--log-every", "1"] + Self.small, in: d)
        #expect(r.status != 0 && r.stderr.contains("--output taken is a file, not a folder"), "\(r.stderr)")
        #expect(!r.stderr.contains("step 1/"), "trained before checking --output: \(r.stderr)")
        #expect(try String(contentsOf: d.appendingPathComponent("taken"), encoding: .utf8) == "not a folder")
    }

    @Test func hintsCanBePasted() throws {
        let d = try CLI.temporaryDirectory("hints")
        try Self.text.write(to: d.appendingPathComponent("my corpus.txt"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["train", "my corpus.txt", "--output", "run dir"] + Self.small, in: d)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(r.stderr.contains(" generate 'run dir/latest.safetensors' --prime"), "\(r.stderr)")
        // The executable as invoked: here a path, not on PATH.
        #expect(r.stderr.contains(CLI.binary.path + " generate"), "\(r.stderr)")
    }

    /// Ctrl-C between two evaluations, or SIGKILL, then --resume: every history record
    /// (training loss, learning rate, validation loss) is bit-equal to the uninterrupted run's,
    /// and Ctrl-C printed the loss so far.
    @Test func historyIsExactAfterCtrlCBetweenEvaluations() throws {
        let d = try CLI.temporaryDirectory("history")
        try String(repeating: Self.text, count: 10).write(to: d.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        // Regularisation given: by rule it would follow the run length, and the runs below are
        // for 21 and for 100000 steps.
        let options = ["--hidden-size", "8", "--layers", "1", "--seq-length", "8", "--batch-size", "4", "--eval-every", "7",
                       "--max-validation-batches", "2", "--log-every", "1", "--threads", "1", "--dropout", "0.2"]
        let straight = try CLI.run(["train", "a.txt", "--steps", "21", "--output", "straight"] + options, in: d)
        #expect(straight.succeeded, "\(straight.stderr)")

        // Ctrl-C after step 9 (between the evaluations at 7 and 14): the hidden testing option
        // sends the process a real SIGINT at exactly that step.
        let running = try CLI.start(["train", "a.txt", "--steps", "100000", "--output", "cut", "--interrupt-after-step", "9"]
                                    + options, in: d)
        running.process.waitUntilExit()
        let cut = running.result()
        #expect(cut.status == 130, "\(cut.stderr)")
        #expect(cut.stderr.contains("since the last evaluation"), "\(cut.stderr)")
        let saved = try SafeTensors(contentsOf: d.appendingPathComponent("cut/latest.safetensors").path)
        let savedState = try TrainingState(jsonString: try #require(saved.metadata[CheckpointKey.trainingState]))
        #expect(savedState.step == 9)
        // The first run was for 100000 steps: resume it to the same 21 (the schedule is constant).
        let resumed = try CLI.run(["train", "a.txt", "--resume", "cut", "--steps", "21"], in: d)
        #expect(resumed.succeeded, "\(resumed.stderr)")

        func history(_ folder: String) throws -> [TrainingRecord] {
            let f = try SafeTensors(contentsOf: d.appendingPathComponent("\(folder)/latest.safetensors").path)
            return try TrainingState(jsonString: try #require(f.metadata[CheckpointKey.trainingState])).history
        }
        // SIGKILL right after the checkpoint of step 7, then --resume: the same history too.
        let killed = try CLI.run(["train", "a.txt", "--steps", "21", "--output", "killed", "--kill-after-checkpoint", "7"] + options, in: d)
        #expect(killed.signaled, "\(killed.stderr)")
        let afterKill = try CLI.run(["train", "a.txt", "--resume", "killed"], in: d)
        #expect(afterKill.succeeded, "\(afterKill.stderr)")

        let a = try history("straight")
        for folder in ["cut", "killed"] {
            let b = try history(folder)
            #expect(a.map(\.step) == b.map(\.step), "\(folder)")
            #expect(a.map(\.trainingLoss.bitPattern) == b.map(\.trainingLoss.bitPattern), "\(folder): \(a.map(\.trainingLoss)) vs \(b.map(\.trainingLoss))")
            #expect(a.map(\.learningRate) == b.map(\.learningRate), "\(folder)")
            #expect(a.map(\.validationLoss) == b.map(\.validationLoss), "\(folder)")
        }
    }
}
