/// Generates token ids one at a time from a `LanguageModel` (state carried) for one stream or
/// for N independent streams stepped together: the loop behind text generation, choosing the
/// fastest exact way to draw each token.
///
///     stream.reset(); for id in prime { stream.feed(id) }
///     for _ in 0..<n { let id = stream.next(generator: &g); emit(id); stream.feed(id) }
///
/// With N streams (`feed(_ tokens:)`, `next(generators:into:)`), stream i draws with its own
/// generator and gets exactly the ids it gets alone with that generator: the products run row
/// by row with the batch-1 arithmetic (`LanguageModelStepper`), reading each weight once per
/// step for all N — one pass over the weights instead of N.
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
    /// (N, V) logits (to measure or compare the plain path).
    public init(model: LanguageModel, options: SamplingOptions = SamplingOptions(), allowsRejection: Bool = true,
                streams: Int = 1) {
        self.model = model
        self.options = options
        model.isTraining = false
        stepper = LanguageModelStepper(model: model, streams: streams)
        tokenSampler = TokenSampler(vocabularySize: model.vocabularySize, options: options)
        let c = model.configuration
        decoderSampler = allowsRejection && Self.usesRejection(c, options) ? model.decoder.map { DecoderSampler(decoder: $0, streams: streams) } : nil
        hidden = Self.topLayer(stepper)
    }

    /// N.
    public var streams: Int { stepper.streams }

    /// Bytes of weights one step (one token for each of the N streams) reads, with
    /// `candidatesPerToken` exact logits per rejection draw (1 / the acceptance rate):
    ///
    ///     recurrent stack   every parameter, Float32, once for all N (the row-by-row products)
    ///     embedding         N rows of E
    ///     decoder           softmax: the Float32 weight and bias once for all N (`computeLogits`);
    ///                       rejection (`DecoderSampler`): the int8 rows with their per-row
    ///                       bounds once for all N, plus candidatesPerToken Float32 rows per stream;
    ///                       adaptive softmax: all its parameters, per stream
    ///
    /// What the weights alone make the loop move: activations, states and the (V) proposal
    /// buffer are not counted (they stay in cache).
    public func weightBytesPerStep(candidatesPerToken: Double = 1) -> Double {
        let float = Double(MemoryLayout<Float>.size), n = Double(streams)
        func bytes(_ parameters: [Parameter]) -> Double { Double(parameters.reduce(0) { $0 + $1.value.count }) * float }
        var total = bytes(model.rnn.parameters) + n * Double(model.embedding.weight.value.cols) * float
        if let decoderSampler {
            total += Double(decoderSampler.proposalBytes) + n * candidatesPerToken * Double(decoderSampler.candidateBytes)
        } else {
            switch model.output {
            case .softmax(let decoder): total += bytes(decoder.parameters)
            case .adaptive(let adaptive): total += n * bytes(adaptive.parameters)
            }
        }
        return total
    }

    /// The top layer's rows of the stepper's state, (N, H).
    private static func topLayer(_ stepper: LanguageModelStepper) -> Matrix {
        let n = stepper.streams, top = stepper.model.configuration.numLayers - 1
        return stepper.state.h.rows(top * n..<(top + 1) * n)
    }

    /// Back to the zero state, nothing fed.
    public func reset() {
        stepper.reset()
        fed = false
    }

    /// Advances the state by `token` (one stream).
    public func feed(_ token: Int) {
        hidden = stepper.advance(token)
        fed = true
    }

    /// Advances stream i by `tokens[i]`.
    public func feed(_ tokens: some Collection<Int>) {
        hidden = stepper.advance(tokens)
        fed = true
    }

    /// Draws the token that follows what was fed (one stream; from the zero state when nothing was).
    public func next(generator: inout RandomGenerator) -> Int {
        precondition(streams == 1, "TokenStream: one generator for \(streams) streams")
        return draw(from: currentHidden(), generator: &generator)
    }

    /// Draws the next token of every stream: `tokens[i]` for stream i, drawn with
    /// `generators[i]` (the same id stream i gets alone with that generator).
    public func next(generators: inout [RandomGenerator], into tokens: inout [Int]) {
        precondition(generators.count == streams && tokens.count == streams,
                     "TokenStream: \(generators.count) generators and \(tokens.count) tokens for \(streams) streams")
        let top = currentHidden()
        if let decoderSampler {
            // The int8 proposal rows read once for all N streams.
            decoderSampler.sample(hidden: top, temperature: options.temperature, generators: &generators, into: &tokens)
            return
        }
        stepper.computeLogits(top)
        for i in 0..<streams { tokens[i] = draw(from: top, stream: i, logitsReady: true, generator: &generators[i]) }
    }

    private func currentHidden() -> Matrix {
        if !fed { hidden = Self.topLayer(stepper) }
        return hidden
    }

    /// Stream `stream`'s token from the top hidden states (N, H); `logitsReady`: the stepper's
    /// logits already hold every stream's row.
    private func draw(from top: Matrix, stream: Int = 0, logitsReady: Bool = false,
                      generator: inout RandomGenerator) -> Int {
        if let decoderSampler {
            return decoderSampler.sample(hidden: top.row(stream), temperature: options.temperature, generator: &generator)
        }
        if !logitsReady { stepper.computeLogits(top) }
        return tokenSampler.sample(stepper.logits.row(stream), generator: &generator)
    }
}
