import ArgumentParser
import Foundation
import Recurrent

/// `recurrent bench sample`: sampling speed of the generation path (`TokenStream`): batch 1,
/// one token at a time, the state carried.
struct SampleBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Measure sampling speed: one JSON line per configuration (char and word, or the one given).",
        discussion: """
            Evaluation mode, batch 1, the loop of `recurrent generate` (TokenStream): each \
            token is embedded and run through the LSTM stack with the state carried, and the \
            next token is drawn from softmax(logits) at temperature 1 — for a small vocabulary \
            from the V Float32 logits, for a large one by exact rejection sampling from an \
            int8 proposal (DecoderSampler; "sampler" in the output says which). The drawn \
            token is the next input. After --warmup untimed tokens, --tokens tokens are timed. The tokens/s of \
            each half are reported too: sampling must not slow down as the text grows.

            bytes_per_token is what the weights make a token read, derived from the model and \
            the sampler (TokenStream.weightBytesPerStep: the recurrent stack in Float32, an \
            embedding row, and the decoder — its Float32 weight, or the int8 proposal rows plus \
            the Float32 rows of the candidates the timed draws computed); gb_per_second is \
            those bytes over the timed seconds (10^9 bytes).

            --streams N runs the loop of `recurrent generate --samples N`: N independent \
            streams stepped together, each weight read once per step for all of them; a \
            timed step then writes N tokens, and tokens_per_second counts all of them.

            Example: recurrent bench sample --config char --tokens 2000 --threads 2
            """
    )

    @OptionGroup var options: BenchModelOptions

    @Option(help: "Timed sampled tokens.")
    var tokens: Int = 1000

    @Option(help: "Untimed tokens first.")
    var warmup: Int = 50

    @Option(help: "auto: as recurrent generate (rejection sampling for a large decoder); softmax: always all V logits.")
    var sampler: SamplerChoice = .auto

    @Option(help: "Independent streams sampled together, as generate --samples N.")
    var streams: Int = 1

    enum SamplerChoice: String, ExpressibleByArgument, CaseIterable { case auto, softmax }

    func validate() throws {
        guard tokens >= 2 else { throw ValidationError("--tokens must be at least 2, got \(tokens).") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be at least 0, got \(warmup).") }
        guard (1...4096).contains(streams) else { throw ValidationError("--streams must be from 1 to 4096, got \(streams).") }
    }

    func run() throws {
        if try BenchSupport.fanOut(options.config) { return }
        let config = options.config!
        ThreadPool.threadCount = options.threads
        let sizes = config.sizes

        var generator = RandomGenerator(seed: options.seed)
        let model = try config.model(cell: options.cell, generator: &generator)
        // The generation loop of `recurrent generate` (TextGenerator): feed a token, draw the
        // next with plain temperature-1 sampling.
        let stream = TokenStream(model: model, options: SamplingOptions(temperature: 1),
                                 allowsRejection: sampler == .auto, streams: streams)

        // `tokens` timed steps; each writes one token per stream.
        var stamps = [Double](repeating: 0, count: tokens + 1)
        var generators = (0..<streams).map { RandomGenerator(seed: options.seed &+ UInt64($0)) }
        var next = Array(repeating: 0, count: streams)
        var cpuStart = 0.0, drawsBefore = (candidates: 0, accepted: 0)
        for i in 0..<(warmup + tokens) {
            if i == warmup {
                cpuStart = BenchSupport.processCPUSeconds()
                drawsBefore = stream.decoderSampler.map { ($0.candidates, $0.accepted) } ?? (0, 0)
            }
            if i >= warmup { stamps[i - warmup] = BenchSupport.now() }
            if streams == 1 {
                stream.feed(next[0])
                next[0] = stream.next(generator: &generators[0])
            } else {
                stream.feed(next)
                stream.next(generators: &generators, into: &next)
            }
        }
        stamps[tokens] = BenchSupport.now()
        let cpuSeconds = BenchSupport.processCPUSeconds() - cpuStart
        let seconds = stamps[tokens] - stamps[0]
        let half = tokens / 2, n = Double(streams)
        // Weight bytes per step, with the exact logits the timed draws computed per token.
        let candidatesPerToken = stream.decoderSampler.map {
            Double($0.candidates - drawsBefore.candidates) / Double(max($0.accepted - drawsBefore.accepted, 1))
        } ?? 0
        let bytesPerStep = stream.weightBytesPerStep(candidatesPerToken: candidatesPerToken)
        var fields: [(String, Any)] = [
            ("impl", "recurrent"), ("mode", "sample"), ("config", config.rawValue), ("cell", options.cell.rawValue),
            ("tokens_per_second", n * Double(tokens) / seconds),
            ("ms_per_step", 1000 * seconds / Double(tokens)),
            ("cpu_ms_per_step", 1000 * cpuSeconds / Double(tokens)),
            ("tokens", tokens), ("warmup", warmup), ("streams", streams),
            ("bytes_per_token", bytesPerStep / n),
            ("gb_per_second", bytesPerStep * Double(tokens) / seconds / 1e9),
            ("tokens_per_second_first_half", n * Double(half) / (stamps[half] - stamps[0])),
            ("tokens_per_second_second_half", n * Double(tokens - half) / (stamps[tokens] - stamps[half])),
            ("peak_rss_mb", BenchSupport.peakResidentMegabytes()), ("threads", options.threads),
            ("sampler", stream.decoderSampler == nil ? "softmax" : "rejection"),
            ("acceptance", stream.decoderSampler.map { Double($0.accepted) / Double(max($0.candidates, 1)) } ?? 1.0),
            ("vocabulary_size", sizes.v), ("embedding_size", sizes.e), ("hidden_size", sizes.h),
            ("num_layers", sizes.l), ("seq_length", sizes.t), ("batch_size", sizes.b),
            ("dropout", Double(BenchModelConfiguration.dropout)),
        ]
        if let load = BenchSupport.loadAverage() { fields.append(("load_average", load)) }
        BenchSupport.printLine(fields)
    }
}
