import ArgumentParser
import Foundation
import Recurrent
import RecurrentText
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a language model on a text file.",
        discussion: """
        Tokenizes CORPUS, holds out its end for validation, and trains an embedding → LSTM/GRU/RNN \
        → linear model by truncated backpropagation through time. Checkpoints (safetensors, \
        loadable in PyTorch) go to --output: step-N.safetensors, latest.safetensors and \
        best.safetensors (lowest validation loss), and every step appends a line to \
        metrics.jsonl there (losses, learning rate, gradient norm; draw it with recurrent plot).

        Ctrl-C saves a checkpoint and stops; --resume continues exactly where it stopped.

        With --distributed, under mpirun or srun, N processes share every batch (docs/distributed.md).

        Examples:
          recurrent train scripts.txt
          recurrent train tinyshakespeare.txt          (a bundled corpus: recurrent data list)
          recurrent train scripts.txt --level word --epochs 20 --output runs/words
          recurrent train scripts.txt --resume runs/words/latest.safetensors
          mpirun -np 4 recurrent train scripts.txt --distributed
        """)

    @Argument(help: "The text file to learn from (a path, or a bundled name: recurrent data list).")
    var corpus: String

    @OptionGroup(title: "Text") var data: DataOptions
    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Optimization") var optimization: OptimizationOptions
    @OptionGroup(title: "Run") var runOptions: RunOptions

    @Flag(help: "Start afresh in an --output folder that holds another run's checkpoints, deleting them.")
    var overwrite = false

    @Option(name: .customLong("token-cache"), help: ArgumentHelp(
        "Where to keep the corpus's tokens, memory-mapped: made once, reused by later runs on the same text and by --resume. (default: tokens.cache in the output folder)",
        valueName: "file"))
    var tokenCache: String?

    /// Testing aid: after the checkpoint of this step is written, the process kills itself with
    /// SIGKILL (no cleanup at all), as a crash or `kill -9` would.
    @Option(name: .customLong("kill-after-checkpoint"), help: .hidden)
    var killAfterCheckpoint: Int?

    /// Testing aid: after this step the process sends itself SIGINT, as a Ctrl-C at exactly
    /// that point would.
    @Option(name: .customLong("interrupt-after-step"), help: .hidden)
    var interruptAfterStep: Int?

    @OptionGroup(title: "Computation") var computation: ThreadOptions
    @OptionGroup(title: "Distributed") var distribution: DistributedOptions

    func run() throws {
        computation.apply()
        try runReportingErrors {
            try withDistribution { group in
                // Only rank 0 of a distributed run reads the corpus (the others map its token
                // cache), writes (checkpoints, metrics) and claims the folder.
                let writes = (group?.rank ?? 0) == 0
                if writes { try InputFileCheck.requireDataFile(try BundledData.path(corpus), role: "corpus (a text file)") }
                if let resume = runOptions.resume {
                    try InputFileCheck.requireCheckpoint(resume, format: CheckpointKey.formatName, command: "train --resume")
                }
                let folder = runFolder()
                // The output folder is checked and claimed for this run before the session opens
                // its metrics log there.
                if writes { try InputFileCheck.requireWritableFolder(folder.output) }
                let claim = writes ? try RunFolderClaim(folder.output, resumingFrom: folder.resumed, overwrite: overwrite) : nil
                defer { claim?.release() }
                var o = try options(needsCorpus: writes)
                o.writesNothing = !writes
                let session = try group.map { try makeSession(o, group: $0) } ?? TextTrainingSession.make(o)
                assert(session.outputDirectory == folder.output, "the locked folder must be the one written")
                if let group { try distribute(session, over: group) }
                let cleared = try claim?.clearEarlierRun() ?? 0
                if cleared > 0 { Console.message("--overwrite: deleted \(cleared) checkpoint files of an earlier run in \(folder.output)") }
                try train(session, rank: group?.rank)
            }
        }
    }

    /// The options of this run; `corpus` resolved to a bundled file when it names one (a rank
    /// other than 0 of a distributed run does not need the file, so it may be missing there).
    func options(needsCorpus: Bool = true) throws -> TextTrainingOptions {
        var o = TextTrainingOptions(corpusPath: needsCorpus ? try BundledData.path(corpus) : (try? BundledData.path(corpus)) ?? corpus)
        o.level = data.level
        o.lowercase = data.lowercase
        o.minimumCount = data.minimumCount
        o.validationFraction = data.validationFraction
        o.cell = model.cell?.kind
        o.peepholes = model.peepholes
        o.embeddingSize = model.embeddingSize
        o.hiddenSize = model.hiddenSize
        o.projectionSize = model.projectionSize
        o.layers = model.layers
        o.dropout = model.dropout
        o.inputDropout = model.inputDropout
        o.hiddenDropout = model.hiddenDropout
        o.weightDrop = model.weightDrop
        o.embeddingDropout = model.embeddingDropout
        o.zoneout = model.zoneout
        o.zoneoutHidden = model.zoneoutHidden
        o.zoneoutCell = model.zoneoutCell
        o.softmax = model.softmax
        o.cutoffs = try model.parsedCutoffs()
        o.tieWeights = model.tieWeights
        o.sequenceLength = optimization.sequenceLength
        o.batchSize = optimization.batchSize
        o.microBatches = optimization.microBatches
        o.optimizer = optimization.optimizer
        o.learningRate = optimization.learningRate
        o.schedule = optimization.schedule.map { optimization.scheduleConfiguration($0) }
        o.clipping = optimization.clipping
        o.epochs = runOptions.epochs
        o.steps = runOptions.steps
        o.timeBudget = runOptions.timeBudget
        o.evaluationInterval = runOptions.evaluationInterval
        o.maxValidationBatches = runOptions.maxValidationBatches
        o.seed = runOptions.seed
        o.outputDirectory = runOptions.output
        o.keepLast = runOptions.keepLast
        o.resume = runOptions.resume
        o.tokenCachePath = tokenCache
        return o
    }

    func train(_ session: TextTrainingSession, rank: Int? = nil) throws {
        let trainer = session.trainer
        let c = trainer.configuration, m = session.model.configuration
        let tokenizer = session.tokenizer
        if let from = session.resumedFrom {
            Console.message("resuming from \(from) at step \(trainer.state.step) (epoch \(trainer.state.epoch + 1))")
        }
        for choice in session.choices { Console.message("chose " + choice) }
        switch session.tokenCacheOrigin {
        case .reused: Console.message("tokens: reused \(session.tokenCache.path)")
        case .shared: Console.message("tokens: mapped \(session.tokenCache.path), made by rank 0")
        case .built(let reason): Console.message("tokens: tokenized into \(session.tokenCache.path) (\(reason))")
        }
        Console.message("corpus: \(corpus), \(session.corpus.byteCount) bytes → \(session.corpus.tokens.count) \(tokenizer.level.rawValue) tokens, vocabulary \(tokenizer.vocabularySize)"
            + (session.corpus.unknownCount > 0 ? ", \(session.corpus.unknownCount) <unk>" : ""))
        Console.message("data: \(session.training.batchesPerEpoch) batches of \(c.batchSize) × \(c.sequenceLength) per epoch"
            + (session.validation.map { ", validation \($0.batchesPerEpoch) batches of \($0.batchSize) × \($0.sequenceLength)" } ?? ", no validation"))
        Console.message("model: \(m.cell.rawValue)\(m.peepholes ? " (peepholes)" : ""), \(m.numLayers) × \(m.hiddenSize)\(m.projectionSize > 0 ? " → \(m.projectionSize)" : ""), embedding \(m.embeddingSize)\(m.tieWeights ? " (tied to the decoder)" : ""), dropout \(m.dropout)"
            + (m.inputDropout > 0 ? ", input dropout \(m.inputDropout)" : "") + (m.hiddenDropout > 0 ? ", hidden dropout \(m.hiddenDropout)" : "")
            + (m.weightDrop > 0 ? ", weight drop \(m.weightDrop)" : "") + (m.embeddingDropout > 0 ? ", embedding dropout \(m.embeddingDropout)" : "")
            + (m.zoneoutHidden > 0 ? ", zoneout h \(m.zoneoutHidden)" : "") + (m.zoneoutCell > 0 ? ", zoneout c \(m.zoneoutCell)" : "")
            + (m.adaptiveSoftmax.map { ", adaptive softmax (cutoffs \($0.cutoffs.map(String.init).joined(separator: ",")))" } ?? "")
            + ", \(m.parameterCount) parameters")
        let length = trainer.state.budget.map { budget in
            // A new run's budget may already hold the speed probe's seconds: "left" is for a resumed run.
            "to a budget of \(formatDuration(budget.seconds))"
                + (budget.spent > 0 && session.resumedFrom != nil ? " (\(formatDuration(budget.remaining)) left)" : "")
                + (budget.plan.map { ", planned \($0.totalSteps) steps" } ?? " (steps planned from a speed probe)")
        } ?? "\(c.totalSteps) steps"
        Console.message("training: \(length), \(c.optimizer.kind.rawValue) lr \(c.optimizer.learningRate), \(c.schedule.kind.rawValue) schedule, "
            + clippingText(c.clipping) + ", checkpoints in \(session.outputDirectory)")

        let reporter = ProgressReporter(logEvery: runOptions.logEvery, batchesPerEpoch: session.training.batchesPerEpoch,
                                        evaluationInterval: c.evaluationInterval)
        let killStep = killAfterCheckpoint, interruptStep = interruptAfterStep
        InterruptFlag.install()
        defer { InterruptFlag.uninstall() }
        let outcome: TrainingOutcome
        var planShown = trainer.state.budget?.plan
        do {
            outcome = try session.run(onEvent: { event in
                if case .step = event, let budget = trainer.state.budget, let plan = budget.plan,
                   planShown.map({ abs($0.totalSteps - plan.totalSteps) * 100 > $0.totalSteps }) ?? true {
                    reporter.permanent(planText(plan, budget: budget, first: planShown == nil))
                    planShown = plan
                }
                reporter.handle(event)
                killIfAsked(event, rank: rank)
                if let interruptStep, case .step(let report) = event, report.step == interruptStep {
                    raise(SIGINT)
                }
                if let killStep, case .checkpoint(let report) = event, report.step >= killStep {
                    kill(getpid(), SIGKILL)
                }
            }, shouldStop: { InterruptFlag.isSet })
        } catch {
            reporter.finish()
            throw error
        }
        reporter.finish()
        reportProfile(trainer)
        let best = session.outputDirectory + "/" + CheckpointDirectory.bestFileName
        let latest = session.outputDirectory + "/" + CheckpointDirectory.latestFileName
        switch outcome {
        case .finished:
            let state = trainer.state
            var summary = "finished \(state.step) steps in \(formatDuration(state.seconds))"
                + (state.budget.map { " of training, \(formatDuration($0.spent)) of a \(formatDuration($0.seconds)) budget with validation" } ?? "")
            if let v = state.bestValidationLoss { summary += String(format: "; best validation loss %.4f", v) }
            Console.message(summary)
            let model = FileManager.default.fileExists(atPath: best) ? best : latest
            Console.message("generate with: " + ShellHint.command("generate", ShellHint.quoted(model), "--prime", "'...'"))
        case .interrupted(let step):
            if let since = trainer.lossSinceLastRecord {
                Console.message(String(format: "train loss %.4f over the %d steps since the last evaluation", since.loss, since.steps))
            }
            Console.message("stopped at step \(step); continue with: "
                + ShellHint.command("train", ShellHint.quoted(corpus), "--resume", ShellHint.quoted(latest)))
            throw ExitCode(130)
        }
    }

    /// `plan: 2400 steps (0.5 s/step, 3.1 s/evaluation), validation every 120 steps, warm-up 48 steps`
    /// first; then `plan: 2350 steps in all (0.51 s/step, 2.9 s/evaluation), 14m02s left`.
    func planText(_ plan: TrainingPlan, budget: TimeBudget, first: Bool) -> String {
        var text = first ? "plan: \(plan.totalSteps) steps" : "plan: \(plan.totalSteps) steps in all"
        if let s = budget.stepSeconds { text += String(format: " (%.3g s/step", s) + (budget.evaluationSeconds.map { String(format: ", %.3g s/evaluation", $0) } ?? "") + ")" }
        if first { text += ", validation every \(plan.evaluationInterval) steps, warm-up \(plan.warmupSteps) steps" }
        else { text += ", \(formatDuration(budget.remaining)) left" }
        return text
    }

    func clippingText(_ clipping: GradientClipping?) -> String {
        switch clipping {
        case .norm(let n, _)?: "clip norm \(n)"
        case .value(let v)?: "clip value \(v)"
        case nil: "no clipping"
        }
    }
}
