/// One layer's weights, both directions stacked, as views into the stack's flat allocations.
///
/// Stacking the directions makes the input projection of both one GEMM, and the W_ih and bias
/// gradients one GEMM / one reduction. Each `*Gradient` has the shape of its value.
struct RecurrentLayerWeights {
    /// `(D·G·H, I_k)`: [W_ih; W_ih_reverse].
    let inputWeight, inputWeightGradient: Matrix
    /// `(D·G·H, H)`: [W_hh; W_hh_reverse].
    let hiddenWeight, hiddenWeightGradient: Matrix
    /// `(1, D·G·H)`: [b_ih | b_ih_reverse]; zeros (not parameters) when the layer has no bias.
    let inputBias, inputBiasGradient: Matrix
    /// `(1, D·G·H)`: [b_hh | b_hh_reverse]; zeros when the layer has no bias.
    let hiddenBias, hiddenBiasGradient: Matrix
    /// `(D, 3H)`: row d = [w_ci | w_cf | w_co] of direction d (LSTM with peepholes only).
    let peepholes, peepholesGradient: Matrix?
    /// `(D·P, H)`: [W_hr; W_hr_reverse], the LSTM's projection (only with a projection size P).
    var projection: Matrix? = nil, projectionGradient: Matrix? = nil
}

/// The machinery shared by `LSTM`, `GRU` and `RNN`: parameters, layers × directions, inter-layer
/// dropout, layouts, and the caches forward records for backward.
///
/// Memory: all parameter values live in one `Storage` and all gradients in another with the
/// same offsets (layer by layer: W_ih of both directions, W_hh, b_ih, b_hh, peepholes, W_hr), so an
/// optimizer or checkpoint may treat them as one flat vector. Each `Parameter` is a view.
final class RecurrentStack {
    let kind: RecurrentCellKind
    let inputSize, hiddenSize, numLayers: Int
    /// P: the LSTM's projection size (PyTorch's `proj_size`), 0 for none.
    let projectionSize: Int
    let bidirectional, hasBias: Bool
    let dropout: Float
    var batchFirst: Bool
    var isTraining = true

    let values: Storage
    let gradients: Storage
    let weights: [RecurrentLayerWeights]
    /// PyTorch `state_dict` order: per layer, per direction: weight_ih, weight_hh, bias_ih,
    /// bias_hh, (projection) weight_hr, then (peepholes) weight_ci, weight_cf, weight_co.
    let parameters: [Parameter]
    /// The indices in `parameters` of layer k's parameters (both directions).
    let layerParameters: [Range<Int>]
    /// Told when each layer's gradients are final during `backward`, and polled between its time
    /// steps (data-parallel training starts each layer's gradient sum then); nil outside it.
    var backwardObserver: (any BackwardObserver)?
    let dropouts: [Dropout]
    /// Variational dropout between layers (one mask per sequence, `LockedDropout`), after
    /// `dropouts`; empty when off. Set with `setRegularization`.
    var lockedDropouts: [LockedDropout] = []
    /// DropConnect on every W_hh in training (`RecurrentStack+WeightDrop.swift`), in [0, 1).
    var weightDrop: Float = 0
    /// Keys of each layer's weight-drop mask (`DropoutKeys.batchKeys`); nil draws them.
    var weightDropKeys: [DropoutRowKeys]?
    /// Whether the last forward ran with dropped W_hh (so backward must too).
    var weightDropped = false
    /// Per layer: the mask `(D·G·H, P)` and M ⊙ W_hh of the last forward; and the gradient
    /// with respect to the dropped weights, before the mask.
    let hiddenMaskSpace: [GrowableBuffer], droppedHiddenSpace: [GrowableBuffer]
    let dDroppedHiddenSpace = GrowableBuffer()
    /// Zoneout (`RecurrentStack+Zoneout.swift`): the probability that a unit of h, or of an
    /// LSTM's c, keeps its previous value at a step, in [0, 1); 0 is off. Set with `setZoneout`.
    var zoneoutHidden: Float = 0, zoneoutCell: Float = 0
    /// Per layer, the row keys of the h and c masks (the model sets them for keyed masks); nil:
    /// masks from the generator.
    var zoneoutKeys: [(hidden: DropoutRowKeys, cell: DropoutRowKeys)]?
    /// Per layer `(T·B, D·H)`: the masks and the cells' new values h̃, c̃ of the last forward;
    /// backward scratch `(B, H)`.
    let zoneoutHiddenMaskSpace: [GrowableBuffer], zoneoutCellMaskSpace: [GrowableBuffer]
    let candidateHiddenSpace: [GrowableBuffer], candidateCellSpace: [GrowableBuffer]
    let zoneoutDHiddenSpace = GrowableBuffer(), zoneoutDirectHiddenSpace = GrowableBuffer()
    let zoneoutDirectCellSpace = GrowableBuffer()

    var numDirections: Int { bidirectional ? 2 : 1 }
    var gateCount: Int { kind.gateCount }
    /// Features of h: P with a projection, else H (PyTorch's `real_hidden_size`). The cell c has H.
    var realHiddenSize: Int { projectionSize > 0 ? projectionSize : hiddenSize }

    // What the last forward recorded.
    var steps = 0, batchSize = 0
    var layerInputs: [Matrix] = []                    // X_k (T·B, I_k), time-major
    let gatesSpace: [GrowableBuffer], outputSpace: [GrowableBuffer], cellSpace: [GrowableBuffer]
    let tanhCellSpace: [GrowableBuffer], hiddenLinearSpace: [GrowableBuffer], combinedBiasSpace: [GrowableBuffer]
    let dInputSpace: [GrowableBuffer]
    let inputSpace = GrowableBuffer(), outputBatchFirstSpace = GrowableBuffer()
    let hiddenProductSpace = GrowableBuffer()
    let initialHiddenSpace = GrowableBuffer(), initialCellSpace = GrowableBuffer()
    let finalHiddenSpace = GrowableBuffer(), finalCellSpace = GrowableBuffer()
    let dGatesSpace = GrowableBuffer(), dGatesHiddenSpace = GrowableBuffer()
    let dOutputSpace = GrowableBuffer(), dInputBatchFirstSpace = GrowableBuffer()
    let dInitialHiddenSpace = GrowableBuffer(), dInitialCellSpace = GrowableBuffer()
    var initialHidden = Matrix(rows: 0, cols: 0), initialCell = Matrix(rows: 0, cols: 0)
    /// Packed copies of W_hh per layer and direction (index k·D + d), made on first use and
    /// refreshed by every forward / backward (see `RecurrentStack+Packing.swift`).
    var packedHiddenWeights: [PackedMatrix] = [], packedHiddenWeightsBackward: [PackedMatrix] = []
    /// With a projection (`RecurrentStack+Projection.swift`): o ⊙ tanh(c) per layer `(T·B, D·H)`,
    /// scratch for backward, and packed W_hrᵀ / W_hr per layer and direction.
    let unprojectedSpace: [GrowableBuffer]
    let dProjectedSpace = GrowableBuffer(), dUnprojectedSpace = GrowableBuffer(), zeroCarrySpace = GrowableBuffer()
    var packedProjections: [PackedMatrix] = [], packedProjectionsBackward: [PackedMatrix] = []
    /// Each sequence's length in the last forward, or empty when all have T steps
    /// (`RecurrentStack+Lengths.swift`), and the buffers that path uses.
    var lengths: [Int] = []
    let maskedOutputSpace = GrowableBuffer(), savedCarryHiddenSpace = GrowableBuffer(), savedCarryCellSpace = GrowableBuffer()

    init(kind: RecurrentCellKind, inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool,
         batchFirst: Bool, dropout: Float, bidirectional: Bool, projectionSize: Int = 0,
         generator: inout RandomGenerator) {
        precondition(inputSize > 0 && hiddenSize > 0 && numLayers > 0,
                     "recurrent layer sizes must be positive: input \(inputSize), hidden \(hiddenSize), layers \(numLayers)")
        precondition(dropout >= 0 && dropout <= 1, "dropout must be in [0, 1], got \(dropout)")
        self.kind = kind
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        precondition(projectionSize == 0 || (kind.hasCellState && projectionSize > 0 && projectionSize < hiddenSize),
                     "projection size must be in 1..<hiddenSize (\(hiddenSize)) and needs an LSTM, got \(projectionSize)")
        self.projectionSize = projectionSize
        self.hasBias = bias
        self.batchFirst = batchFirst
        self.dropout = dropout
        self.bidirectional = bidirectional

        let d = bidirectional ? 2 : 1, h = hiddenSize, gh = kind.gateCount * hiddenSize
        let p = projectionSize > 0 ? projectionSize : hiddenSize           // features of h
        func layerInput(_ k: Int) -> Int { k == 0 ? inputSize : d * p }
        func layerCount(_ k: Int) -> Int {
            d * gh * (layerInput(k) + p) + (bias ? 2 * d * gh : 0) + (kind.hasPeepholes ? d * 3 * h : 0)
                + (projectionSize > 0 ? d * p * h : 0)
        }
        let total = (0..<numLayers).reduce(0) { $0 + layerCount($1) }
        let values = Storage(count: total), gradients = Storage(count: total)
        self.values = values
        self.gradients = gradients

        var offset = 0
        func take(_ rows: Int, _ cols: Int) -> (Matrix, Matrix) {
            defer { offset += rows * cols }
            return (Matrix(storage: values, offset: offset, rows: rows, cols: cols),
                    Matrix(storage: gradients, offset: offset, rows: rows, cols: cols))
        }
        var weights: [RecurrentLayerWeights] = []
        var parameters: [Parameter] = []
        var layerParameters: [Range<Int>] = []
        for k in 0..<numLayers {
            let first = parameters.count
            defer { layerParameters.append(first..<parameters.count) }
            let (wih, dwih) = take(d * gh, layerInput(k))
            let (whh, dwhh) = take(d * gh, p)
            let (bih, dbih) = bias ? take(1, d * gh) : (Matrix(rows: 1, cols: d * gh), Matrix(rows: 1, cols: d * gh))
            let (bhh, dbhh) = bias ? take(1, d * gh) : (Matrix(rows: 1, cols: d * gh), Matrix(rows: 1, cols: d * gh))
            let peep: (Matrix, Matrix)? = kind.hasPeepholes ? take(d, 3 * h) : nil
            let projection: (Matrix, Matrix)? = projectionSize > 0 ? take(d * p, h) : nil
            weights.append(RecurrentLayerWeights(
                inputWeight: wih, inputWeightGradient: dwih, hiddenWeight: whh, hiddenWeightGradient: dwhh,
                inputBias: bih, inputBiasGradient: dbih, hiddenBias: bhh, hiddenBiasGradient: dbhh,
                peepholes: peep?.0, peepholesGradient: peep?.1,
                projection: projection?.0, projectionGradient: projection?.1))
            for dir in 0..<d {
                let suffix = "_l\(k)" + (dir == 1 ? "_reverse" : "")
                let rows = dir * gh..<(dir + 1) * gh
                parameters.append(Parameter(name: "weight_ih" + suffix, shape: [gh, layerInput(k)],
                                            value: wih.rows(rows), gradient: dwih.rows(rows)))
                parameters.append(Parameter(name: "weight_hh" + suffix, shape: [gh, p],
                                            value: whh.rows(rows), gradient: dwhh.rows(rows)))
                if bias {
                    parameters.append(Parameter(name: "bias_ih" + suffix, shape: [gh],
                                                value: bih.columns(rows), gradient: dbih.columns(rows)))
                    parameters.append(Parameter(name: "bias_hh" + suffix, shape: [gh],
                                                value: bhh.columns(rows), gradient: dbhh.columns(rows)))
                }
                if let (wv, wg) = projection {
                    let rows = dir * p..<(dir + 1) * p
                    parameters.append(Parameter(name: "weight_hr" + suffix, shape: [p, h],
                                                value: wv.rows(rows), gradient: wg.rows(rows)))
                }
                if let (pv, pg) = peep {
                    for (gate, name) in ["weight_ci", "weight_cf", "weight_co"].enumerated() {
                        let cols = gate * h..<(gate + 1) * h
                        parameters.append(Parameter(name: name + suffix, shape: [h],
                                                    value: pv.row(dir).columns(cols), gradient: pg.row(dir).columns(cols)))
                    }
                }
            }
        }
        self.weights = weights
        self.parameters = parameters
        self.layerParameters = layerParameters
        self.dropouts = (0..<max(0, numLayers - 1)).map { _ in Dropout(dropout) }

        func spaces() -> [GrowableBuffer] { (0..<numLayers).map { _ in GrowableBuffer() } }
        gatesSpace = spaces(); outputSpace = spaces(); cellSpace = spaces(); tanhCellSpace = spaces()
        hiddenLinearSpace = spaces(); combinedBiasSpace = spaces(); dInputSpace = spaces()
        unprojectedSpace = spaces()
        hiddenMaskSpace = spaces(); droppedHiddenSpace = spaces()
        zoneoutHiddenMaskSpace = spaces(); zoneoutCellMaskSpace = spaces()
        candidateHiddenSpace = spaces(); candidateCellSpace = spaces()

        // PyTorch's default: every parameter U(−1/√H, 1/√H), drawn in `parameters` order,
        // each tensor in row-major order.
        let bound = 1 / Float(hiddenSize).squareRoot()
        for p in parameters {
            p.value.forEachRow { _, row in
                for i in row.indices { row[i] = generator.uniform(-bound, bound) }
            }
        }
    }

    /// Sets the forget-gate bias of every layer and direction to `value`: b_ih's f block =
    /// `value` and b_hh's f block = 0, so the sum the gate sees is exactly `value`.
    func setForgetGateBias(_ value: Float) {
        precondition(kind.hasCellState && hasBias, "a forget-gate bias needs an LSTM with bias")
        let h = hiddenSize, gh = gateCount * h
        for w in weights {
            for dir in 0..<numDirections {
                w.inputBias.columns(dir * gh + h..<dir * gh + 2 * h).fill(value)
                w.hiddenBias.columns(dir * gh + h..<dir * gh + 2 * h).fill(0)
            }
        }
    }

    /// Rows of the `(L·D·B, H)` state belonging to layer `k`, direction `d`.
    func stateRows(layer k: Int, direction d: Int) -> Range<Int> {
        let first = (k * numDirections + d) * batchSize
        return first..<first + batchSize
    }

    /// Time-step rows `t·B ..< (t+1)·B`.
    func stepRows(_ t: Int) -> Range<Int> { t * batchSize..<(t + 1) * batchSize }

    /// The time step a direction processes at position `s` of its loop (forward 0…T−1, reverse T−1…0).
    func time(_ s: Int, direction d: Int) -> Int { d == 0 ? s : steps - 1 - s }
}
