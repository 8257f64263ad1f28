/// Runs a `LanguageModel` one token at a time for `streams` independent streams (B = N,
/// usually 1), carrying the state: the sampling path.
///
/// Every product is computed row by row with the batch-1 arithmetic (`productsRowByRow`), so
/// stream i of N gets exactly the floats it gets stepped alone, while each weight is read
/// from memory once per step for all N. It shares the model's weights (single-step cells over each layer, the decoder's matrices)
/// and owns every buffer it writes, allocated once here, so `step` allocates nothing and never
/// disturbs what a training forward recorded. Always evaluation mode: no dropout, and zoneout as
/// its evaluation mix.
///
///     x = embedding[token]                              (1, E)
///     h_k, c_k = cell_k(x_{k}, h_k, c_k)  for k < L      x_{k+1} = h_k
///     logits = h_{L−1}·Wᵀ + b                           (1, V)   (adaptive softmax: log p)
public final class LanguageModelStepper {
    public let model: LanguageModel
    /// N, the number of independent streams.
    public let streams: Int
    /// h (L·N, H) — (L·N, P) with a projection — and c (L·N, H) for an LSTM: rows k·N..<(k+1)·N
    /// are layer k (with one stream, row k is layer k). Writable, e.g. to restore a saved state.
    public let state: RecurrentState
    /// The logits of the last `step`, (N, V).
    public let logits: Matrix

    private let steps: [(Matrix, RecurrentState) -> RecurrentState]
    /// The model's zoneout probabilities: each step's new state is the evaluation mix.
    private let zoneoutHidden: Float, zoneoutCell: Float
    private let input: Matrix                               // (N, E)
    private let workspace = AdaptiveLogSoftmaxWithLoss.Workspace()

    public init(model: LanguageModel, streams: Int = 1) {
        precondition(streams >= 1, "LanguageModelStepper: streams must be at least 1, got \(streams)")
        self.model = model
        self.streams = streams
        let c = model.configuration
        state = model.zeroState(batchSize: streams)
        logits = Matrix(rows: streams, cols: c.vocabularySize)
        input = Matrix(rows: streams, cols: c.embeddingSize)
        zoneoutHidden = c.zoneoutHidden
        zoneoutCell = c.zoneoutCell
        func rowByRow<Cell: RecurrentCellBase>(_ cell: Cell) -> Cell {
            cell.productsRowByRow = true
            return cell
        }
        switch model.stack {
        case .lstm(let lstm):
            steps = (0..<c.numLayers).map { k in
                let cell = rowByRow(LSTMCell(sharingWeightsOf: lstm, layer: k))
                return { cell.step($0, state: $1) }
            }
        case .gru(let gru):
            steps = (0..<c.numLayers).map { k in
                let cell = rowByRow(GRUCell(sharingWeightsOf: gru, layer: k))
                return { cell.step($0, state: $1) }
            }
        case .rnn(let rnn):
            steps = (0..<c.numLayers).map { k in
                let cell = rowByRow(RNNCell(sharingWeightsOf: rnn, layer: k))
                return { cell.step($0, state: $1) }
            }
        }
    }

    /// Back to the zero state.
    public func reset() {
        state.h.fill(0)
        state.c?.fill(0)
    }

    /// Feeds `token` (one stream) and returns the logits for the next one, (1, V) (the
    /// `logits` buffer).
    @discardableResult
    public func step(_ token: Int) -> Matrix {
        computeLogits(advance(token))
    }

    /// Writes the logits for the top hidden states `hidden` (N, H) into `logits` (N, V) and
    /// returns it: row i with the floats of the batch-1 product for stream i alone — the
    /// decoder's, or the adaptive softmax's log-probabilities (computed row by row, with the
    /// stepper's own workspace). Reads only the weights.
    @discardableResult
    public func computeLogits(_ hidden: Matrix) -> Matrix {
        precondition(hidden.rows == streams, "LanguageModelStepper: \(hidden.rows) hidden rows for \(streams) streams")
        switch model.output {
        case .softmax(let decoder):
            gemvRows(logits, hidden, decoder.weight.value)
            if let bias = decoder.bias {
                for i in 0..<streams { logits.row(i).add(bias.value) }
            }
        case .adaptive(let adaptive):
            for i in 0..<streams { adaptive.logProb(hidden.row(i), into: logits.row(i), workspace: workspace) }
        }
        return logits
    }

    /// Feeds `token` through the recurrent stack only and returns the top layer's new hidden
    /// state (1, H) (a row of `state.h`), without the (1, V) decoder product: for a sampler
    /// that reads the decoder itself (`DecoderSampler`), or to run through a prime.
    @discardableResult
    public func advance(_ token: Int) -> Matrix {
        precondition(streams == 1, "LanguageModelStepper: one token for \(streams) streams")
        return advance(CollectionOfOne(token))
    }

    /// Feeds one token to each stream (`tokens[i]` to stream i) through the recurrent stack
    /// and returns the top layer's new hidden states (N, H) (rows of `state.h`).
    @discardableResult
    public func advance(_ tokens: some Collection<Int>) -> Matrix {
        let table = model.embedding.weight.value
        precondition(tokens.count == streams, "LanguageModelStepper: \(tokens.count) tokens for \(streams) streams")
        for (i, token) in tokens.enumerated() {
            precondition(token >= 0 && token < table.rows, "LanguageModelStepper: token \(token) outside 0..<\(table.rows)")
            input.row(i).assign(table.row(token))
        }
        var x = input
        let n = streams
        for k in 0..<steps.count {
            let h = state.h.rows(k * n..<(k + 1) * n), c = state.c?.rows(k * n..<(k + 1) * n)
            let next = steps[k](x, RecurrentState(h: h, c: c))
            Self.update(h, to: next.h, zoneout: zoneoutHidden)
            if let c, let nc = next.c { Self.update(c, to: nc, zoneout: zoneoutCell) }
            x = h
        }
        return x
    }

    /// state ← new, or with zoneout p the evaluation mix (1 − p)·new + p·state, with the
    /// arithmetic of the stack's evaluation forward (`RecurrentStack+Zoneout.swift`).
    private static func update(_ state: Matrix, to new: Matrix, zoneout p: Float) {
        guard p > 0 else { return state.assign(new) }
        let keep = 1 - p
        for r in 0..<state.rows {
            let s = state.pointer + r * state.rowStride, n = new.pointer + r * new.rowStride
            for j in 0..<state.cols { s[j] = keep * n[j] + (1 - keep) * s[j] }
        }
    }
}
