import ArgumentParser
import Foundation
import Recurrent

/// `recurrent bench train`: training speed of the real trainer (`LanguageModelTrainer`: forward,
/// fused softmax cross-entropy, BPTT, global-norm clip, Adam) on synthetic token ids.
struct TrainBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Measure training speed: one JSON line per configuration (char and word, or the one given).",
        discussion: """
            The model and step are the library's own (LanguageModel + LanguageModelTrainer): \
            embedding → 2-layer LSTM(512) with dropout 0.5 → linear, softmax cross-entropy at \
            every step, backward, global-norm clip 5, Adam (lr 2e-3), the state carried from \
            batch to batch. Data: uniformly random token ids (no corpus needed). After \
            --warmup untimed steps, --steps steps are timed. Compare with \
            Scripts/bench_pytorch.py, or run both with Scripts/bench_compare.py.

            Example: recurrent bench train --config char --steps 20 --threads 2
            """
    )

    @OptionGroup var options: BenchModelOptions

    @Option(help: "Timed training steps.")
    var steps: Int = 20

    @Option(help: "Untimed steps first.")
    var warmup: Int = 3

    @Option(help: "Override the configuration's sequence length T (e.g. to check that time is linear in T).")
    var seqLength: Int?

    @Option(help: "Override the configuration's batch size B.")
    var batchSize: Int?

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps).") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be at least 0, got \(warmup).") }
        if let t = seqLength, t < 1 { throw ValidationError("--seq-length must be at least 1, got \(t).") }
        if let b = batchSize, b < 1 { throw ValidationError("--batch-size must be at least 1, got \(b).") }
    }

    func run() throws {
        if try BenchSupport.fanOut(options.config) { return }
        let config = options.config!
        ThreadPool.threadCount = options.threads
        var sizes = config.sizes
        if let seqLength { sizes.t = seqLength }
        if let batchSize { sizes.b = batchSize }
        let (t, b) = (sizes.t, sizes.b)
        let total = warmup + steps

        var generator = RandomGenerator(seed: options.seed)
        let model = try config.model(cell: options.cell, generator: &generator)
        // One epoch of exactly `total` batches: B streams of T·total ids (+1 for the last target).
        let tokens = (0..<(b * t * total + 1)).map { _ in Int32(generator.integer(below: sizes.v)) }
        guard let source = StreamBatcher(tokens: tokens, batchSize: b, sequenceLength: t) else {
            throw ValidationError("internal: synthetic data too short for one batch")
        }
        let settings = TrainingConfiguration(
            sequenceLength: t, batchSize: b,
            optimizer: OptimizerConfiguration(kind: .adam, learningRate: BenchModelConfiguration.learningRate),
            clipping: .norm(maxNorm: BenchModelConfiguration.clipNorm, type: .l2),
            totalSteps: total, evaluationInterval: total + 1, seed: options.seed)
        let trainer = try LanguageModelTrainer(model: model, configuration: settings, training: source,
                                               validation: nil, generator: generator)

        // Wall time between consecutive step reports: everything a training step does.
        var stamps: [Double] = []
        stamps.reserveCapacity(total + 1)
        var lastLoss = Double.nan
        var cpuStart = BenchSupport.processCPUSeconds()
        stamps.append(BenchSupport.now())
        _ = try trainer.train(onEvent: { event in
            if case .step(let report) = event {
                stamps.append(BenchSupport.now())
                if stamps.count == warmup + 1 { cpuStart = BenchSupport.processCPUSeconds() }
                lastLoss = report.loss
            }
        })
        let cpuSeconds = BenchSupport.processCPUSeconds() - cpuStart
        let seconds = stamps[total] - stamps[warmup]
        var fields: [(String, Any)] = [
            ("impl", "recurrent"), ("mode", "train"), ("config", config.rawValue), ("cell", options.cell.rawValue),
            ("tokens_per_second", Double(steps * t * b) / seconds),
            ("ms_per_step", 1000 * seconds / Double(steps)),
            ("cpu_ms_per_step", 1000 * cpuSeconds / Double(steps)),
            ("steps", steps), ("warmup", warmup), ("loss", lastLoss),
            ("peak_rss_mb", BenchSupport.peakResidentMegabytes()), ("threads", options.threads),
            ("vocabulary_size", sizes.v), ("embedding_size", sizes.e), ("hidden_size", sizes.h),
            ("num_layers", sizes.l), ("seq_length", t), ("batch_size", b),
            ("dropout", Double(BenchModelConfiguration.dropout)),
        ]
        if let load = BenchSupport.loadAverage() { fields.append(("load_average", load)) }
        BenchSupport.printLine(fields)
    }
}
