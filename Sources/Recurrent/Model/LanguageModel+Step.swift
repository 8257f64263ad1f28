/// Runs a `LanguageModel` one token at a time for one stream (B = 1), carrying the state:
/// the sampling path.
///
/// It shares the model's weights (single-step cells over each layer, the decoder's matrices)
/// and owns every buffer it writes, allocated once here, so `step` allocates nothing and never
/// disturbs what a training forward recorded. Always evaluation mode: no dropout.
///
///     x = embedding[token]                              (1, E)
///     h_k, c_k = cell_k(x_{k}, h_k, c_k)  for k < L      x_{k+1} = h_k
///     logits = h_{L−1}·Wᵀ + b                           (1, V)   (adaptive softmax: log p)
public final class LanguageModelStepper {
    public let model: LanguageModel
    /// h (L, H) — (L, P) with a projection — and c (L, H) for an LSTM: row k is layer k. Writable, e.g. to restore a saved state.
    public let state: RecurrentState
    /// The logits of the last `step`, (1, V).
    public let logits: Matrix

    private let steps: [(Matrix, RecurrentState) -> RecurrentState]
    private let input: Matrix                               // (1, E)
    private let workspace = AdaptiveLogSoftmaxWithLoss.Workspace()

    public init(model: LanguageModel) {
        self.model = model
        let c = model.configuration
        state = model.zeroState(batchSize: 1)
        logits = Matrix(rows: 1, cols: c.vocabularySize)
        input = Matrix(rows: 1, cols: c.embeddingSize)
        switch model.stack {
        case .lstm(let lstm):
            steps = (0..<c.numLayers).map { k in
                let cell = LSTMCell(sharingWeightsOf: lstm, layer: k)
                return { cell.step($0, state: $1) }
            }
        case .gru(let gru):
            steps = (0..<c.numLayers).map { k in
                let cell = GRUCell(sharingWeightsOf: gru, layer: k)
                return { cell.step($0, state: $1) }
            }
        case .rnn(let rnn):
            steps = (0..<c.numLayers).map { k in
                let cell = RNNCell(sharingWeightsOf: rnn, layer: k)
                return { cell.step($0, state: $1) }
            }
        }
    }

    /// Back to the zero state.
    public func reset() {
        state.h.fill(0)
        state.c?.fill(0)
    }

    /// Feeds `token` and returns the logits for the next one, (1, V) (the `logits` buffer).
    @discardableResult
    public func step(_ token: Int) -> Matrix {
        logits(of: advance(token))
    }

    /// Writes the logits for a top hidden state h (1, H) into `logits` (1, V) and returns it:
    /// the decoder's, or the adaptive softmax's log-probabilities. Reads only the weights.
    @discardableResult
    public func logits(of h: Matrix) -> Matrix {
        model.output.logits(h, into: logits, workspace: workspace)
        return logits
    }

    /// Feeds `token` through the recurrent stack only and returns the top layer's new hidden
    /// state (1, H) (a row of `state.h`), without the (1, V) decoder product: for a sampler
    /// that reads the decoder itself (`DecoderSampler`), or to run through a prime.
    @discardableResult
    public func advance(_ token: Int) -> Matrix {
        let table = model.embedding.weight.value
        precondition(token >= 0 && token < table.rows, "LanguageModelStepper: token \(token) outside 0..<\(table.rows)")
        input.assign(table.row(token))
        var x = input
        for k in 0..<steps.count {
            let h = state.h.row(k), c = state.c?.row(k)
            let next = steps[k](x, RecurrentState(h: h, c: c))
            h.assign(next.h)
            if let c, let nc = next.c { c.assign(nc) }
            x = h
        }
        return x
    }
}
