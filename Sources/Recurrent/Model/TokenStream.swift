/// Generates token ids one at a time from a `LanguageModel` (batch 1, state carried): the loop
/// behind text generation, choosing the fastest exact way to draw each token.
///
///     stream.reset(); for id in prime { stream.feed(id) }
///     for _ in 0..<n { let id = stream.next(generator: &g); emit(id); stream.feed(id) }
///
/// Plain temperature sampling from a large decoder (V·H ≥ `rejectionThreshold`) draws with
/// `DecoderSampler` — the same softmax distribution from a quarter of the decoder's bytes per
/// token; everything else (small vocabularies, top-k, top-p, greedy) computes the (1, V)
/// logits and draws with `TokenSampler`. Either way a seed gives the same ids every run.
/// Allocates nothing per token.
public final class TokenStream {
    public let model: LanguageModel
    public let options: SamplingOptions
    public let stepper: LanguageModelStepper
    private let tokenSampler: TokenSampler
    /// Non-nil when tokens are drawn by rejection from the int8 proposal.
    public let decoderSampler: DecoderSampler?
    private var hidden: Matrix
    private var fed = false

    /// Decoders with at least this many weights (V·H) use `DecoderSampler` for plain sampling:
    /// below it the Float32 weight is small enough to read in full (a character model's
    /// 65 × 512 is 33K).
    public static let rejectionThreshold = 1 << 20

    /// Whether tokens for a model of configuration `c` drawn with `options` go through
    /// `DecoderSampler`: plain temperature sampling (no top-k, top-p or greedy) and a full
    /// softmax's decoder of at least `rejectionThreshold` weights. (An adaptive softmax's
    /// log-probabilities cost a fraction of a full decoder's product already.)
    public static func usesRejection(_ c: LanguageModelConfiguration, _ options: SamplingOptions) -> Bool {
        let plain = !options.greedy && options.topK == nil && (options.topP ?? 1) >= 1
        return plain && c.adaptiveSoftmax == nil && c.vocabularySize * c.hiddenSize >= rejectionThreshold
    }

    /// `model` is switched to evaluation mode. `allowsRejection: false` always computes the
    /// (1, V) logits (to measure or compare the plain path).
    public init(model: LanguageModel, options: SamplingOptions = SamplingOptions(), allowsRejection: Bool = true) {
        self.model = model
        self.options = options
        model.isTraining = false
        stepper = LanguageModelStepper(model: model)
        tokenSampler = TokenSampler(vocabularySize: model.vocabularySize, options: options)
        let c = model.configuration
        decoderSampler = allowsRejection && Self.usesRejection(c, options) ? model.decoder.map { DecoderSampler(decoder: $0) } : nil
        hidden = stepper.state.h.row(c.numLayers - 1)
    }

    /// Back to the zero state, nothing fed.
    public func reset() {
        stepper.reset()
        fed = false
    }

    /// Advances the state by `token`.
    public func feed(_ token: Int) {
        hidden = stepper.advance(token)
        fed = true
    }

    /// Draws the token that follows what was fed (from the zero state when nothing was).
    public func next(generator: inout RandomGenerator) -> Int {
        if !fed { hidden = stepper.state.h.row(model.configuration.numLayers - 1) }
        if let decoderSampler {
            return decoderSampler.sample(hidden: hidden, temperature: options.temperature, generator: &generator)
        }
        return tokenSampler.sample(stepper.logits(of: hidden), generator: &generator)
    }
}
