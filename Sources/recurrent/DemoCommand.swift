import ArgumentParser
import Foundation
import Recurrent
import RecurrentText

/// The demo's defaults, for its options (and so its help).
private typealias Demo = TextTrainingOptions.DemoDefaults

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train a small script writer for a minute and print a scene it wrote.",
        discussion: """
        Generates a corpus of TV-script scenes (or reads --corpus), trains a small character-level \
        LSTM on it for --seconds, and prints a scene primed with "jerry:". Build in release mode \
        for speed: swift run -c release recurrent demo
        """)

    @Option(help: "Train on this text file (a path, or a bundled name such as tinyshakespeare.txt) instead of the built-in script corpus.")
    var corpus: String?

    @Option(help: "Training time budget in seconds.")
    var seconds: Double = Demo.seconds

    @Option(help: "Characters to generate.")
    var length: Int = Demo.length

    @Option(help: "Text the scene starts from.")
    var prime: String = DemoCorpus.prime

    @Option(help: "Sampling temperature.")
    var temperature: Double = Demo.temperature

    @Option(help: "Seed for the corpus, the model and the sampling.")
    var seed: UInt64 = Demo.seed

    @Option(name: .customLong("save-corpus"), help: "Write the built-in corpus to this file and exit (to train on it with `recurrent train`).")
    var saveCorpus: String?

    @Option(name: .customLong("corpus-bytes"), help: "Size of the built-in corpus in bytes.")
    var corpusBytes: Int = DemoCorpus.defaultByteCount

    @Option(name: .customLong("hidden-size"), help: "Hidden units per LSTM layer.")
    var hiddenSize: Int = Demo.hiddenSize

    @Option(help: "Keep the trained model in this folder (model.safetensors, and the corpus as scripts.txt), e.g. to look inside it with `recurrent inspect`.")
    var output: String?

    func validate() throws {
        if !(seconds > 0) { throw ValidationError("--seconds must be positive, got \(seconds)") }
        if length < 0 { throw ValidationError("--length must be at least 0, got \(length)") }
        if !(temperature > 0) { throw ValidationError("--temperature must be positive, got \(temperature)") }
        if corpusBytes < 1 { throw ValidationError("--corpus-bytes must be at least 1, got \(corpusBytes)") }
        if hiddenSize < 1 { throw ValidationError("--hidden-size must be at least 1, got \(hiddenSize)") }
    }

    @OptionGroup(title: "Computation") var computation: ThreadOptions

    func run() throws {
        computation.apply()
        try runReportingErrors {
            if let saveCorpus {
                try DemoCorpus.generate(seed: seed, byteCount: corpusBytes).write(toFile: saveCorpus, atomically: true, encoding: .utf8)
                Console.message("wrote \(saveCorpus)")
                return
            }
            let workspace = FileManager.default.temporaryDirectory
                .appendingPathComponent("recurrent-demo-\(ProcessInfo.processInfo.processIdentifier)")
            try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: workspace) }
            let path: String
            if let corpus {
                path = try BundledData.path(corpus)
            } else {
                path = workspace.appendingPathComponent("scripts.txt").path
                try DemoCorpus.generate(seed: seed, byteCount: corpusBytes).write(toFile: path, atomically: true, encoding: .utf8)
                Console.message("built-in corpus: \(corpusBytes / 1000) KB of generated TV-script scenes")
            }
            let session = try TextTrainingSession.make(.demo(
                corpusPath: path, hiddenSize: hiddenSize, seed: seed,
                outputDirectory: workspace.appendingPathComponent("checkpoints").path))
            session.trainer.checkpoints = nil
            let c = session.trainer.configuration
            Console.message("training a \(hiddenSize)-unit LSTM for \(formatDuration(seconds)) (\(session.model.configuration.parameterCount) parameters)…")
            let reporter = ProgressReporter(logEvery: 100, batchesPerEpoch: session.training.batchesPerEpoch,
                                            evaluationInterval: c.evaluationInterval)
            reporter.deadlineSeconds = seconds
            let start = Date()
            InterruptFlag.install()
            _ = try session.run(onEvent: reporter.handle, shouldStop: {
                InterruptFlag.isSet || Date().timeIntervalSince(start) >= seconds
            })
            InterruptFlag.uninstall()
            reporter.finish()
            let state = session.trainer.state
            Console.message("trained \(state.step) steps (\(state.tokens) characters) in \(formatDuration(Date().timeIntervalSince(start)))\n")
            let textModel = TextModel(model: session.model, tokenizer: session.tokenizer, path: path, file: SafeTensors())
            if let output { try keep(textModel, corpus: path, in: output) }
            var generator = try TextGenerator(textModel: textModel, options: SamplingOptions(temperature: temperature), seed: seed)
            try generator.generate(prime: prime, length: length) { Console.out($0) }
            Console.out("\n")
        }
    }

    /// Writes the model (weights, configuration, tokenizer) and its corpus into `folder`.
    func keep(_ textModel: TextModel, corpus: String, in folder: String) throws {
        let model = URL(fileURLWithPath: folder).appendingPathComponent("model.safetensors").path
        let text = URL(fileURLWithPath: folder).appendingPathComponent("scripts.txt").path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var file = SafeTensors()
            try TextModel.write(model: textModel.model, tokenizer: textModel.tokenizer, into: &file)
            try file.write(to: model)
            if corpus != text {
                try? FileManager.default.removeItem(atPath: text)
                try FileManager.default.copyItem(atPath: corpus, toPath: text)
            }
        } catch {
            throw CommandFailure("could not keep the model in \(folder): \(error)")
        }
        Console.message("kept the model in \(model) and its corpus in \(text)")
        Console.message("look inside it with: " + ShellHint.command("inspect", ShellHint.quoted(folder), ShellHint.quoted(text), "--html", "inside.html"))
    }
}
