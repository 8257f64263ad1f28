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

            The GEMM calls of the first timed step are traced, then each is run again alone \
            (best of 5): "gemm_ms_per_step" is the time the step would take at the GEMM rate \
            of its own shapes, and "gemm_rate_fraction" = gemm_ms_per_step / \
            ms_per_step_median (the median timed step) how close the whole step comes to it ("step_gflop", "gflops": its multiply-adds). \
            --show-gemm-calls lists the shapes on stderr, the costliest first.

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

    @Flag(help: "List the traced step's GEMM shapes on stderr: calls, time alone, GFLOP/s.")
    var showGemmCalls = false

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
        // The GEMM calls of the first timed step (one load of a flag per call when not tracing).
        let trace = GemmTrace()
        var traced: (calls: [GemmTrace.Call], dropped: Int) = ([], 0)
        if warmup == 0 { trace.start() }
        stamps.append(BenchSupport.now())
        _ = try trainer.train(onEvent: { event in
            if case .step(let report) = event {
                stamps.append(BenchSupport.now())
                if stamps.count == warmup + 1 { cpuStart = BenchSupport.processCPUSeconds(); trace.start() }
                if stamps.count == warmup + 2 { traced = trace.stop() }
                lastLoss = report.loss
            }
        })
        let cpuSeconds = BenchSupport.processCPUSeconds() - cpuStart
        let seconds = stamps[total] - stamps[warmup]
        // Before the GEMM replay, which allocates operands of its own (the word decoder's are large).
        let peakMegabytes = BenchSupport.peakResidentMegabytes()
        let stepSeconds = (warmup..<total).map { stamps[$0 + 1] - stamps[$0] }.sorted()
        let medianStep = stepSeconds[stepSeconds.count / 2]
        if traced.dropped > 0 {
            FileHandle.standardError.write(Data("warning: the GEMM trace kept \(traced.calls.count) of \(traced.calls.count + traced.dropped) calls; gemm_ms_per_step and step_gflop count only those.\n".utf8))
        }
        let gemm = GemmStepProfile(calls: traced.calls)
        if showGemmCalls { gemm.printTable() }
        var fields: [(String, Any)] = [
            ("impl", "recurrent"), ("mode", "train"), ("config", config.rawValue), ("cell", options.cell.rawValue),
            ("tokens_per_second", Double(steps * t * b) / seconds),
            ("ms_per_step", 1000 * seconds / Double(steps)),
            ("cpu_ms_per_step", 1000 * cpuSeconds / Double(steps)),
            ("steps", steps), ("warmup", warmup), ("loss", lastLoss),
            ("peak_rss_mb", peakMegabytes), ("threads", options.threads),
            ("vocabulary_size", sizes.v), ("embedding_size", sizes.e), ("hidden_size", sizes.h),
            ("num_layers", sizes.l), ("seq_length", t), ("batch_size", b),
            ("dropout", Double(BenchModelConfiguration.dropout)),
            ("step_gflop", gemm.flops / 1e9), ("gflops", gemm.flops / (seconds / Double(steps)) / 1e9),
            ("gemm_calls_per_step", traced.calls.count + traced.dropped),
            ("ms_per_step_median", 1000 * medianStep),
            ("gemm_ms_per_step", 1000 * gemm.seconds), ("gemm_rate_fraction", gemm.seconds / medianStep),
        ]
        if let load = BenchSupport.loadAverage() { fields.append(("load_average", load)) }
        BenchSupport.printLine(fields)
    }
}
