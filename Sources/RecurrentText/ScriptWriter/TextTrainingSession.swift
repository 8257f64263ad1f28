import Foundation
import Recurrent

/// A training run on a text file: the corpus tokenized and split, the batchers, the model and
/// its trainer, ready to `run`. Built fresh (`start`) or from a checkpoint (`resume`).
///
/// Checkpoints go to `outputDirectory` (`step-*.safetensors`, `latest`, `best`); each holds the
/// model, the optimizer, the tokenizer and the training state (see `docs/checkpoints.md`).
/// Every step appends a line to `metrics.jsonl` there (`MetricsLog`, see `docs/logs.md`).
/// The corpus's tokens come from a `TokenCache` (`tokens.cache` there unless
/// `TextTrainingOptions.tokenCachePath` says otherwise): memory-mapped, made once, reused by
/// the next run on the same text and by a resumed run.
public final class TextTrainingSession {
    public let corpus: Corpus
    /// Where the tokens are, and whether this session made the cache or found it.
    public let tokenCache: TokenCache
    public let tokenCacheOrigin: TokenCache.Origin
    public let tokenizer: any Tokenizer
    public let training: StreamBatcher<TokenArray>
    public let validation: StreamBatcher<TokenArray>?
    public let model: LanguageModel
    public let trainer: LanguageModelTrainer
    public let outputDirectory: String
    /// The checkpoint resumed from, if any.
    public let resumedFrom: String?
    /// What the defaults rule chose for a new run, and why (`TrainingDefaultsRule`), one line each.
    public private(set) var choices: [String] = []

    private init(tokens: (cache: TokenCache, origin: TokenCache.Origin), training: StreamBatcher<TokenArray>,
                 validation: StreamBatcher<TokenArray>?, model: LanguageModel,
                 trainer: LanguageModelTrainer, outputDirectory: String, keepLast: Int, resumedFrom: String?,
                 validationFraction: Double, writesNothing: Bool) throws {
        let corpus = tokens.cache.corpus
        self.corpus = corpus
        self.tokenCache = tokens.cache
        self.tokenCacheOrigin = tokens.origin
        self.tokenizer = corpus.tokenizer
        self.training = training
        self.validation = validation
        self.model = model
        self.trainer = trainer
        self.outputDirectory = outputDirectory
        self.resumedFrom = resumedFrom
        if !writesNothing {
            trainer.checkpoints = CheckpointDirectory(path: outputDirectory, keepLast: keepLast)
            // A resumed run keeps the lines up to its checkpoint's step and continues the file.
            trainer.metrics = try MetricsLog(path: outputDirectory + "/" + MetricsLog.fileName,
                                             resumingAfter: resumedFrom == nil ? nil : trainer.state.step)
        }
        trainer.checkpointMetadata[CheckpointKey.tokenizer] = try corpus.tokenizer.configuration.jsonString()
        trainer.checkpointMetadata[CheckpointKey.validationFraction] = String(validationFraction)
    }

    /// Trains until the configured steps are done or `shouldStop` returns true (then a
    /// checkpoint is saved).
    public func run(onEvent: (TrainingEvent) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws(TrainingError) -> TrainingOutcome {
        try trainer.train(onEvent: onEvent, shouldStop: shouldStop)
    }

    /// A new run, or a resumed one when `options.resume` is set.
    public static func make(_ options: TextTrainingOptions) throws -> TextTrainingSession {
        if let checkpoint = options.resume { return try resume(options, from: checkpoint) }
        return try start(options)
    }

    /// This process's session of a data-parallel run over `group` (not yet distributed: call
    /// `trainer.distribute(over:)` next). Only rank 0 reads the corpus: it finds or makes the
    /// token cache, then tells the others its fingerprint; they wait for that, map the same
    /// file and read only their streams of each batch from it. Every rank must call this with
    /// the same options. A rank 0 that fails throws here and never reaches the broadcast, so
    /// the caller must end the whole job then (the others wait in it).
    public static func make(_ options: TextTrainingOptions, sharingTokensOver group: any DataParallelGroup) throws -> TextTrainingSession {
        if group.rank == 0 {
            let session = try make(options)
            _ = try group.broadcastFromRankZero(Array(session.tokenCache.fingerprint.utf8))
            return session
        }
        var mapped = options
        mapped.sharedTokenCache = String(decoding: try group.broadcastFromRankZero([]), as: UTF8.self)
        return try make(mapped)
    }

    // MARK: New run

    static func start(_ o: TextTrainingOptions) throws -> TextTrainingSession {
        typealias D = TextTrainingOptions.Defaults
        let level = o.level ?? D.level
        let wordOptions = WordTokenizer.Options(lowercase: o.lowercase ?? D.lowercase(level),
                                                minimumCount: o.minimumCount ?? D.minimumCount(level))
        let fraction = o.validationFraction ?? D.validationFraction
        let sequenceLength = o.sequenceLength ?? D.sequenceLength(level)
        let batchSize = o.batchSize ?? D.batchSize(level)
        try checkFraction(fraction)
        try checkPositive(sequenceLength, "--seq-length")
        try checkPositive(batchSize, "--batch-size")

        let output = o.outputDirectory ?? defaultOutputDirectory(for: o.corpusPath)
        let cachePath = o.tokenCachePath ?? tokenCachePath(in: output)
        let tokens = try o.sharedTokenCache.map { try mapShared(cachePath, fingerprint: $0) }
            ?? TokenCache.load(cachePath, source: .file(path: o.corpusPath), level: level, wordOptions: wordOptions)
        let corpus = tokens.cache.corpus
        let (training, validation) = try batchers(corpus, fraction: fraction, batchSize: batchSize, sequenceLength: sequenceLength)

        // Sizes, output layer and regularisation not given: by rule, from the level, the text
        // and the budget.
        let trainingTokens = training.batchesPerEpoch * batchSize * sequenceLength
        var rule = TrainingDefaultsRule(options: o, level: level, trainingTokens: trainingTokens,
                                        vocabularySize: corpus.tokenizer.vocabularySize)
        // With a time budget the trainer plans the steps (and the evaluation interval and the
        // warm-up) after a probe; until then one step stands in.
        let totalSteps = o.timeBudget != nil ? 1 : o.steps ?? (o.epochs ?? D.epochs) * training.batchesPerEpoch
        let seed = o.seed ?? D.seed
        let configuration = TrainingConfiguration(
            sequenceLength: sequenceLength, batchSize: batchSize, microBatches: o.microBatches ?? D.microBatches,
            optimizer: OptimizerConfiguration(kind: o.optimizer ?? D.optimizer, learningRate: o.learningRate ?? D.learningRate),
            schedule: o.schedule ?? (o.timeBudget != nil ? D.budgetSchedule : D.schedule),
            clipping: o.clipping ?? .norm(maxNorm: D.maxNorm, type: .l2), totalSteps: totalSteps,
            evaluationInterval: o.evaluationInterval ?? min(training.batchesPerEpoch, D.maxEvaluationInterval),
            maxValidationBatches: o.maxValidationBatches ?? D.maxValidationBatches, seed: seed)

        func build(_ rule: TrainingDefaultsRule) throws -> (LanguageModel, LanguageModelTrainer) {
            var modelConfiguration = LanguageModelConfiguration(
                cell: o.cell ?? D.cell, vocabularySize: corpus.tokenizer.vocabularySize,
                embeddingSize: rule.embeddingSize, hiddenSize: rule.hiddenSize,
                numLayers: rule.layers, dropout: rule.dropout, peepholes: o.peepholes ?? D.peepholes,
                projectionSize: o.projectionSize ?? D.projectionSize)
            modelConfiguration.inputDropout = rule.inputDropout
            modelConfiguration.hiddenDropout = rule.hiddenDropout
            modelConfiguration.weightDrop = rule.weightDrop
            modelConfiguration.embeddingDropout = rule.embeddingDropout
            modelConfiguration.zoneoutHidden = o.zoneoutHidden ?? o.zoneout ?? 0
            modelConfiguration.zoneoutCell = o.zoneoutCell ?? (modelConfiguration.cell.hasCellState ? o.zoneout : nil) ?? 0
            try chooseOutputLayer(o, level: level, softmax: rule.softmax, into: &modelConfiguration)
            var generator = RandomGenerator(seed: seed)
            let model = try LanguageModel(configuration: modelConfiguration, generator: &generator)
            let trainer = try LanguageModelTrainer(model: model, configuration: configuration, training: training,
                                                   validation: validation, generator: generator)
            trainer.setDataFingerprint(tokens.cache.fingerprint)
            return (model, trainer)
        }
        var (model, trainer) = try build(rule)
        if let seconds = o.timeBudget {
            if rule.regularisesByRule {
                // The regularisation follows the passes the budget buys on this machine: probe the
                // model's speed, plan as the trainer will, and rebuild with the rule's choice for
                // that plan if it differs (the same seed: the same initial weights). The trainer
                // plans from this measurement rather than probing again, and charges its time.
                let measured = trainer.measureCosts()
                let plan = TimeBudgetPlanner.initialPlan(budget: seconds, remaining: max(0, seconds - measured.seconds),
                                                         completedSteps: 0, stepSeconds: measured.step,
                                                         evaluationSeconds: measured.evaluation,
                                                         evaluationInterval: o.evaluationInterval)
                let planned = TrainingDefaultsRule(options: o, level: level, trainingTokens: trainingTokens,
                                                   vocabularySize: corpus.tokenizer.vocabularySize,
                                                   plannedTokens: Double(plan.totalSteps * batchSize * sequenceLength))
                if !planned.sameRegularisation(as: rule) { (model, trainer) = try build(planned) }
                rule = planned
                trainer.setBudget(seconds: seconds, evaluationInterval: o.evaluationInterval)
                trainer.useMeasuredCosts(step: measured.step, evaluation: measured.evaluation, seconds: measured.seconds)
            } else {
                trainer.setBudget(seconds: seconds, evaluationInterval: o.evaluationInterval)
            }
        }
        let session = try TextTrainingSession(tokens: tokens, training: training, validation: validation, model: model,
                                              trainer: trainer, outputDirectory: output, keepLast: o.keepLast ?? D.keepLast,
                                              resumedFrom: nil, validationFraction: fraction, writesNothing: o.writesNothing)
        session.choices = rule.reasons
        return session
    }

    /// Sets the adaptive softmax and weight tying `o` asks for (the softmax `defaultSoftmax` when
    /// not given), with errors naming the flags.
    static func chooseOutputLayer(_ o: TextTrainingOptions, level: TokenizerLevel, softmax defaultSoftmax: SoftmaxKind,
                                  into c: inout LanguageModelConfiguration) throws {
        typealias D = TextTrainingOptions.Defaults
        let softmax = o.softmax ?? (o.cutoffs != nil ? .adaptive : defaultSoftmax)
        if softmax == .adaptive {
            guard level == .word else {
                throw TextTrainingError.invalidOption(
                    "--softmax adaptive needs --level word: a \(level.rawValue) vocabulary is small and not ordered by frequency, so a full softmax is as fast")
            }
            let v = c.vocabularySize
            let cutoffs = o.cutoffs ?? AdaptiveSoftmaxConfiguration.defaultCutoffs(vocabularySize: v)
            let problems = AdaptiveLogSoftmaxWithLoss.problems(inputSize: c.realHiddenSize, classCount: v, cutoffs: cutoffs,
                                                               divValue: AdaptiveSoftmaxConfiguration.defaultDivValue)
            guard problems.isEmpty else {
                throw TextTrainingError.invalidOption("--softmax adaptive with --cutoffs \(cutoffs.map(String.init).joined(separator: ",")) "
                    + "for this vocabulary of \(v) tokens: " + problems.joined(separator: "; "))
            }
            c.adaptiveSoftmax = AdaptiveSoftmaxConfiguration(cutoffs: cutoffs)
        } else if o.cutoffs != nil {
            throw TextTrainingError.invalidOption("--cutoffs splits an adaptive softmax; leave out --softmax full")
        }
        guard o.tieWeights ?? D.tieWeights else { return }
        guard softmax == .full else {
            throw TextTrainingError.invalidOption("--tie-weights needs --softmax full (an adaptive softmax has no (V, H) decoder to share with the embedding)")
        }
        if o.embeddingSize == nil { c.embeddingSize = c.realHiddenSize }
        guard c.embeddingSize == c.realHiddenSize else {
            let target = c.projectionSize > 0 ? "--projection-size (\(c.projectionSize))" : "--hidden-size (\(c.hiddenSize))"
            var fix = "set --embedding-size \(c.realHiddenSize)"
            if c.cell.hasCellState && c.projectionSize == 0 && c.embeddingSize < c.hiddenSize {
                fix += ", or --projection-size \(c.embeddingSize) to project the LSTM's output to the embedding size"
            }
            throw TextTrainingError.invalidOption(
                "--tie-weights shares the (V, E) embedding with the (V, H) decoder, so --embedding-size (\(c.embeddingSize)) must equal \(target): \(fix)")
        }
        c.tieWeights = true
    }

    /// The directory part of `path` as written ("." for a bare file name).
    public static func parentDirectory(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    /// `<folder>/tokens.cache`: where a run in `folder` keeps its corpus's tokens by default.
    public static func tokenCachePath(in folder: String) -> String {
        folder + "/" + TokenCache.fileName
    }

    /// `checkpoints/<corpus file name without extension>`.
    public static func defaultOutputDirectory(for corpusPath: String) -> String {
        let name = URL(fileURLWithPath: corpusPath).deletingPathExtension().lastPathComponent
        return "checkpoints/" + (name.isEmpty ? "model" : name)
    }

    // MARK: Resume

    static func resume(_ o: TextTrainingOptions, from path: String) throws -> TextTrainingSession {
        let loaded = try TextModel.load(path, preferring: [CheckpointDirectory.latestFileName])
        let file = loaded.file
        guard let configJSON = file.metadata[CheckpointKey.trainingConfiguration],
              file.metadata[CheckpointKey.trainingState] != nil else {
            throw CheckpointError.missingTrainingState(file: loaded.path)
        }
        var configuration: TrainingConfiguration
        do { configuration = try TrainingConfiguration(jsonString: configJSON) } catch {
            throw CheckpointError.invalidMetadata(file: loaded.path, key: CheckpointKey.trainingConfiguration, reason: "\(error)")
        }
        let fraction = Double(file.metadata[CheckpointKey.validationFraction] ?? "") ?? TextTrainingOptions.Defaults.validationFraction

        // Options given now must agree with the checkpoint (except the ones that may change).
        let m = loaded.model.configuration
        let tokenizerConfiguration = loaded.tokenizer.configuration
        var differences: [String] = []
        func check<T: Equatable>(_ given: T?, _ saved: T, _ flag: String) {
            if let given, given != saved { differences.append("\(flag) \(given) (checkpoint: \(saved))") }
        }
        check(o.level, tokenizerConfiguration.level, "--level")
        if tokenizerConfiguration.level == .word {
            check(o.lowercase, tokenizerConfiguration.lowercase ?? true, "--lowercase")
            check(o.minimumCount, tokenizerConfiguration.minimumCount ?? 1, "--min-count")
        }
        check(o.validationFraction, fraction, "--validation-fraction")
        check(o.cell, m.cell, "--cell")
        check(o.peepholes, m.peepholes, "--peepholes")
        check(o.embeddingSize, m.embeddingSize, "--embedding-size")
        check(o.hiddenSize, m.hiddenSize, "--hidden-size")
        check(o.projectionSize, m.projectionSize, "--projection-size")
        check(o.layers, m.numLayers, "--layers")
        check(o.dropout, m.dropout, "--dropout")
        check(o.inputDropout, m.inputDropout, "--input-dropout")
        check(o.hiddenDropout, m.hiddenDropout, "--hidden-dropout")
        check(o.weightDrop, m.weightDrop, "--weight-drop")
        check(o.embeddingDropout, m.embeddingDropout, "--embedding-dropout")
        check(o.zoneoutHidden ?? o.zoneout, m.zoneoutHidden, o.zoneoutHidden != nil ? "--zoneout-hidden" : "--zoneout")
        check(o.zoneoutCell ?? (m.cell.hasCellState ? o.zoneout : nil), m.zoneoutCell, o.zoneoutCell != nil ? "--zoneout-cell" : "--zoneout")
        check(o.softmax, m.softmax, "--softmax")
        if let cutoffs = o.cutoffs { check(cutoffs.map(String.init).joined(separator: ","),
                                           m.adaptiveSoftmax?.cutoffs.map(String.init).joined(separator: ",") ?? "none", "--cutoffs") }
        check(o.tieWeights, m.tieWeights, "--tie-weights")
        check(o.sequenceLength, configuration.sequenceLength, "--seq-length")
        check(o.batchSize, configuration.batchSize, "--batch-size")
        check(o.microBatches, configuration.microBatches, "--micro-batches")
        check(o.optimizer, configuration.optimizer.kind, "--optimizer")
        check(o.schedule?.kind, configuration.schedule.kind, "--schedule")
        check(o.seed, configuration.seed, "--seed")
        guard differences.isEmpty else { throw CheckpointError.configurationMismatch(file: loaded.path, differences: differences) }

        // The corpus, tokenized with the checkpoint's tokenizer: it must be the same text.
        let output = o.outputDirectory ?? parentDirectory(of: loaded.path)
        let cachePath = o.tokenCachePath ?? tokenCachePath(in: output)
        let tokens = try o.sharedTokenCache.map { try mapShared(cachePath, fingerprint: $0) }
            ?? loadTokens(o.corpusPath, cache: cachePath, tokenizer: loaded.tokenizer, checkpoint: loaded.path)
        let corpus = tokens.cache.corpus
        let (training, validation) = try batchers(corpus, fraction: fraction, batchSize: configuration.batchSize,
                                                  sequenceLength: configuration.sequenceLength)
        let fingerprint = tokens.cache.fingerprint
        if let saved = try savedState(file, path: loaded.path).dataFingerprint, saved != fingerprint {
            throw CheckpointError.tokenizerMismatch(
                file: loaded.path,
                reason: "\(o.corpusPath) is not the text it was trained on (\(corpus.tokens.count) tokens, fingerprint \(fingerprint); the checkpoint's: \(saved)) — resume with the same corpus file")
        }

        let lengthGiven = o.steps != nil || o.epochs != nil
        if let steps = o.steps { configuration.totalSteps = steps }
        else if let epochs = o.epochs { configuration.totalSteps = epochs * training.batchesPerEpoch }
        if let interval = o.evaluationInterval { configuration.evaluationInterval = interval }
        if let limit = o.maxValidationBatches { configuration.maxValidationBatches = limit }
        var restartSchedule = false
        if let rate = o.learningRate, rate != configuration.optimizer.learningRate {
            configuration.optimizer.learningRate = rate
            restartSchedule = true
        }
        if let clipping = o.clipping { configuration.clipping = clipping }
        if let schedule = o.schedule, schedule != configuration.schedule {
            configuration.schedule = schedule
            restartSchedule = true
        }

        // The generator is replaced by the checkpoint's in restore.
        let trainer = try LanguageModelTrainer(model: loaded.model, configuration: configuration, training: training,
                                               validation: validation, generator: RandomGenerator(seed: configuration.seed))
        try trainer.restore(from: file)
        if restartSchedule { trainer.restartSchedule() }
        if lengthGiven { trainer.clearBudget() }
        if let seconds = o.timeBudget { trainer.setBudget(seconds: seconds, evaluationInterval: o.evaluationInterval) }
        return try TextTrainingSession(tokens: tokens, training: training, validation: validation, model: loaded.model,
                                   trainer: trainer, outputDirectory: output,
                                   keepLast: o.keepLast ?? TextTrainingOptions.Defaults.keepLast, resumedFrom: loaded.path,
                                   validationFraction: fraction, writesNothing: o.writesNothing)
    }

    /// The corpus tokenized with a checkpoint's tokenizer (from the cache when it holds that);
    /// characters it lacks mean another text.
    private static func loadTokens(_ path: String, cache: String, tokenizer: any Tokenizer,
                                   checkpoint: String) throws -> (cache: TokenCache, origin: TokenCache.Origin) {
        do {
            return try TokenCache.load(cache, source: .file(path: path), tokenizer: tokenizer)
        } catch let error as TextError {
            if case .unknownTokens = error {
                throw CheckpointError.tokenizerMismatch(file: checkpoint, reason: "\(path) has \(error.description)")
            }
            throw error
        }
    }

    /// The cache another process made at `path` for this run (`TextTrainingOptions.sharedTokenCache`),
    /// mapped without reading the corpus; it must be the one with `fingerprint`.
    private static func mapShared(_ path: String, fingerprint: String) throws -> (cache: TokenCache, origin: TokenCache.Origin) {
        let seen = " Every process must see the same file: keep the output folder (or --token-cache) on a file system all of them share."
        let cache: TokenCache
        do { cache = try TokenCache.open(path, verify: false) } catch {
            throw TextTrainingError.sharedTokenCache("\(error.description).\(seen)")
        }
        guard cache.fingerprint == fingerprint else {
            throw TextTrainingError.sharedTokenCache("the token cache \(path) holds tokens with fingerprint \(cache.fingerprint), "
                + "not the \(fingerprint) that rank 0 made there.\(seen)")
        }
        return (cache, .shared)
    }

    private static func savedState(_ file: SafeTensors, path: String) throws -> TrainingState {
        do { return try TrainingState(jsonString: file.metadata[CheckpointKey.trainingState] ?? "") } catch {
            throw CheckpointError.invalidMetadata(file: path, key: CheckpointKey.trainingState, reason: "\(error)")
        }
    }

    // MARK: Data

    /// Training and validation batchers over the corpus split; validation runs min(B, what
    /// fits) streams.
    static func batchers(_ corpus: Corpus, fraction: Double, batchSize: Int,
                         sequenceLength: Int) throws -> (StreamBatcher<TokenArray>, StreamBatcher<TokenArray>?) {
        let (train, held) = corpus.split(validationFraction: fraction)
        let training = try batcher(train, batchSize: batchSize, sequenceLength: sequenceLength, part: "training")
        guard fraction > 0 else { return (training, nil) }
        let streams = min(batchSize, held.count > 0 ? (held.count - 1) / sequenceLength : 0)
        guard streams >= 1 else {
            throw TextTrainingError.validationTooShort(tokenCount: held.count, sequenceLength: sequenceLength, fraction: fraction)
        }
        let validation = try batcher(held, batchSize: streams, sequenceLength: sequenceLength, part: "validation")
        return (training, validation)
    }

    /// A batcher over `tokens`, or `TextError.corpusTooShort` naming `part` when they cannot
    /// fill one batch (fewer than B·T + 1 tokens).
    static func batcher(_ tokens: TokenArray, batchSize: Int, sequenceLength: Int,
                        part: String) throws(TextError) -> StreamBatcher<TokenArray> {
        guard let batcher = StreamBatcher(tokens: tokens, batchSize: batchSize, sequenceLength: sequenceLength) else {
            throw .corpusTooShort(part: part, tokenCount: tokens.count, needed: batchSize * sequenceLength + 1,
                                  batchSize: batchSize, sequenceLength: sequenceLength)
        }
        return batcher
    }

    static func checkFraction(_ f: Double) throws {
        guard f >= 0 && f < 1 else { throw TextTrainingError.invalidOption("--validation-fraction must be in [0, 1), got \(f)") }
    }

    static func checkPositive(_ v: Int, _ flag: String) throws {
        guard v >= 1 else { throw TextTrainingError.invalidOption("\(flag) must be at least 1, got \(v)") }
    }
}

/// Problems with a training request that are neither the text's nor the checkpoint's.
public enum TextTrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidOption(String)
    case validationTooShort(tokenCount: Int, sequenceLength: Int, fraction: Double)
    /// A data-parallel process cannot map the token cache rank 0 made.
    case sharedTokenCache(String)

    public var description: String {
        switch self {
        case .invalidOption(let message), .sharedTokenCache(let message):
            return message
        case let .validationTooShort(count, t, fraction):
            return "the validation part (the last \(Int(fraction * 100))% of the text) has \(count) tokens, fewer than one sequence of \(t) + 1; "
                + "use a larger --validation-fraction, a smaller --seq-length, a longer text, or --validation-fraction 0 to train without validation"
        }
    }
}
