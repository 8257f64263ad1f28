import Recurrent
import RecurrentText
import Testing

/// The defaults rule: sizes by level and text size, regularisation by expected passes, and
/// explicit options winning.
@Suite struct TrainingDefaultsRuleTests {
    static func rule(_ level: TokenizerLevel, tokens: Int, vocabulary: Int, _ edit: (inout TextTrainingOptions) -> Void = { _ in })
    -> TrainingDefaultsRule {
        var o = TextTrainingOptions(corpusPath: "unused")
        edit(&o)
        return TrainingDefaultsRule(options: o, level: level, trainingTokens: tokens, vocabularySize: vocabulary)
    }

    @Test func sizesFollowLevelTextAndBudget() {
        let char = Self.rule(.char, tokens: 1_000_000, vocabulary: 65)
        #expect(char.hiddenSize == 512 && char.embeddingSize == 64 && char.layers == 2 && char.sequenceLength == 64)
        #expect(Self.rule(.char, tokens: 100_000, vocabulary: 65).hiddenSize == 256)
        #expect(Self.rule(.char, tokens: 1_000_000, vocabulary: 65) { $0.timeBudget = 120 }.hiddenSize == 256)
        let word = Self.rule(.word, tokens: 900_000, vocabulary: 20_000)
        #expect(word.hiddenSize == 256 && word.embeddingSize == 256 && word.sequenceLength == 32)
        #expect(Self.rule(.word, tokens: 6_000_000, vocabulary: 20_000).hiddenSize == 512)
        #expect(word.reasons.contains { $0.hasPrefix("hidden size 256 because word level and 900000 training tokens") })
    }

    /// r = clamp(log₂(passes)/log₂(F), 0, 1) times the full strength, rounded to 0.05; full
    /// strength from F = 16 passes at word level, 64 at char and byte level.
    @Test func regularisationGrowsWithThePasses() {
        let one = Self.rule(.char, tokens: 1_000_000, vocabulary: 65) { $0.epochs = 1 }
        #expect(one.expectedPasses == 1)
        #expect([one.hiddenDropout, one.weightDrop, one.inputDropout, one.embeddingDropout, one.dropout] == [0, 0, 0, 0, 0])
        let sixteen = Self.rule(.word, tokens: 1_000_000, vocabulary: 20_000) { $0.epochs = 16 }
        #expect([sixteen.hiddenDropout, sixteen.weightDrop, sixteen.inputDropout, sixteen.embeddingDropout] == [0.3, 0.4, 0.3, 0.1])
        let fourWords = Self.rule(.word, tokens: 1_000_000, vocabulary: 20_000) { $0.epochs = 4 }   // r = 0.5
        #expect([fourWords.hiddenDropout, fourWords.weightDrop, fourWords.inputDropout, fourWords.embeddingDropout] == [0.15, 0.2, 0.15, 0.05])
        // Char level: r = log₂(8)/6 = 0.5 at 8 passes, full strength from 64, none at one.
        let eight = Self.rule(.char, tokens: 1_000_000, vocabulary: 65) { $0.epochs = 8 }
        #expect([eight.hiddenDropout, eight.weightDrop, eight.inputDropout] == [0.15, 0.15, 0.05])
        let sixteenChars = Self.rule(.char, tokens: 1_000_000, vocabulary: 65) { $0.epochs = 16 }     // r = 2/3
        #expect([sixteenChars.hiddenDropout, sixteenChars.weightDrop, sixteenChars.inputDropout] == [0.15, 0.2, 0.05])
        let sixtyFour = Self.rule(.byte, tokens: 1_000_000, vocabulary: 256) { $0.epochs = 64 }
        #expect([sixtyFour.hiddenDropout, sixtyFour.weightDrop, sixtyFour.inputDropout, sixtyFour.embeddingDropout] == [0.25, 0.3, 0.1, 0])
        #expect(TrainingDefaultsRule.fullStrengthPasses(.word) == 16 && TrainingDefaultsRule.fullStrengthPasses(.char) == 64)
        // tinyshakespeare's quiet 20-minute plan on Zen 4 (docs/script-writer.md): 2,048 steps of
        // 64 × 64 over 1,003,520 training tokens, 8.4 passes: 51% (the word curve's 77% gave
        // 0.2, 0.25, 0.1).
        let plan = Self.rule(.char, tokens: 1_003_520, vocabulary: 65) { $0.steps = 2048 }
        #expect(abs(plan.expectedPasses - 8.36) < 0.01)
        #expect([plan.hiddenDropout, plan.weightDrop, plan.inputDropout, plan.embeddingDropout] == [0.15, 0.15, 0.05, 0])
        #expect(plan.reasons.last!.hasSuffix("(strength 51%)"))
        // With a budget the passes come from the model's cost at the assumed rate.
        let budgeted = Self.rule(.char, tokens: 1_000_000, vocabulary: 65) { $0.timeBudget = 1200 }
        let decoder: Double = 512 * 65, first: Double = 4 * 512 * (64 + 512), second: Double = 4 * 512 * (512 + 512)
        let flops: Double = 6 * (decoder + first + second)
        let passes: Double = 1200 * TrainingDefaultsRule.assumedFLOPRate / flops / 1_000_000
        #expect(abs(budgeted.expectedPasses - passes) < 1e-9)
        #expect(budgeted.reasons.last!.contains("passes over the text expected in the budget"))
    }

    /// Explicit options win; any dropout option takes regularisation out of the rule.
    @Test func explicitOptionsWin() {
        let r = Self.rule(.word, tokens: 900_000, vocabulary: 20_000) {
            $0.hiddenSize = 128; $0.embeddingSize = 64; $0.layers = 3; $0.sequenceLength = 50; $0.weightDrop = 0.2
            $0.softmax = .full
        }
        #expect(r.softmax == .full)
        #expect(r.hiddenSize == 128 && r.embeddingSize == 64 && r.layers == 3 && r.sequenceLength == 50)
        #expect(r.weightDrop == 0.2 && r.hiddenDropout == 0 && r.inputDropout == 0 && r.dropout == 0)
        #expect(r.reasons.isEmpty)
    }

    /// With a budget and a measured plan, the passes are the planned tokens over the text's.
    @Test func measuredPlanGivesThePasses() {
        let measured = TrainingDefaultsRule(options: { var o = TextTrainingOptions(corpusPath: "unused"); o.timeBudget = 1200; return o }(),
                                            level: .char, trainingTokens: 1_000_000, vocabularySize: 65, plannedTokens: 8_000_000)
        #expect(measured.expectedPasses == 8 && measured.regularisesByRule)
        #expect([measured.hiddenDropout, measured.weightDrop, measured.inputDropout] == [0.15, 0.15, 0.05])   // r = 0.5
        #expect(measured.reasons.last!.contains("at the measured speed"))
        let slower = TrainingDefaultsRule(options: { var o = TextTrainingOptions(corpusPath: "unused"); o.timeBudget = 1200; return o }(),
                                          level: .char, trainingTokens: 1_000_000, vocabularySize: 65, plannedTokens: 1_000_000)
        #expect(slower.expectedPasses == 1 && slower.hiddenDropout == 0 && !slower.sameRegularisation(as: measured))
        #expect(!Self.rule(.char, tokens: 1_000_000, vocabulary: 65) { $0.zoneout = 0.1 }.regularisesByRule)
    }

    /// Word level: the adaptive softmax when the full decoder (H·V multiply-adds per token)
    /// costs at least the recurrent stack (Σ G·H·(I + H)); never at char level, with tied
    /// weights or when --softmax is given.
    @Test func adaptiveSoftmaxWhenTheDecoderCostsAsMuchAsTheStack() {
        // 2 × LSTM(256), E 256: the stack is 4·256·512·2 = 1,048,576 multiply-adds, so V ≥ 4,096.
        #expect(Self.rule(.word, tokens: 900_000, vocabulary: 20_000).softmax == .adaptive)
        #expect(Self.rule(.word, tokens: 900_000, vocabulary: 4_096).softmax == .adaptive)
        #expect(Self.rule(.word, tokens: 900_000, vocabulary: 4_095).softmax == .full)
        #expect(Self.rule(.word, tokens: 900_000, vocabulary: 20_000).reasons.contains { $0.hasPrefix("softmax adaptive because word level") })
        // 2 × LSTM(512) from 5M tokens: V ≥ 8,192.
        #expect(Self.rule(.word, tokens: 6_000_000, vocabulary: 8_000).softmax == .full)
        #expect(Self.rule(.word, tokens: 6_000_000, vocabulary: 8_192).softmax == .adaptive)
        #expect(Self.rule(.char, tokens: 1_000_000, vocabulary: 20_000).softmax == .full)
        #expect(Self.rule(.word, tokens: 900_000, vocabulary: 20_000) { $0.tieWeights = true }.softmax == .full)
        #expect(Self.rule(.word, tokens: 900_000, vocabulary: 20_000) { $0.softmax = .full }.softmax == .full)
        // A decoder dearer than the stack, but H = 8 is too narrow for the second cluster's ⌊H/16⌋.
        #expect(Self.rule(.word, tokens: 900_000, vocabulary: 100) { $0.hiddenSize = 8; $0.layers = 1 }.softmax == .full)
    }
}
