import Foundation
import Recurrent
import Testing

/// metrics.jsonl as users meet it: written by `recurrent train` and `experiment --log-dir`,
/// continued exactly by a resumed run after Ctrl-C or SIGKILL, drawn by `recurrent plot`;
/// and `evaluate --json`.
@Suite(.serialized) struct MetricsCLITests {
    /// A small char-level model: fast enough that thousands of steps run in seconds.
    static let options = ["--level", "char", "--hidden-size", "16", "--embedding-size", "8", "--layers", "1",
                          "--dropout", "0.1", "--seq-length", "8", "--batch-size", "4", "--eval-every", "10",
                          "--max-validation-batches", "4", "--log-every", "100000"]

    static func records(_ directory: URL, _ run: String) throws -> [MetricsRecord] {
        try MetricsLog.read(path: directory.appendingPathComponent(run + "/metrics.jsonl").path)
    }

    /// The records without their wall-clock fields (elapsed seconds and throughput).
    static func deterministic(_ records: [MetricsRecord]) -> [MetricsRecord] {
        records.map { r in
            var r = r
            r.elapsedSeconds = 0
            r.tokensPerSecond = nil
            r.samplesPerSecond = nil
            return r
        }
    }

    /// Lines in `run`'s metrics.jsonl so far (0 before it exists).
    static func lineCount(_ directory: URL, _ run: String) -> Int {
        let text = (try? String(contentsOf: directory.appendingPathComponent(run + "/metrics.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }

    /// Starts an endless run, stops it with `signal` once `lines` steps are logged, resumes it
    /// to a few steps past its last checkpoint, and compares its log with a straight run of as
    /// many steps.
    func interruptResumeAndCompare(signal: Int32, name: String) throws {
        let directory = try Trained.scripts.get()
        let running = try CLI.start(["train", "scripts.txt"] + Self.options + ["--steps", "1000000", "--output", name],
                                    in: directory)
        let deadline = Date().addingTimeInterval(120)
        while Self.lineCount(directory, name) < 45 && running.process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        kill(running.process.processIdentifier, signal)
        let stopBy = Date().addingTimeInterval(60)
        while running.process.isRunning && Date() < stopBy { Thread.sleep(forTimeInterval: 0.05) }
        if running.process.isRunning {
            kill(running.process.processIdentifier, SIGKILL)      // never leave it running
            Issue.record("recurrent train did not stop within 60 s of signal \(signal)")
        }
        running.process.waitUntilExit()
        let stopped = running.result()
        if signal == SIGINT {
            #expect(!stopped.signaled && stopped.status == 130, "\(stopped.stderr)")
        } else {
            #expect(stopped.signaled && stopped.status == SIGKILL, "\(stopped.stderr)")
        }
        let latest = try SafeTensors(contentsOf: directory.appendingPathComponent(name + "/latest.safetensors").path)
        let saved = try TrainingState(jsonString: try #require(latest.metadata[CheckpointKey.trainingState])).step
        let logged = try Self.records(directory, name).count
        #expect(saved >= 40 && logged >= saved)
        if signal == SIGKILL {
            // Killed between checkpoints: the log runs ahead of the checkpoint, and resuming drops those lines.
            #expect(saved % 10 == 0)
        }
        let total = saved + 15
        let resumed = try CLI.run(["train", "scripts.txt", "--resume", name, "--steps", "\(total)", "--log-every", "100000"],
                                  in: directory)
        #expect(resumed.succeeded, "\(resumed.stderr)")
        let straight = try CLI.run(["train", "scripts.txt"] + Self.options + ["--steps", "\(total)", "--output", name + "-straight"],
                                   in: directory)
        #expect(straight.succeeded, "\(straight.stderr)")

        let a = try Self.records(directory, name + "-straight"), b = try Self.records(directory, name)
        #expect(a.map(\.step) == Array(1...total))
        #expect(b.map(\.step) == Array(1...total))
        #expect(Self.deterministic(a) == Self.deterministic(b))
        #expect(a.filter { $0.validationLoss != nil }.map(\.step) == Array(stride(from: 10, to: total, by: 10)) + [total])
        #expect(a.allSatisfy { $0.tokens == $0.step * 32 && $0.tokensPerSecond != nil && $0.gradientNorm > 0 })
    }

    @Test func ctrlCAndResumeLeaveTheUninterruptedLog() throws {
        try interruptResumeAndCompare(signal: SIGINT, name: "metrics-sigint")
    }

    @Test func sigkillAndResumeLeaveTheUninterruptedLog() throws {
        try interruptResumeAndCompare(signal: SIGKILL, name: "metrics-sigkill")
    }

    @Test func plotDrawsRunsAndNamesBadFiles() throws {
        let directory = try Trained.scripts.get()
        for (name, rate) in [("plot-a", "0.01"), ("plot-b", "0.002")] {
            let r = try CLI.run(["train", "scripts.txt"] + Self.options + ["--steps", "30", "--learning-rate", rate, "--output", name],
                                in: directory)
            #expect(r.succeeded, "\(r.stderr)")
        }
        let plot = try CLI.run(["plot", "plot-a", "plot-b/", "-o", "curves.svg", "--x", "tokens", "--learning-rate",
                                "--gradient-norm"], in: directory)
        #expect(plot.succeeded && plot.stdout.isEmpty, "\(plot.stderr)")
        let svg = try String(contentsOf: directory.appendingPathComponent("curves.svg"), encoding: .utf8)
        for text in ["<?xml", "plot-a train", "plot-b validation", "tokens trained", "learning rate", "gradient norm", "</svg>"] {
            #expect(svg.contains(text), "\(text)")
        }
        #expect(svg.components(separatedBy: "<path").count - 1 >= 8)

        try FileManager.default.createDirectory(at: directory.appendingPathComponent("no-log"), withIntermediateDirectories: true)
        let missing = try CLI.run(["plot", "no-log", "-o", "x.svg"], in: directory)
        #expect(missing.status == 1 && missing.stderr.contains("no-log/metrics.jsonl does not exist"), "\(missing.stderr)")
        let lines = try String(contentsOf: directory.appendingPathComponent("plot-a/metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        let damaged = lines[0..<2].joined(separator: "\n") + "\n{\"step\": 3, \"train_loss\": \n" + lines[3...].joined(separator: "\n")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("damaged"), withIntermediateDirectories: true)
        try damaged.write(to: directory.appendingPathComponent("damaged/metrics.jsonl"), atomically: true, encoding: .utf8)
        let bad = try CLI.run(["plot", "damaged", "-o", "x.svg"], in: directory)
        #expect(bad.status == 1 && bad.stderr.contains("damaged/metrics.jsonl, line 3: not a metrics record"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.svg").path))
    }

    /// The inspect page's learning curve comes from metrics.jsonl (a point per step here) when
    /// the run folder has one, and from the checkpoint's history (a point per validation) when not.
    @Test func inspectDrawsTheLogWhenPresent() throws {
        let directory = try Trained.scripts.get()
        let r = try CLI.run(["train", "scripts.txt"] + Self.options + ["--steps", "30", "--output", "inspected"], in: directory)
        #expect(r.succeeded, "\(r.stderr)")
        func trainingPoints() throws -> Int {
            let page = try CLI.run(["inspect", "inspected", "scripts.txt", "--max-tokens", "200", "--html", "page.html"], in: directory)
            #expect(page.succeeded, "\(page.stderr)")
            let html = try String(contentsOf: directory.appendingPathComponent("page.html"), encoding: .utf8)
            let path = try #require(html.firstMatch(of: /<path d="([^"]*)"[^>]*><title>training<\/title>/))
            return path.1.split(separator: " ").filter { $0 == "L" || $0 == "M" || $0.hasPrefix("L") || $0.hasPrefix("M") }.count
        }
        #expect(try trainingPoints() == 30)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("inspected/metrics.jsonl"))
        #expect(try trainingPoints() == 3)
    }

    @Test func experimentWritesOneLogPerRun() throws {
        let d = try CLI.temporaryDirectory("experiment-logs")
        let r = try CLI.run(["experiment", "adding", "--cells", "rnn,lstm", "--seeds", "2", "--steps", "20", "--eval-every", "10",
                             "--hidden", "8", "--test-size", "20", "--log-dir", "logs"], in: d)
        #expect(r.succeeded, "\(r.stderr)")
        for run in ["rnn-seed-1", "rnn-seed-2", "lstm-seed-1", "lstm-seed-2"] {
            let records = try Self.records(d, "logs/adding/" + run)
            #expect(records.map(\.step) == Array(1...20), "\(run)")
            #expect(records.filter { $0.validationLoss != nil }.map(\.step) == [10, 20])
            #expect(records.allSatisfy { $0.epoch == nil && $0.samples != nil && $0.tokens == nil })
        }
        let plot = try CLI.run(["plot", "logs/adding/rnn-seed-1", "logs/adding/lstm-seed-1", "-o", "adding.svg", "--x", "tokens"], in: d)
        #expect(plot.succeeded, "\(plot.stderr)")
        let svg = try String(contentsOf: d.appendingPathComponent("adding.svg"), encoding: .utf8)
        #expect(svg.contains("samples trained") && svg.contains("lstm-seed-1 validation") && svg.contains("logs/adding: loss"))
    }

    @Test func evaluateJSONIsOneDocument() throws {
        let directory = try Trained.scripts.get()
        let r = try CLI.run(["evaluate", "words", "scripts.txt", "--json"], in: directory)
        #expect(r.succeeded, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for key in ["checkpoint", "text", "level"] { #expect(object[key] is String, "\(key)") }
        for key in ["tokens", "unknown_tokens"] { #expect(object[key] is Int, "\(key)") }
        for key in ["loss", "perplexity"] { #expect(object[key] is Double, "\(key)") }
        #expect(object["level"] as? String == "word" && object["bits_per_character"] == nil)
        let text = try CLI.run(["evaluate", "words", "scripts.txt"], in: directory)
        let loss = try #require(object["loss"] as? Double)
        #expect(text.stdout.contains(String(format: "loss: %.4f nats/token", loss)))
    }
}
