/// The settings of a language model's adaptive softmax (`AdaptiveLogSoftmaxWithLoss`), stored in
/// the model configuration as `"adaptive_softmax":{"cutoffs":[…],"div_value":4,"head_bias":false}`
/// — PyTorch's constructor arguments, so `nn.AdaptiveLogSoftmaxWithLoss(H, V, **settings)`
/// rebuilds it.
///
/// The cutoffs assume token ids ordered by frequency, most frequent first (the word-level
/// vocabulary is: `<unk>`, then by count): the shortlist `0 ..< c₀` should hold the words that
/// make up most of the text.
public struct AdaptiveSoftmaxConfiguration: Codable, Sendable, Equatable {
    /// c₀ < c₁ < …, each in 1 … V−1.
    public var cutoffs: [Int]
    /// Cluster i projects to ⌊H / divᶦ⁺¹⌋ features (PyTorch's `div_value`, default 4).
    public var divValue: Double
    /// Whether the head has a bias (PyTorch's `head_bias`, default false).
    public var headBias: Bool

    public static let defaultDivValue = 4.0

    public init(cutoffs: [Int], divValue: Double = defaultDivValue, headBias: Bool = false) {
        self.cutoffs = cutoffs
        self.divValue = divValue
        self.headBias = headBias
    }

    /// The cutoffs `recurrent train --softmax adaptive` uses without `--cutoffs`: a shortlist of
    /// the V/10 most frequent tokens, a middle cluster up to V/2 and a rare-word cluster
    /// (for V = 20,000: 2000, 10000, Grave et al.'s proportions). By Zipf's law the shortlist
    /// covers most of the text, so most rows need only the head. Values that collapse on a
    /// tiny vocabulary are dropped; empty below V = 3 (no adaptive softmax possible).
    public static func defaultCutoffs(vocabularySize v: Int) -> [Int] {
        var cutoffs: [Int] = []
        for c in [v / 10, v / 2] where c >= 1 && c <= v - 1 && c > (cutoffs.last ?? 0) { cutoffs.append(c) }
        return cutoffs
    }

    enum CodingKeys: String, CodingKey {
        case cutoffs
        case divValue = "div_value"
        case headBias = "head_bias"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cutoffs = try c.decode([Int].self, forKey: .cutoffs)
        divValue = try c.decodeIfPresent(Double.self, forKey: .divValue) ?? Self.defaultDivValue
        headBias = try c.decodeIfPresent(Bool.self, forKey: .headBias) ?? false
    }
}

/// Which output layer a language model has: `--softmax full|adaptive`.
public enum SoftmaxKind: String, Codable, Sendable, CaseIterable {
    /// A (V, H) linear decoder and a softmax over every token.
    case full
    /// `AdaptiveLogSoftmaxWithLoss`: a head over the frequent tokens and smaller tail clusters.
    case adaptive
}
