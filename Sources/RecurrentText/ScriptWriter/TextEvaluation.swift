import Foundation
import Recurrent

/// How well a model predicts a text: the mean negative log-likelihood of every token given all
/// the tokens before it.
public struct TextEvaluation: Sendable, Equatable {
    /// Tokens predicted (every token of the text but the first).
    public var tokenCount: Int
    /// Mean loss, nats per token.
    public var loss: Double
    /// e^loss.
    public var perplexity: Double { exp(loss) }
    /// Char level: loss / ln 2, bits per character. Byte level: bits per byte. Nil at word level.
    public var bitsPerCharacter: Double?
    /// Tokens the vocabulary lacks, mapped to `<unk>` (word level).
    public var unknownCount: Int
    public var level: TokenizerLevel

    /// Evaluates `textModel` on `source`, tokenized with the model's own tokenizer.
    ///
    /// The text is one stream (batch 1), run in chunks of `chunkLength` tokens with the state
    /// carried, so every token is predicted from its whole prefix.
    ///
    /// - Throws: `TextError` for an unreadable, empty or non-UTF-8 file, or (char level) one
    ///   with characters the vocabulary lacks; `.corpusTooShort` for a text of one token.
    public static func evaluate(_ textModel: TextModel, on source: TextSource, chunkLength: Int = 256) throws(TextError) -> TextEvaluation {
        let corpus = try Corpus.load(source, tokenizer: textModel.tokenizer, unknown: .mapToUnknown)
        let tokens = corpus.tokens
        guard tokens.count >= 2 else {
            throw .corpusTooShort(part: "evaluation", tokenCount: tokens.count, needed: 2, batchSize: 1, sequenceLength: 1)
        }
        let model = textModel.model
        let wasTraining = model.isTraining
        model.isTraining = false
        defer { model.isTraining = wasTraining }
        let state = model.zeroState(batchSize: 1)
        var inputs = [Int32](repeating: 0, count: chunkLength), targets = inputs
        var generator = RandomGenerator(seed: 0)     // evaluation mode draws nothing
        var total: Double = 0
        var start = 0
        let predicted = tokens.count - 1
        while start < predicted {
            let n = min(chunkLength, predicted - start)
            for i in 0..<n {
                inputs[i] = tokens[start + i]
                targets[i] = tokens[start + i + 1]
            }
            let (loss, final) = inputs.withUnsafeBufferPointer { x in
                targets.withUnsafeBufferPointer { y in
                    model.loss(inputs: UnsafeBufferPointer(rebasing: x[0..<n]), targets: UnsafeBufferPointer(rebasing: y[0..<n]),
                               batchSize: 1, initialState: state, generator: &generator)
                }
            }
            total += Double(loss) * Double(n)
            state.h.assign(final.h)
            if let c = state.c, let fc = final.c { c.assign(fc) }
            start += n
        }
        let loss = total / Double(predicted)
        let level = textModel.tokenizer.level
        return TextEvaluation(tokenCount: predicted, loss: loss,
                              bitsPerCharacter: level == .word ? nil : loss / log(2),
                              unknownCount: corpus.unknownCount, level: level)
    }
}
