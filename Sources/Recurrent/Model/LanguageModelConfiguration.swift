import Foundation

/// Everything that fixes the shape of a `LanguageModel`: stored in every checkpoint's metadata
/// (key `model`, as JSON) so a checkpoint rebuilds its model without being told the sizes.
///
/// Letters: V vocabulary size, E embedding size, H hidden size, L layers.
///
/// JSON keys are snake_case, as the PyTorch side reads them:
/// `{"cell":"lstm","vocabulary_size":65,"embedding_size":64,"hidden_size":512,"num_layers":2,"dropout":0.2,"peepholes":false}`,
/// plus `"projection_size":P` for an LSTM with a projection, `"input_dropout"`, `"hidden_dropout"`,
/// `"weight_drop"`, `"embedding_dropout"`, `"zoneout_hidden"`, `"zoneout_cell"` when set, `"adaptive_softmax":{…}` for an adaptive
/// softmax and `"tie_weights":true` for tied embedding and decoder weights (each absent when 0
/// or off, so older files read as before).
public struct LanguageModelConfiguration: Codable, Sendable, Equatable {
    /// The recurrence: `.lstm`, `.gru`, `.rnn` or `.rnnRelu` (`.peephole` is stored as `.lstm`
    /// with `peepholes`, the spelling checkpoints keep).
    public var cell: RecurrentCellKind
    /// V: token ids are `0..<vocabularySize`.
    public var vocabularySize: Int
    /// E: the length of each token's embedding vector.
    public var embeddingSize: Int
    /// H: features of each recurrent layer's state.
    public var hiddenSize: Int
    /// L: stacked recurrent layers.
    public var numLayers: Int
    /// p: dropout between recurrent layers and before the decoder, in training only.
    public var dropout: Float
    /// LSTM only: the diagonal cell → gate weights (TF/ONNX style).
    public var peepholes: Bool
    /// P, LSTM only: each layer's h = W_hr (o ⊙ tanh c) has P < H features (PyTorch's
    /// `proj_size`); the decoder then reads P features. 0 for none.
    public var projectionSize: Int
    /// AWD-LSTM's regularisers (Merity, Keskar & Socher 2018), in training only, each in [0, 1):
    /// variational dropout on the embedding output (`dropouti`), variational dropout on every
    /// recurrent layer's output — between layers and before the decoder (`dropouth`) —, weight
    /// drop on W_hh (`wdrop`) and embedding dropout of whole words (`dropoute`). 0 is off.
    public var inputDropout: Float = 0
    public var hiddenDropout: Float = 0
    public var weightDrop: Float = 0
    public var embeddingDropout: Float = 0
    /// Zoneout (Krueger et al. 2017), in [0, 1): the probability that a unit of every layer's h
    /// (`zoneoutHidden`) or, LSTM only, c (`zoneoutCell`) keeps its previous value at a step in
    /// training; evaluation and generation use the expectation p·previous + (1 − p)·new. No
    /// parameters of its own. 0 is off; not with a projection.
    public var zoneoutHidden: Float = 0
    public var zoneoutCell: Float = 0
    /// The adaptive softmax's settings; nil for a full softmax (a (V, H) linear decoder).
    public var adaptiveSoftmax: AdaptiveSoftmaxConfiguration?
    /// Press & Wolf 2017: the embedding table (V, E) is also the decoder's weight (V, H), so
    /// E must equal the decoder's input size (H, or P with a projection). Full softmax only.
    public var tieWeights: Bool

    /// H when not given: the size `recurrent train` uses.
    public static let defaultHiddenSize = 512

    public init(cell: RecurrentCellKind = .lstm, vocabularySize: Int, embeddingSize: Int = 64, hiddenSize: Int = defaultHiddenSize,
                numLayers: Int = 2, dropout: Float = 0, peepholes: Bool = false, projectionSize: Int = 0,
                adaptiveSoftmax: AdaptiveSoftmaxConfiguration? = nil, tieWeights: Bool = false) {
        self.cell = cell == .peephole ? .lstm : cell
        self.vocabularySize = vocabularySize
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.dropout = dropout
        self.peepholes = peepholes || cell == .peephole
        self.projectionSize = projectionSize
        self.adaptiveSoftmax = adaptiveSoftmax
        self.tieWeights = tieWeights
    }

    /// Full or adaptive.
    public var softmax: SoftmaxKind { adaptiveSoftmax == nil ? .full : .adaptive }

    /// The recurrent layers' kind, peepholes included.
    public var kind: RecurrentCellKind { cell == .lstm && peepholes ? .peephole : cell }

    enum CodingKeys: String, CodingKey {
        case cell
        case vocabularySize = "vocabulary_size"
        case embeddingSize = "embedding_size"
        case hiddenSize = "hidden_size"
        case numLayers = "num_layers"
        case dropout
        case peepholes
        case projectionSize = "projection_size"
        case inputDropout = "input_dropout"
        case hiddenDropout = "hidden_dropout"
        case weightDrop = "weight_drop"
        case embeddingDropout = "embedding_dropout"
        case zoneoutHidden = "zoneout_hidden"
        case zoneoutCell = "zoneout_cell"
        case adaptiveSoftmax = "adaptive_softmax"
        case tieWeights = "tie_weights"
    }

    /// The AWD-LSTM regularisers and zoneout, in `CodingKeys` order (key, value).
    var regularizers: [(CodingKeys, Float)] {
        [(.inputDropout, inputDropout), (.hiddenDropout, hiddenDropout), (.weightDrop, weightDrop),
         (.embeddingDropout, embeddingDropout), (.zoneoutHidden, zoneoutHidden), (.zoneoutCell, zoneoutCell)]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let cell = try c.decode(RecurrentCellKind.self, forKey: .cell)
        self.cell = cell == .peephole ? .lstm : cell
        vocabularySize = try c.decode(Int.self, forKey: .vocabularySize)
        embeddingSize = try c.decode(Int.self, forKey: .embeddingSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numLayers = try c.decode(Int.self, forKey: .numLayers)
        dropout = try c.decodeIfPresent(Float.self, forKey: .dropout) ?? 0
        peepholes = try c.decodeIfPresent(Bool.self, forKey: .peepholes) ?? false || cell == .peephole
        projectionSize = try c.decodeIfPresent(Int.self, forKey: .projectionSize) ?? 0
        inputDropout = try c.decodeIfPresent(Float.self, forKey: .inputDropout) ?? 0
        hiddenDropout = try c.decodeIfPresent(Float.self, forKey: .hiddenDropout) ?? 0
        weightDrop = try c.decodeIfPresent(Float.self, forKey: .weightDrop) ?? 0
        embeddingDropout = try c.decodeIfPresent(Float.self, forKey: .embeddingDropout) ?? 0
        zoneoutHidden = try c.decodeIfPresent(Float.self, forKey: .zoneoutHidden) ?? 0
        zoneoutCell = try c.decodeIfPresent(Float.self, forKey: .zoneoutCell) ?? 0
        adaptiveSoftmax = try c.decodeIfPresent(AdaptiveSoftmaxConfiguration.self, forKey: .adaptiveSoftmax)
        tieWeights = try c.decodeIfPresent(Bool.self, forKey: .tieWeights) ?? false
    }

    /// Writes `.peephole` as `"cell":"lstm","peepholes":true`, today's checkpoint spelling, and
    /// `projection_size`, `adaptive_softmax` and `tie_weights` only when in use.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cell == .peephole ? .lstm : cell, forKey: .cell)
        try c.encode(vocabularySize, forKey: .vocabularySize)
        try c.encode(embeddingSize, forKey: .embeddingSize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(numLayers, forKey: .numLayers)
        try c.encode(dropout, forKey: .dropout)
        try c.encode(peepholes || cell == .peephole, forKey: .peepholes)
        if projectionSize != 0 { try c.encode(projectionSize, forKey: .projectionSize) }
        for (key, value) in regularizers where value != 0 { try c.encode(value, forKey: key) }
        if let adaptiveSoftmax { try c.encode(adaptiveSoftmax, forKey: .adaptiveSoftmax) }
        if tieWeights { try c.encode(true, forKey: .tieWeights) }
    }

    /// Features of h, read by the next layer and the decoder: P with a projection, else H.
    public var realHiddenSize: Int { projectionSize > 0 ? projectionSize : hiddenSize }

    /// Number of trainable floats.
    public var parameterCount: Int {
        let g = cell.gateCount, h = hiddenSize, p = realHiddenSize
        var n = vocabularySize * embeddingSize + outputParameterCount
        for k in 0..<numLayers {
            let input = k == 0 ? embeddingSize : p
            n += g * h * (input + p) + 2 * g * h + (kind.hasPeepholes ? 3 * h : 0) + (projectionSize > 0 ? p * h : 0)
        }
        return n
    }

    /// Trainable floats of the output layer: the decoder's weight and bias (the bias alone when
    /// tied to the embedding), or the adaptive softmax's head and tail matrices.
    public var outputParameterCount: Int {
        let p = realHiddenSize
        guard let a = adaptiveSoftmax else { return (tieWeights ? 0 : vocabularySize * p) + vocabularySize }
        let heads = a.cutoffs.count + (a.cutoffs.first ?? 0)
        var n = heads * p + (a.headBias ? heads : 0)
        let sizes = AdaptiveLogSoftmaxWithLoss.projectionSizes(inputSize: p, clusterCount: a.cutoffs.count, divValue: a.divValue)
        for (i, size) in sizes.enumerated() {
            let words = (i + 1 < a.cutoffs.count ? a.cutoffs[i + 1] : vocabularySize) - a.cutoffs[i]
            n += size * p + words * size
        }
        return n
    }

    /// The problems with these sizes, as one message each (empty when valid).
    public func problems() -> [String] {
        var out: [String] = []
        if vocabularySize < 1 { out.append("vocabulary size must be at least 1, got \(vocabularySize)") }
        if embeddingSize < 1 { out.append("embedding size must be at least 1, got \(embeddingSize)") }
        if hiddenSize < 1 { out.append("hidden size must be at least 1, got \(hiddenSize)") }
        if numLayers < 1 { out.append("number of layers must be at least 1, got \(numLayers)") }
        if !(dropout >= 0 && dropout < 1) { out.append("dropout must be in [0, 1), got \(dropout)") }
        for (key, value) in regularizers where !(value >= 0 && value < 1) {
            out.append("\(key.rawValue.replacingOccurrences(of: "_", with: " ")) must be in [0, 1), got \(value)")
        }
        if peepholes && !cell.hasCellState { out.append("peepholes exist only for LSTM cells, not \(cell.rawValue)") }
        if zoneoutCell != 0 && !cell.hasCellState { out.append("cell zoneout needs an LSTM (a \(cell.rawValue) has no cell state)") }
        if (zoneoutHidden != 0 || zoneoutCell != 0) && projectionSize > 0 {
            out.append("zoneout is not available with an LSTM projection (projection size \(projectionSize))")
        }
        if projectionSize != 0 && !cell.hasCellState { out.append("a projection exists only for LSTM cells, not \(cell.rawValue)") }
        if projectionSize < 0 || (projectionSize > 0 && projectionSize >= hiddenSize) {
            out.append("projection size must be 0 (none) or below the hidden size \(hiddenSize), got \(projectionSize)")
        }
        if let a = adaptiveSoftmax, vocabularySize >= 1, realHiddenSize >= 1 {
            out += AdaptiveLogSoftmaxWithLoss.problems(inputSize: realHiddenSize, classCount: vocabularySize,
                                                       cutoffs: a.cutoffs, divValue: a.divValue)
        }
        if tieWeights {
            if adaptiveSoftmax != nil {
                out.append("tied weights need a full softmax (the adaptive softmax has no (V, H) decoder to share with the embedding)")
            } else if embeddingSize != realHiddenSize {
                let what = projectionSize > 0 ? "the projection size \(projectionSize)" : "the hidden size \(hiddenSize)"
                out.append("tied weights need the embedding size (\(embeddingSize)) to equal \(what), the decoder's input; "
                           + "set the embedding size to \(realHiddenSize)"
                           + (cell.hasCellState && projectionSize == 0 && embeddingSize < hiddenSize ? " or an LSTM projection size of \(embeddingSize)" : ""))
            }
        }
        return out
    }

    /// Compact JSON with sorted keys, as stored in checkpoint metadata.
    public func jsonString() throws(MetadataJSONError) -> String { try MetadataJSON.encode(self) }
}
