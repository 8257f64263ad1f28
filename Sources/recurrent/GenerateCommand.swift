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
          recurrent generate checkpoints/scripts --prime "jerry:" --samples 8 --seed 7

        With --samples N, N independent samples are written in one pass over the weights (each \
        weight read once per token for all of them) and printed one after another, each under \
        a line "=== sample i of N (seed S) ===". Sample i uses seed S + i − 1 and is exactly \
        the text that --seed S + i − 1 writes alone.
        """)

    @Argument(help: "A checkpoint file or training directory.")
    var checkpoint: String

    @Option(help: "Text to start from (it is printed first).")
    var prime: String = ""

    @Option(help: "Tokens to generate (characters at char level, words and punctuation at word level).")
    var length: Int = 400

    @OptionGroup var sampling: SamplingArguments

    @Option(help: "Independent samples to write in one batched pass (seeds S, S+1, …).")
    var samples: Int = 1

    @Flag(help: "Word level: capitalise the first letter of lines and sentences.")
    var capitalize = false

    func validate() throws {
        if length < 0 { throw ValidationError("--length must be at least 0, got \(length)") }
        if !(1...4096).contains(samples) { throw ValidationError("--samples must be between 1 and 4096, got \(samples)") }
    }

    @OptionGroup(title: "Computation") var computation: ThreadOptions

    func run() throws {
        computation.apply()
        try runReportingErrors {
            try InputFileCheck.requireCheckpoint(checkpoint, format: CheckpointKey.formatName, command: "generate")
            let textModel = try TextModel.load(checkpoint)
            if samples > 1 { return try writeSamples(textModel) }
            var generator = try TextGenerator(textModel: textModel, options: sampling.options, seed: sampling.resolvedSeed)
            var last: Character? = nil
            try generator.generate(prime: prime, length: length, decoding: DecodingOptions(capitalize: capitalize)) { text in
                Console.out(text)
                last = text.last ?? last
            }
            if last != "\n" { Console.out("\n") }
        }
    }

    /// --samples N: every sample in one batched pass, printed one after another.
    private func writeSamples(_ textModel: TextModel) throws {
        let first = sampling.resolvedSeed
        let seeds = (0..<samples).map { first &+ UInt64($0) }
        let texts = try TextGenerator.samples(textModel: textModel, options: sampling.options, prime: prime,
                                              length: length, seeds: seeds,
                                              decoding: DecodingOptions(capitalize: capitalize))
        for (i, text) in texts.enumerated() {
            Console.out("=== sample \(i + 1) of \(samples) (seed \(seeds[i])) ===\n")
            Console.out(text)
            if text.last != "\n" { Console.out("\n") }
        }
    }
}
