import Recurrent

/// What `recurrent train` was asked for. Every setting is optional: nil means "the default"
/// for a new run, and "whatever the checkpoint says" when resuming (a value given when
/// resuming must agree with the checkpoint, except the ones that only say how long to train,
/// how often to evaluate, where to write, and the learning rate and clipping).
public struct TextTrainingOptions: Sendable {
    public var corpusPath: String
    // Tokenizer.
    public var level: TokenizerLevel?
    public var lowercase: Bool?
    public var minimumCount: Int?
    public var validationFraction: Double?
    // Model.
    public var cell: RecurrentCellKind?
    public var peepholes: Bool?
    public var embeddingSize: Int?
    public var hiddenSize: Int?
    /// LSTM projection size P (0: none).
    public var projectionSize: Int?
    public var layers: Int?
    public var dropout: Float?
    /// AWD-LSTM regularisers (see `LanguageModelConfiguration`).
    public var inputDropout: Float?
    public var hiddenDropout: Float?
    public var weightDrop: Float?
    public var embeddingDropout: Float?
    /// Zoneout of h and (LSTM) c; `zoneoutHidden` / `zoneoutCell` override it for one of them.
    public var zoneout: Float?
    public var zoneoutHidden: Float?
    public var zoneoutCell: Float?
    /// Full or adaptive softmax (nil: adaptive when `cutoffs` are given, else the rule's choice).
    public var softmax: SoftmaxKind?
    /// The adaptive softmax's cutoffs (nil: `AdaptiveSoftmaxConfiguration.defaultCutoffs`).
    public var cutoffs: [Int]?
    /// Tie the embedding and the decoder weight; the embedding size then defaults to the
    /// decoder's input size (H, or P with a projection).
    public var tieWeights: Bool?
    // Training.
    public var sequenceLength: Int?
    public var batchSize: Int?
    public var microBatches: Int?
    public var optimizer: OptimizerConfiguration.Kind?
    public var learningRate: Double?
    public var schedule: ScheduleConfiguration?
    public var clipping: GradientClipping??
    public var epochs: Int?
    public var steps: Int?
    /// A wall-clock budget in seconds (`--time`): the run plans its steps to end within it,
    /// instead of `epochs` or `steps`. On resume, a different value replaces the run's budget.
    public var timeBudget: Double?
    public var evaluationInterval: Int?
    public var maxValidationBatches: Int?
    public var seed: UInt64?
    // Output.
    public var outputDirectory: String?
    public var keepLast: Int?
    /// Where the corpus's tokens are cached (nil: `tokens.cache` in the output folder); several
    /// runs on one corpus can share one file.
    public var tokenCachePath: String?
    /// The fingerprint of the token cache another process has just made at the cache path for
    /// this same run (rank 0 of a data-parallel run, `TextTrainingSession.make(_:sharingTokensOver:)`):
    /// this process maps that file — it neither reads nor tokenizes the corpus — and checks
    /// that the file it sees is that one. Nil: find or make the cache itself.
    public var sharedTokenCache: String?
    /// A checkpoint to continue from.
    public var resume: String?
    /// Writes nothing into the output folder — no checkpoints, no metrics log — though it may
    /// read a checkpoint there: a data-parallel process other than rank 0.
    public var writesNothing = false

    public init(corpusPath: String) {
        self.corpusPath = corpusPath
    }

    /// Defaults that train a good model on a corpus of a few megabytes.
    public enum Defaults {
        public static let level = TokenizerLevel.char
        public static let validationFraction = 0.1
        public static let cell = RecurrentCellKind.lstm
        public static let peepholes = false
        /// No projection (LSTM `proj_size` 0).
        public static let projectionSize = 0
        /// Sizes and regularisation not given are chosen by `TrainingDefaultsRule` (these are
        /// its starting points).
        public static let hiddenSize = LanguageModelConfiguration.defaultHiddenSize
        public static let layers = 2
        /// A full softmax, unless the rule picks the adaptive softmax for a large word vocabulary
        /// (`TrainingDefaultsRule.softmax`).
        public static let softmax = SoftmaxKind.full
        public static let tieWeights = false
        public static let optimizer = OptimizerConfiguration.Kind.adam
        public static let learningRate = 2e-3
        /// No schedule (a constant rate); a schedule's own settings default as in `ScheduleConfiguration`.
        public static let schedule = ScheduleConfiguration()
        /// With a time budget: a cosine to zero after a linear warm-up, both fitted to the
        /// planned steps (`TimeBudgetPlanner`).
        public static let budgetSchedule = ScheduleConfiguration(kind: .cosine)
        public static let microBatches = 1
        public static let maxNorm = 5.0
        public static let epochs = 10
        public static let seed: UInt64 = 1
        public static let keepLast = 3
        /// Evaluate once per epoch, but at least every this many steps.
        public static let maxEvaluationInterval = 500
        /// Validate on at most this many batches (a few hundred thousand tokens).
        public static let maxValidationBatches = 100

        public static func embeddingSize(_ level: TokenizerLevel) -> Int { level == .word ? 256 : 64 }
        public static func sequenceLength(_ level: TokenizerLevel) -> Int { level == .word ? 32 : 64 }
        public static func batchSize(_ level: TokenizerLevel) -> Int { 64 }
        public static func minimumCount(_ level: TokenizerLevel) -> Int { 1 }
        public static func lowercase(_ level: TokenizerLevel) -> Bool { level == .word }
    }
}
