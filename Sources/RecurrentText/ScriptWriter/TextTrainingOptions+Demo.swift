extension TextTrainingOptions {
    /// What `recurrent demo` trains and samples: a small one-layer character-level LSTM that
    /// learns the built-in corpus (`DemoCorpus`) within a minute, and a scene sampled from it.
    /// The demo's options and help take their defaults from here.
    public enum DemoDefaults {
        public static let hiddenSize = 256
        public static let layers = 1
        public static let embeddingSize = 32
        public static let sequenceLength = 64
        public static let batchSize = 32
        public static let learningRate = 3e-3
        /// The training time budget, in seconds.
        public static let seconds = 60.0
        /// Characters to generate.
        public static let length = 600
        public static let temperature = 0.7
        /// Seeds the corpus, the model and the sampling.
        public static let seed = Defaults.seed
    }

    /// The demo's training options for the text at `corpusPath`: character level, the sizes
    /// and rate of `DemoDefaults`, no dropout, no validation part, and more steps and a longer
    /// evaluation interval than a demo reaches (its time budget ends the run). Checkpoints would
    /// go to `outputDirectory`.
    public static func demo(corpusPath: String, hiddenSize: Int = DemoDefaults.hiddenSize,
                            seed: UInt64 = DemoDefaults.seed, outputDirectory: String) -> TextTrainingOptions {
        var o = TextTrainingOptions(corpusPath: corpusPath)
        o.level = .char
        o.hiddenSize = hiddenSize
        o.layers = DemoDefaults.layers
        o.embeddingSize = DemoDefaults.embeddingSize
        o.dropout = 0
        o.sequenceLength = DemoDefaults.sequenceLength
        o.batchSize = DemoDefaults.batchSize
        o.learningRate = DemoDefaults.learningRate
        o.steps = 1_000_000
        o.evaluationInterval = 1_000_000
        o.validationFraction = 0
        o.seed = seed
        o.outputDirectory = outputDirectory
        return o
    }
}
