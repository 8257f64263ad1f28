import ArgumentParser
import Foundation
import Recurrent
import RecurrentText

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure how well a model predicts a text.",
        discussion: """
        Prints the loss (nats per token), the perplexity and, at char level, bits per character \
        (bits per byte at byte level), each token predicted from everything before it.

        Example:
          recurrent evaluate checkpoints/scripts held-out.txt
        """)

    @Argument(help: "A checkpoint file or training directory.")
    var checkpoint: String

    @Argument(help: "The text file to evaluate on.")
    var text: String

    /// For the PyTorch round trip: writes the first --dump-tokens token ids (`input_ids`, I64)
    /// and the model's logits for them (`logits`, F32 (N, V); evaluation mode, zero initial
    /// state) to a safetensors file.
    @Option(name: .customLong("dump-logits"), help: .hidden)
    var dumpLogits: String?

    @Option(name: .customLong("dump-tokens"), help: .hidden)
    var dumpTokens: Int = 64

    @OptionGroup(title: "Computation") var computation: ThreadOptions

    func run() throws {
        computation.apply()
        try runReportingErrors {
            try InputFileCheck.requireCheckpoint(checkpoint, format: CheckpointKey.formatName, command: "evaluate")
            try InputFileCheck.requireDataFile(text, role: "text to evaluate on")
            let textModel = try TextModel.load(checkpoint)
            let result = try TextEvaluation.evaluate(textModel, on: .file(path: text))
            Console.out("checkpoint: \(textModel.path)\n")
            Console.out("text: \(text), \(result.tokenCount + 1) \(result.level.rawValue) tokens"
                + (result.unknownCount > 0 ? " (\(result.unknownCount) not in the vocabulary, counted as <unk>)" : "") + "\n")
            Console.out(String(format: "loss: %.4f nats/token\n", result.loss))
            Console.out(String(format: "perplexity: %.3f\n", result.perplexity))
            if let bits = result.bitsPerCharacter {
                Console.out(String(format: "%@: %.4f\n", result.level == .byte ? "bits per byte" : "bits per character", bits))
            }
            if let dumpLogits { try dump(textModel, to: dumpLogits) }
        }
    }

    func dump(_ textModel: TextModel, to path: String) throws {
        let corpus = try Corpus.load(.file(path: text), tokenizer: textModel.tokenizer, unknown: .mapToUnknown)
        let ids = Array(corpus.tokens.prefix(max(1, dumpTokens)))
        let model = textModel.model
        model.isTraining = false
        var generator = RandomGenerator(seed: 0)
        let logits = ids.withUnsafeBufferPointer {
            model.logits(inputs: $0, batchSize: 1, initialState: nil, generator: &generator).logits
        }
        var file = SafeTensors(metadata: ["checkpoint": textModel.path, "text": text])
        file.put("input_ids", int64s: ids.map { Int64($0) }, shape: [ids.count])
        file.put("logits", matrix: logits, shape: [ids.count, model.vocabularySize])
        try file.write(to: path)
        Console.message("wrote \(ids.count) token ids and their logits to \(path)")
    }
}
