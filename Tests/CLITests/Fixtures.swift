import Foundation
import Testing

/// Models trained once and shared by the CLI tests (training is the slow part).
enum Trained {
    /// Options for a small word-level model that learns the demo corpus's script format in
    /// ~100 steps of a debug build.
    static let wordOptions = ["--level", "word", "--hidden-size", "64", "--embedding-size", "32", "--layers", "1",
                              "--dropout", "0", "--seq-length", "16", "--batch-size", "16", "--learning-rate", "0.01",
                              "--log-every", "1000"]

    /// A directory holding `scripts.txt` (the built-in corpus, 60 KB) and `words/`, a word-level
    /// model trained on it for 120 steps.
    static let scripts: Result<URL, any Error> = Result {
        let directory = try CLI.temporaryDirectory("scripts")
        let save = try CLI.run(["demo", "--save-corpus", "scripts.txt", "--corpus-bytes", "60000"], in: directory)
        guard save.succeeded else { throw CLIFailure(result: save) }
        let train = try CLI.run(["train", "scripts.txt"] + wordOptions + ["--steps", "120", "--eval-every", "60", "--output", "words"],
                                in: directory)
        guard train.succeeded else { throw CLIFailure(result: train) }
        return directory
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let result: CLI.Result
    var description: String { "recurrent exited \(result.status) (signal: \(result.signaled)):\n\(result.stderr)" }
}
