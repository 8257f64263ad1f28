/// A recurrent language model: embedding → LSTM / GRU / RNN stack → dropout → linear decoder,
/// trained to predict each next token.
///
/// Letters: T time steps, B batch (independent streams), V vocabulary, E embedding size,
/// H hidden size, L layers. Token sequences are time-major: step t of stream b is position
/// `t·B + b`, so T·B ids map to T·B rows of logits `(T·B, V)`.
///
///     x = embedding[token]                  (T·B, E)
///     y, state = rnn(x, state)              (T·B, H)   dropout p between layers (training)
///     logits = decoder(dropout(y))          (T·B, V)   = dropout(y)·Wᵀ + b
///
/// In training, AWD-LSTM's regularisers may join in (each off at 0; `LanguageModelConfiguration`):
/// embedding dropout of whole words on `embedding`, variational dropout on x (`inputDropout`)
/// and on every layer's output (between layers inside `rnn`, then `outputDropout` before
/// `dropout`), and weight drop on each W_hh inside `rnn`. Evaluation is the plain model above,
/// except with zoneout (`zoneoutHidden`, `zoneoutCell`), whose evaluation mixes each layer's
/// previous and new state, p·previous + (1 − p)·new, at every step.
///
/// Its parameters are, name for name and shape for shape, the `state_dict` of this PyTorch
/// module (see `docs/checkpoints.md`), so a checkpoint loads into it with `load_state_dict`:
///
/// ```python
/// class ScriptModel(nn.Module):
///     def __init__(self, V, E, H, L, p, cell="lstm"):
///         super().__init__()
///         self.embedding = nn.Embedding(V, E)
///         self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell](E, H, L, dropout=p)
///         self.dropout = nn.Dropout(p)
///         self.decoder = nn.Linear(H, V)
///     def forward(self, tokens, state=None):           # tokens (T, B)
///         y, state = self.rnn(self.embedding(tokens), state)
///         return self.decoder(self.dropout(y)), state  # (T, B, V)
/// ```
///
/// → `embedding.weight` (V, E), `rnn.weight_ih_l0` (G·H, E), `rnn.weight_hh_l0` (G·H, H),
/// `rnn.bias_ih_l0`, `rnn.bias_hh_l0` (G·H), … for each layer, `decoder.weight` (V, H),
/// `decoder.bias` (V); G = 4 (LSTM), 3 (GRU), 1 (RNN). Peephole LSTMs add
/// `rnn.weight_ci_l{k}`, `rnn.weight_cf_l{k}`, `rnn.weight_co_l{k}` (H). With a projection P
/// (`nn.LSTM(E, H, L, dropout=p, proj_size=P)`, decoder `nn.Linear(P, V)`): `rnn.weight_hr_l{k}`
/// (P, H), `rnn.weight_hh_l{k}` (4H, P), layer k > 0 reads P features, `decoder.weight` (V, P).
///
/// With an adaptive softmax the decoder is `nn.AdaptiveLogSoftmaxWithLoss(H, V, cutoffs,
/// div_value, head_bias)`: `decoder.head.weight` (c₀ + K, H), `decoder.head.bias` with a head
/// bias, `decoder.tail.{i}.0.weight`, `decoder.tail.{i}.1.weight`; the model's logits are then its
/// log-probabilities. With tied weights (`self.decoder.weight = self.embedding.weight`, E = H)
/// the one shared matrix is stored once, as `decoder.weight` — the name
/// `safetensors.torch.save_model` keeps for the PyTorch module — and read from
/// `embedding.weight` when a file has only that name.
///
/// Every buffer is owned by a layer and reused from call to call; outputs are views valid until
/// the next call. Backward passes *add* into gradients; the trainer zeroes them.
public final class LanguageModel: ParameterContainer {
    public let configuration: LanguageModelConfiguration
    public let embedding: Embedding
    /// The recurrent stack (an `LSTM`, `GRU` or `RNN`).
    public let rnn: any RecurrentLayer
    /// Dropout on the top layer's output, before the decoder.
    public let dropout: Dropout
    /// AWD-LSTM's regularisers (see `LanguageModelConfiguration`): whole words of the
    /// embedding, variational dropout on the embedding output and on the top layer's output
    /// (between layers it is inside `rnn`, with the weight drop).
    public let embeddingDropout: EmbeddingDropout
    public let inputDropout: LockedDropout
    public let outputDropout: LockedDropout
    /// The output layer: a full softmax's decoder or an adaptive softmax.
    public let output: LanguageModelOutput
    /// The linear decoder of a full softmax (nil with an adaptive softmax).
    public var decoder: Linear? {
        if case .softmax(let decoder) = output { return decoder }
        return nil
    }
    /// Every parameter under its PyTorch `state_dict` name, in `state_dict` order.
    public let parameters: [Parameter]

    /// Training mode draws dropout masks; evaluation mode (`false`) is deterministic and never
    /// touches the generator.
    public var isTraining: Bool = true {
        didSet {
            rnn.isTraining = isTraining
            dropout.isTraining = isTraining
            embeddingDropout.isTraining = isTraining
            inputDropout.isTraining = isTraining
            outputDropout.isTraining = isTraining
        }
    }

    /// When set, training-mode dropout masks are keyed by (seed, step, global stream, time
    /// step) instead of drawn from the generator (`Dropout+Keys.swift`); the trainer sets them.
    public var dropoutKeys: DropoutKeys?

    let stack: Stack

    /// The concrete recurrent module, for the single-step cells.
    enum Stack {
        case lstm(LSTM)
        case gru(GRU)
        case rnn(RNN)
    }

    /// A model initialised as PyTorch initialises `ScriptModel`: embedding N(0, 1), recurrent
    /// weights U(−1/√H, 1/√H), decoder U(−1/√H, 1/√H) — drawn from `generator` in that order.
    /// Tied weights take the decoder's initialisation (an N(0, 1) table would start the logits
    /// at a standard deviation of about √H/√3); an adaptive softmax is drawn as PyTorch's.
    ///
    /// - Throws: `LanguageModelError.invalidConfiguration` when a size is out of range.
    public init(configuration c: LanguageModelConfiguration, generator: inout RandomGenerator) throws(LanguageModelError) {
        let problems = c.problems()
        guard problems.isEmpty else { throw .invalidConfiguration(problems) }
        configuration = c
        embedding = Embedding(vocabularySize: c.vocabularySize, embeddingSize: c.embeddingSize, generator: &generator)
        rnn = c.kind.makeLayer(inputSize: c.embeddingSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers,
                               dropout: c.dropout, projectionSize: c.projectionSize, generator: &generator)
        switch rnn {
        case let lstm as LSTM: stack = .lstm(lstm)
        case let gru as GRU: stack = .gru(gru)
        case let plain as RNN: stack = .rnn(plain)
        default: preconditionFailure("RecurrentCellKind.makeLayer made an unknown layer \(type(of: rnn))")
        }
        dropout = Dropout(c.dropout)
        embeddingDropout = EmbeddingDropout(c.embeddingDropout)
        inputDropout = LockedDropout(c.inputDropout)
        outputDropout = LockedDropout(c.hiddenDropout)
        if c.hiddenDropout > 0 || c.weightDrop > 0 {
            guard let layer = rnn as? RecurrentLayerBase else {
                preconditionFailure("RecurrentCellKind.makeLayer made an unknown layer \(type(of: rnn))")
            }
            layer.setRegularization(lockedDropout: c.hiddenDropout, weightDrop: c.weightDrop)
        }
        if c.zoneoutHidden > 0 || c.zoneoutCell > 0 {
            guard let layer = rnn as? RecurrentLayerBase else {
                preconditionFailure("RecurrentCellKind.makeLayer made an unknown layer \(type(of: rnn))")
            }
            layer.setZoneout(hidden: c.zoneoutHidden, cell: c.zoneoutCell)
        }
        if let a = c.adaptiveSoftmax {
            output = .adaptive(AdaptiveLogSoftmaxWithLoss(inputSize: c.realHiddenSize, classCount: c.vocabularySize,
                                                          cutoffs: a.cutoffs, divValue: a.divValue, headBias: a.headBias,
                                                          generator: &generator))
        } else {
            let decoder = Linear(inputSize: c.realHiddenSize, outputSize: c.vocabularySize, generator: &generator)
            if c.tieWeights {
                // One (V, E = H) matrix: the embedding's lookups and the decoder's products both
                // add into its one gradient.
                embedding.weight.value.assign(decoder.weight.value)
                output = .softmax(Linear(weight: embedding.weight, bias: decoder.bias))
            } else {
                output = .softmax(decoder)
            }
        }
        parameters = (c.tieWeights ? [] : embedding.parameters.map { $0.prefixed("embedding") })
            + rnn.parameters.map { $0.prefixed("rnn") }
            + output.parameters.map { $0.prefixed("decoder") }
    }

    /// V.
    public var vocabularySize: Int { configuration.vocabularySize }

    /// A zero state for `batchSize` streams: h (L·B, H) — (L·B, P) with a projection — and c
    /// (L·B, H) for an LSTM.
    public func zeroState(batchSize: Int) -> RecurrentState {
        let rows = configuration.numLayers * batchSize, h = configuration.hiddenSize
        return RecurrentState(h: Matrix(rows: rows, cols: configuration.realHiddenSize),
                              c: configuration.kind.hasCellState ? Matrix(rows: rows, cols: h) : nil)
    }
}

/// Why a model could not be built or loaded.
public enum LanguageModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Sizes out of range (one message per problem).
    case invalidConfiguration([String])

    public var description: String {
        switch self {
        case .invalidConfiguration(let problems):
            return "invalid model configuration: " + problems.joined(separator: "; ")
        }
    }
}
