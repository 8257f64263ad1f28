import Foundation
import Recurrent
import Testing

/// `recurrent train`, `generate`, `evaluate` and `demo` run as a user runs them: the built
/// binary, its output and its exit status.
@Suite(.serialized) struct ScriptWriterCLITests {
    static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// After a short training run on the built-in corpus, most generated lines are dialogue in
    /// `name: text` form (the others are stage directions and scene headings, as in the corpus).
    @Test func shortTrainingWritesScriptLines() throws {
        let directory = try Trained.scripts.get()
        let r = try CLI.run(["generate", "words", "--prime", "jerry:", "--length", "300", "--seed", "4"], in: directory)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("jerry:"))
        let all = Self.lines(r.stdout)
        let dialogue = all.filter { $0.wholeMatch(of: /[a-z]+: \S.*/) != nil }
        let other = all.filter { $0.hasPrefix("(") || $0.hasPrefix("[") || $0.hasPrefix("int.") || $0.hasPrefix("ext.") }
        #expect(dialogue.count >= 5, "\(r.stdout)")
        #expect(dialogue.count * 2 >= all.count - other.count, "\(r.stdout)")
    }

    @Test func generationWithASeedIsReproducible() throws {
        let directory = try Trained.scripts.get()
        let arguments = ["generate", "words/best.safetensors", "--prime", "nora:", "--length", "60", "--temperature", "1"]
        let a = try CLI.run(arguments + ["--seed", "7"], in: directory)
        let b = try CLI.run(arguments + ["--seed", "7"], in: directory)
        let c = try CLI.run(arguments + ["--seed", "8"], in: directory)
        #expect(a.succeeded && b.succeeded && c.succeeded)
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
        let greedy1 = try CLI.run(["generate", "words", "--prime", "nora:", "--length", "30", "--greedy"], in: directory)
        let greedy2 = try CLI.run(["generate", "words", "--prime", "nora:", "--length", "30", "--greedy", "--seed", "99"], in: directory)
        #expect(greedy1.stdout == greedy2.stdout)
    }

    /// `--samples N` writes N samples in one batched pass; sample i is, byte for byte, what
    /// `--seed S+i` writes alone — at word level (with and without a prime) and with top-k.
    @Test func batchedSamplesEqualTheirSeedsAlone() throws {
        let directory = try Trained.scripts.get()
        for extra in [["--prime", "nora:"], [], ["--prime", "jerry:", "--top-k", "5", "--capitalize"]] {
            let arguments = ["generate", "words", "--length", "50", "--temperature", "1.1"] + extra
            let batched = try CLI.run(arguments + ["--samples", "3", "--seed", "20"], in: directory)
            #expect(batched.succeeded, "\(batched.stderr)")
            var expected = ""
            for i in 0..<3 {
                let alone = try CLI.run(arguments + ["--seed", "\(20 + i)"], in: directory)
                #expect(alone.succeeded, "\(alone.stderr)")
                expected += "=== sample \(i + 1) of 3 (seed \(20 + i)) ===\n" + alone.stdout
            }
            #expect(batched.stdout == expected, "\(extra)")
        }
        let bad = try CLI.run(["generate", "words", "--samples", "0"], in: directory)
        #expect(!bad.succeeded && bad.stderr.contains("--samples"))
    }

    /// 2N steps straight == N steps, SIGKILL, resume for N more: every tensor bit-identical
    /// (weights, optimizer moments, carried state). Then the resumed model generates.
    @Test func killAndResumeIsBitExact() throws {
        let directory = try Trained.scripts.get()
        let common = ["train", "scripts.txt"] + Trained.wordOptions + ["--dropout", "0.1", "--steps", "24", "--eval-every", "8"]
        let straight = try CLI.run(common + ["--output", "straight"], in: directory)
        #expect(straight.succeeded, "\(straight.stderr)")

        let killed = try CLI.run(common + ["--output", "killed", "--kill-after-checkpoint", "8"], in: directory)
        #expect(killed.signaled && killed.status == SIGKILL, "\(killed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("killed/step-000016.safetensors").path))

        let resumed = try CLI.run(["train", "scripts.txt", "--resume", "killed/latest.safetensors", "--log-every", "1000"], in: directory)
        #expect(resumed.succeeded, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming from killed/latest.safetensors at step 8"))
        // The resumed run reads the tokens the killed run cached, without tokenizing again.
        #expect(killed.stderr.contains("tokens: tokenized into killed/tokens.cache (no token cache yet)"), "\(killed.stderr)")
        #expect(resumed.stderr.contains("tokens: reused killed/tokens.cache"), "\(resumed.stderr)")

        let a = try SafeTensors(contentsOf: directory.appendingPathComponent("straight/step-000024.safetensors").path)
        let b = try SafeTensors(contentsOf: directory.appendingPathComponent("killed/step-000024.safetensors").path)
        #expect(a.names.count > 20)
        #expect(Set(a.names) == Set(b.names))
        for name in a.names { #expect(a[name] == b[name], "\(name) differs") }
        for key in [CheckpointKey.model, CheckpointKey.tokenizer, CheckpointKey.trainingConfiguration] {
            #expect(a.metadata[key] == b.metadata[key])
        }

        let sample = try CLI.run(["generate", "killed", "--prime", "walt:", "--length", "20", "--seed", "1"], in: directory)
        #expect(sample.succeeded && sample.stdout.hasPrefix("walt:"))
    }

    /// Ctrl-C saves a checkpoint and exits with status 130; the run resumes from it.
    @Test func interruptSavesACheckpoint() throws {
        let directory = try Trained.scripts.get()
        let running = try CLI.start(["train", "scripts.txt"] + Trained.wordOptions
                                        + ["--steps", "100000", "--output", "interrupted", "--log-every", "1"], in: directory)
        let deadline = Date().addingTimeInterval(120)
        while !running.stderrSoFar.contains("step 3/") && running.process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        running.process.interrupt()
        let stopBy = Date().addingTimeInterval(60)
        while running.process.isRunning && Date() < stopBy { Thread.sleep(forTimeInterval: 0.05) }
        if running.process.isRunning {
            kill(running.process.processIdentifier, SIGKILL)      // never leave it running
            Issue.record("recurrent train did not stop within 60 s of SIGINT")
        }
        running.process.waitUntilExit()
        let r = running.result()
        #expect(!r.signaled && r.status == 130, "\(r.stderr)")
        #expect(r.stderr.contains("interrupted: saved"))
        #expect(r.stderr.contains("--resume"))
        let latest = try SafeTensors(contentsOf: directory.appendingPathComponent("interrupted/latest.safetensors").path)
        let state = try TrainingState(jsonString: try #require(latest.metadata[CheckpointKey.trainingState]))
        #expect(state.step >= 3 && state.step < 100000)
        let resumed = try CLI.run(["train", "scripts.txt", "--resume", "interrupted", "--steps", "\(state.step + 2)"], in: directory)
        #expect(resumed.succeeded, "\(resumed.stderr)")
    }

    @Test func evaluateReportsLossPerplexityAndBits() throws {
        let directory = try Trained.scripts.get()
        let words = try CLI.run(["evaluate", "words", "scripts.txt"], in: directory)
        #expect(words.succeeded, "\(words.stderr)")
        #expect(words.stdout.contains("nats/token") && words.stdout.contains("perplexity"))
        #expect(!words.stdout.contains("bits per character"))

        try "abcabcabdabc\n".write(to: directory.appendingPathComponent("tiny.txt"), atomically: true, encoding: .utf8)
        let train = try CLI.run(["train", "tiny.txt", "--hidden-size", "8", "--layers", "1", "--seq-length", "4", "--batch-size", "2",
                                 "--steps", "3", "--validation-fraction", "0", "--output", "tiny"], in: directory)
        #expect(train.succeeded, "\(train.stderr)")
        let chars = try CLI.run(["evaluate", "tiny", "tiny.txt"], in: directory)
        #expect(chars.succeeded, "\(chars.stderr)")
        #expect(chars.stdout.contains("bits per character"))
    }
}

/// `recurrent train --projection-size`: the checkpoint records it, resuming keeps it, and
/// generation and inspection run from it.
@Suite struct ProjectionCLITests {
    @Test func projectedModelTrainsResumesAndGenerates() throws {
        let directory = try Trained.scripts.get()
        let train = try CLI.run(["train", "scripts.txt"] + Trained.wordOptions
                                + ["--projection-size", "16", "--steps", "6", "--eval-every", "3", "--output", "projected"],
                                in: directory)
        #expect(train.succeeded, "\(train.stderr)")
        #expect(train.stderr.contains("1 × 64 → 16"), "\(train.stderr)")
        let file = try SafeTensors(contentsOf: directory.appendingPathComponent("projected/latest.safetensors").path)
        #expect(file["rnn.weight_hr_l0"]?.shape == [16, 64])
        #expect(file["decoder.weight"]?.shape.last == 16)
        let resumed = try CLI.run(["train", "scripts.txt", "--resume", "projected/latest.safetensors", "--steps", "8",
                                   "--log-every", "1000"], in: directory)
        #expect(resumed.succeeded, "\(resumed.stderr)")
        let mismatch = try CLI.run(["train", "scripts.txt", "--resume", "projected/latest.safetensors",
                                    "--projection-size", "8", "--steps", "9"], in: directory)
        #expect(!mismatch.succeeded && mismatch.stderr.contains("--projection-size 8 (checkpoint: 16)"), "\(mismatch.stderr)")
        let generate = try CLI.run(["generate", "projected", "--prime", "jerry:", "--length", "20", "--seed", "1"], in: directory)
        #expect(generate.succeeded && generate.stdout.hasPrefix("jerry:"), "\(generate.stderr)")
        // inspect reads the layer's own recorded states, so a projected LSTM is no exception.
        let inspect = try CLI.run(["inspect", "projected", "scripts.txt", "--max-tokens", "60", "--unit", "1:63"], in: directory)
        #expect(inspect.succeeded && inspect.stdout.contains("1 layer × 64 units projected to 16"), "\(inspect.stderr)")
        #expect(inspect.stdout.contains("layer 1, unit 63, cell state c"), "\(inspect.stdout)")
        let bad = try CLI.run(["train", "scripts.txt", "--projection-size", "64", "--hidden-size", "64"], in: directory)
        #expect(!bad.succeeded && bad.stderr.contains("--projection-size must be below --hidden-size"), "\(bad.stderr)")
    }
}
