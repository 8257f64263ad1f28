import ArgumentParser

/// How long to train, where checkpoints go, how progress is shown.
struct RunOptions: ParsableArguments {
    @Option(help: "Passes over the training text. \(defaultNote(TextDefaults.epochs))")
    var epochs: Int?

    @Option(help: "Optimizer steps (batches) in all, instead of --epochs.")
    var steps: Int?

    @Option(help: ArgumentHelp("Train for this long in all (e.g. 20m, 90s, 1h30m), instead of --epochs or --steps: the run measures its speed, plans its steps, evaluation interval and learning-rate schedule (cosine with warm-up, unless --schedule) to fit, and keeps the best-validation model.", valueName: "duration"))
    var time: String?

    @Option(name: .customLong("eval-every"), help: "Validate and save a checkpoint every this many steps. (default: once per epoch, at most \(TextDefaults.maxEvaluationInterval))")
    var evaluationInterval: Int?

    @Option(name: .customLong("max-validation-batches"), help: "Validate on at most this many batches. \(defaultNote(TextDefaults.maxValidationBatches))")
    var maxValidationBatches: Int?

    @Option(help: "Seed for initialisation, dropout and everything random. \(defaultNote(TextDefaults.seed))")
    var seed: UInt64?

    @Option(name: [.customShort("o"), .long], help: "Directory for checkpoints. (default: checkpoints/<corpus name>)")
    var output: String?

    @Option(name: .customLong("keep-last"), help: "Step checkpoints to keep besides latest and best. \(defaultNote(TextDefaults.keepLast))")
    var keepLast: Int?

    @Option(help: "Continue training from this checkpoint (a .safetensors file or a checkpoint directory).")
    var resume: String?

    @Option(name: .customLong("log-every"), help: "When stderr is not a terminal: print a progress line every this many steps.")
    var logEvery: Int = 50

    /// --time in seconds (nil when not given; `validate` has checked it parses).
    var timeBudget: Double? { time.flatMap(DurationText.seconds) }

    func validate() throws {
        if [epochs != nil, steps != nil, time != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give one of --epochs, --steps and --time")
        }
        if let time, DurationText.seconds(time) == nil { throw ValidationError(DurationText.problem(flag: "--time", value: time)) }
        try OptionCheck.atLeast(1, ["--epochs": epochs, "--steps": steps, "--eval-every": evaluationInterval,
                                    "--max-validation-batches": maxValidationBatches])
        try OptionCheck.atLeast(0, ["--keep-last": keepLast])
        try OptionCheck.atLeast(1, ["--log-every": logEvery])
    }
}
