import Recurrent

/// Everything `recurrent inspect` shows about one model on one text: the tokens, every unit's
/// states and gates at every token, the units that best track features of the text, and how
/// saturated the gates are.
///
/// ```swift
/// let textModel = try TextModel.load("checkpoints/scripts")
/// let inspection = try Inspection(textModel: textModel, text: "ROMEO:\nBut soft! …")
/// let best = inspection.matches[.speakerName]?.first   // the unit that best tracks speaker names
/// ```
public struct Inspection: Sendable {
    /// The tokens read, and each one's text as decoded (empty for a byte that ends inside a
    /// UTF-8 sequence: the next byte's text holds the whole character).
    public let tokens: [Int]
    public let tokenTexts: [String]
    public let trace: StateTrace
    public let features: [TextFeature: [Float]]
    /// The best units per feature, best first (features that do not vary in the text are absent).
    public let matches: [TextFeature: [UnitMatch]]
    public let saturation: GateSaturation
    /// Characters or words of the text the model's vocabulary lacks, dropped (char level) or
    /// read as `<unk>` (word level).
    public let unknown: [String]

    /// Reads `text` (at most `maxTokens` tokens of it) with the model, from a zero state.
    ///
    /// - Throws: `TextError.unknownTokens` when no token of the text is in the vocabulary.
    public init(textModel: TextModel, text: String, maxTokens: Int = 2000, unitsPerFeature: Int = 3) throws(TextError) {
        let tokenizer = textModel.tokenizer
        var unknown: [String] = []
        var ids: [Int]
        do {
            ids = try tokenizer.encode(text, unknown: .mapToUnknown)
        } catch .unknownTokens(_, let missing, _) {
            // Char and byte level have no <unk>: drop what the vocabulary lacks, and say so.
            unknown = missing
            let known = Set(tokenizer.vocabulary)
            let kept = String(text.filter { known.contains(String($0)) })
            ids = try tokenizer.encode(kept, unknown: .mapToUnknown)
        }
        if tokenizer.level == .word, let unk = tokenizer.vocabulary.firstIndex(of: "<unk>"), ids.contains(unk) {
            unknown = ["<unk>"]
        }
        guard !ids.isEmpty else {
            throw .unknownTokens(level: tokenizer.level, tokens: unknown.isEmpty ? [text] : unknown, total: unknown.count)
        }
        if ids.count > maxTokens { ids.removeLast(ids.count - maxTokens) }
        var decoder = tokenizer.makeDecoder()
        var texts = ids.map { decoder.append($0) }
        let rest = decoder.finish()
        if !rest.isEmpty { texts[texts.count - 1] += rest }

        self.tokens = ids
        self.tokenTexts = texts
        self.unknown = unknown
        trace = StateTrace(model: textModel.model, tokens: ids)
        features = TextFeature.values(tokens: texts)
        matches = UnitSearch.bestUnits(trace: trace, features: features, count: unitsPerFeature)
        saturation = GateSaturation(trace: trace)
    }
}
