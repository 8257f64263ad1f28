import ArgumentParser
import Foundation
import Recurrent
import RecurrentText

/// Sampling options shared by `generate` and `demo`.
struct SamplingArguments: ParsableArguments {
    @Option(help: "Sampling temperature: lower is safer, higher is wilder.")
    var temperature: Double = 0.8

    @Option(name: .customLong("top-k"), help: "Sample only from the k most likely tokens.")
    var topK: Int?

    @Option(name: .customLong("top-p"), help: "Sample only from the most likely tokens whose probabilities add up to p (nucleus sampling).")
    var topP: Double?

    @Flag(help: "Always take the most likely token (no randomness).")
    var greedy = false

    @Option(help: "Random seed: the same seed gives the same text. (default: random)")
    var seed: UInt64?

    func validate() throws {
        if let first = options.problems().first { throw ValidationError(first) }
    }

    var options: SamplingOptions {
        SamplingOptions(temperature: temperature, topK: topK, topP: topP, greedy: greedy)
    }

    var resolvedSeed: UInt64 { seed ?? UInt64.random(in: 0...UInt64.max) }
}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write new text with a trained model.",
        discussion: """
        Feeds --prime to the model and continues it for --length tokens, printing the text as it \
        is written. CHECKPOINT is a .safetensors file, or a training directory (its \
        best.safetensors, else latest.safetensors).

        Examples:
          recurrent generate checkpoints/scripts --prime "jerry:" --length 400
          recurrent generate runs/words/best.safetensors --prime "jerry:" --temperature 0.6 --seed 7
        """)

    @Argument(help: "A checkpoint file or training directory.")
    var checkpoint: String

    @Option(help: "Text to start from (it is printed first).")
    var prime: String = ""

    @Option(help: "Tokens to generate (characters at char level, words and punctuation at word level).")
    var length: Int = 400

    @OptionGroup var sampling: SamplingArguments

    @Flag(help: "Word level: capitalise the first letter of lines and sentences.")
    var capitalize = false

    func validate() throws {
        if length < 0 { throw ValidationError("--length must be at least 0, got \(length)") }
    }

    @OptionGroup(title: "Computation") var computation: ThreadOptions

    func run() throws {
        computation.apply()
        try runReportingErrors {
            try InputFileCheck.requireCheckpoint(checkpoint, format: CheckpointKey.formatName, command: "generate")
            let textModel = try TextModel.load(checkpoint)
            var generator = try TextGenerator(textModel: textModel, options: sampling.options, seed: sampling.resolvedSeed)
            var last: Character? = nil
            try generator.generate(prime: prime, length: length, decoding: DecodingOptions(capitalize: capitalize)) { text in
                Console.out(text)
                last = text.last ?? last
            }
            if last != "\n" { Console.out("\n") }
        }
    }
}
