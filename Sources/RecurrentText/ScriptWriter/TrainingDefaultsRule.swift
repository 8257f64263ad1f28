import Foundation
import Recurrent

/// The rule that picks a new run's model size and regularisation from the token level, the
/// training text's size and the time budget (docs/script-writer.md, "Defaults by rule"), and
/// says why. Options given explicitly always win; the rule fills in only what was not given.
///
/// 1. Size. Char and byte level: 2 × 512, embedding 64, sequences of 64 — 2 × 256 when the
///    training text has fewer than 300k tokens or the budget is under 5 minutes. Word level:
///    2 × 256 with embedding 256 (a 20k-word softmax makes each step dear: a 2 × 512 model
///    would see a 1M-word text ~3 times in 20 minutes), sequences of 32; 2 × 512 from 5M
///    training tokens on, when the text rather than the model limits the loss.
/// 2. Output layer. Word level: the adaptive softmax (default cutoffs V/10, V/2) when the full
///    decoder's multiply-adds per token, H·V, are at least the recurrent stack's,
///    Σ_k G·H·(I_k + H) — the softmax would be half the step or more (for 2 × LSTM(256): V ≥
///    4,096; for 2 × LSTM(512): V ≥ 8,192). Not with --tie-weights (it needs the full softmax).
///    Char and byte level: the full softmax.
/// 3. Passes. The run is expected to make X = tokens trained / training tokens passes over
///    the text: with a budget, tokens trained = the planned steps × B × T, planned from the
///    throughput the speed probe measured on the model (`plannedTokens`; without a
///    measurement, estimated at `assumedFLOPRate` from 6 × the model's multiply-adds per
///    token); without a budget, X = the epochs, or the steps' tokens over the text's.
/// 4. Regularisation grows with the passes, r = clamp(log₂(X) / log₂(F), 0, 1) (none for one
///    pass or less, full strength from F passes on: F = 16 at word level, 64 at char and byte
///    level), AWD-LSTM's regularisers at r × their full strength, rounded to 0.05:
///
///    | level | hidden dropout | weight drop | input dropout | embedding dropout | dropout |
///    |---|---|---|---|---|---|
///    | char, byte | 0.25 | 0.3 | 0.1 | 0 | 0 |
///    | word | 0.3 | 0.4 | 0.3 | 0.1 | 0 |
///
///    F differs by level because a word model memorises its text in fewer passes: its
///    embedding and softmax hold a row per word, and a rare word's rows fit its few
///    occurrences within a few passes (measured: at full strength the word runs of
///    docs/script-writer.md are best after ~10 passes and then overfit), while every weight of a
///    char model is shared by all of its tokens (measured: after 10 passes a char model with only
///    dropout 0.2 is still improving on validation; docs/script-writer.md, "The 20-minute goals").
///
///    Giving any of --dropout, --input-dropout, --hidden-dropout, --weight-drop,
///    --embedding-dropout or --zoneout(-hidden, -cell) takes regularisation out of the rule's
///    hands: the others are 0. The rule never chooses zoneout.
public struct TrainingDefaultsRule: Sendable, Equatable {
    public var hiddenSize: Int
    public var embeddingSize: Int
    public var layers: Int
    public var sequenceLength: Int
    public var dropout: Float
    public var inputDropout: Float
    public var hiddenDropout: Float
    public var weightDrop: Float
    public var embeddingDropout: Float
    /// The output layer (when `--softmax` is not given): adaptive at word level for a
    /// vocabulary whose full softmax would cost as much as the recurrent stack.
    public var softmax: SoftmaxKind
    /// Whether the rule chose the regularisation (no regularisation option was given): then a
    /// budgeted run chooses it again from the measured throughput (`plannedTokens`).
    public var regularisesByRule: Bool
    /// The expected passes over the training text.
    public var expectedPasses: Double
    /// One line per choice the rule made: "hidden size 256 because …".
    public var reasons: [String] = []

    /// Training FLOP/s assumed to estimate the passes of a budgeted run when no measured plan is
    /// given (`plannedTokens` nil): about what two cores of the project's machines sustain
    /// (docs/performance.md). `recurrent train --time` measures instead.
    public static let assumedFLOPRate = 1e11

    /// The rule for a new run of `options` on a text whose training part has `trainingTokens`
    /// tokens and whose vocabulary has `vocabularySize`. `plannedTokens`: with a budget, the
    /// tokens the run will train, planned from a measured step time (nil: estimated).
    public init(options o: TextTrainingOptions, level: TokenizerLevel, trainingTokens: Int, vocabularySize: Int,
                plannedTokens: Double? = nil) {
        typealias D = TextTrainingOptions.Defaults
        let budget = o.timeBudget
        var reasons: [String] = []
        let words = level == .word
        let small = words ? trainingTokens < 5_000_000 : (trainingTokens < 300_000 || (budget ?? .infinity) < 300)
        let size = words ? (small ? 256 : 512) : (small ? 256 : D.hiddenSize)
        hiddenSize = o.hiddenSize ?? size
        embeddingSize = o.embeddingSize ?? (words ? hiddenSize : D.embeddingSize(level))
        layers = o.layers ?? D.layers
        sequenceLength = o.sequenceLength ?? D.sequenceLength(level)
        if o.hiddenSize == nil {
            let why: String
            switch (words, small) {
            case (true, true): why = "word level and \(trainingTokens) training tokens (< 5M): a big softmax makes every step dear"
            case (true, false): why = "word level and \(trainingTokens) training tokens (≥ 5M)"
            case (false, true): why = budget.map { $0 < 300 ? "a budget under 5 minutes" : "" } ?? ""
                + (trainingTokens < 300_000 ? "\(trainingTokens) training tokens (< 300k)" : "")
            case (false, false): why = "\(level.rawValue) level and \(trainingTokens) training tokens"
            }
            reasons.append("hidden size \(hiddenSize) because \(why.isEmpty ? "of the text's size" : why)")
        }
        if o.embeddingSize == nil {
            reasons.append("embedding size \(embeddingSize) because " + (words ? "word level: as wide as the hidden state" : "\(level.rawValue) level"))
        }

        // Multiply-adds per token of the recurrent stack and of a full decoder.
        let gates = (o.cell ?? D.cell).gateCount
        let decoderInput = (o.projectionSize ?? 0) > 0 ? o.projectionSize! : hiddenSize
        let decoderMACs = Double(decoderInput * vocabularySize)
        var stackMACs = 0.0
        for k in 0..<layers { stackMACs += Double(gates * hiddenSize * ((k == 0 ? embeddingSize : decoderInput) + decoderInput)) }
        let cutoffs = AdaptiveSoftmaxConfiguration.defaultCutoffs(vocabularySize: vocabularySize)
        let adaptiveByRule = words && o.softmax == nil && o.cutoffs == nil && o.tieWeights != true && decoderMACs >= stackMACs
            && !cutoffs.isEmpty && AdaptiveLogSoftmaxWithLoss.problems(inputSize: decoderInput, classCount: vocabularySize, cutoffs: cutoffs,
                                                                      divValue: AdaptiveSoftmaxConfiguration.defaultDivValue).isEmpty
        softmax = o.softmax ?? (o.cutoffs != nil || adaptiveByRule ? .adaptive : D.softmax)
        if adaptiveByRule {
            reasons.append("softmax adaptive because word level with a vocabulary of \(vocabularySize): a full softmax "
                           + String(format: "(%.1fM multiply-adds per token) would cost as much as the recurrent stack (%.1fM) or more",
                                    decoderMACs / 1e6, stackMACs / 1e6))
        }

        // The passes over the text the run is expected to make.
        let passes: Double
        if let budget {
            if let plannedTokens {
                passes = plannedTokens / Double(max(1, trainingTokens))
            } else {
                passes = budget * Self.assumedFLOPRate / (6 * (stackMACs + decoderMACs)) / Double(max(1, trainingTokens))
            }
        } else if let steps = o.steps {
            passes = Double(steps * (o.batchSize ?? D.batchSize(level)) * sequenceLength) / Double(max(1, trainingTokens))
        } else {
            passes = Double(o.epochs ?? D.epochs)
        }
        expectedPasses = passes

        let userRegularises = [o.dropout, o.inputDropout, o.hiddenDropout, o.weightDrop, o.embeddingDropout,
                               o.zoneout, o.zoneoutHidden, o.zoneoutCell].contains { $0 != nil }
        regularisesByRule = !userRegularises
        if userRegularises {
            dropout = o.dropout ?? 0
            inputDropout = o.inputDropout ?? 0
            hiddenDropout = o.hiddenDropout ?? 0
            weightDrop = o.weightDrop ?? 0
            embeddingDropout = o.embeddingDropout ?? 0
        } else {
            let r = min(1, max(0, Foundation.log2(max(passes, 1e-9)) / Foundation.log2(Self.fullStrengthPasses(level))))
            func scaled(_ full: Float) -> Float { (Float(r) * full * 20).rounded() / 20 }
            dropout = 0
            hiddenDropout = scaled(words ? 0.3 : 0.25)
            weightDrop = scaled(words ? 0.4 : 0.3)
            inputDropout = scaled(words ? 0.3 : 0.1)
            embeddingDropout = scaled(words ? 0.1 : 0)
            let how: String
            switch (budget, plannedTokens) {
            case (.some, .some): how = String(format: "~%.1f passes over the text in the budget at the measured speed", passes)
            case (.some, nil): how = String(format: "~%.1f passes over the text expected in the budget", passes)
            default: how = String(format: "%.1f passes over the text", passes)
            }
            reasons.append("hidden dropout \(Self.plain(hiddenDropout)), weight drop \(Self.plain(weightDrop)), input dropout \(Self.plain(inputDropout)), "
                           + "embedding dropout \(Self.plain(embeddingDropout)) because \(how) (strength \(Int((r * 100).rounded()))%)")
        }
        self.reasons = reasons
    }

    /// The passes over the text from which the rule regularises at full strength: 16 at word
    /// level, 64 at char and byte level (a char model memorises its text more slowly per pass).
    public static func fullStrengthPasses(_ level: TokenizerLevel) -> Double {
        level == .word ? 16 : 64
    }

    /// Whether `other` chose the same regularisation.
    public func sameRegularisation(as other: TrainingDefaultsRule) -> Bool {
        (dropout, inputDropout, hiddenDropout, weightDrop, embeddingDropout)
            == (other.dropout, other.inputDropout, other.hiddenDropout, other.weightDrop, other.embeddingDropout)
    }

    private static func plain(_ x: Float) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}
