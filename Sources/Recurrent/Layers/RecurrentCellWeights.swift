/// The weights of one layer and direction, as views: what a single-step cell runs on.
///
/// A cell either owns them (a one-layer, one-direction `RecurrentStack` built for it, so a cell
/// and a one-layer module made from the same seed start with identical weights) or shares them
/// with layer k, direction d of an existing module: optimizer updates to one are seen by the other.
struct RecurrentCellWeights {
    let owner: RecurrentStack              // keeps the shared storage alive
    let inputWeight: Matrix                // (G·H, I)
    let hiddenWeight: Matrix               // (G·H, H)
    let inputBias: Matrix                  // (1, G·H), zeros without bias
    let hiddenBias: Matrix                 // (1, G·H), zeros without bias
    let peepholes: Matrix?                 // (1, 3H) [w_ci | w_cf | w_co]
    let projection: Matrix?                // (P, H) W_hr of an LSTM with a projection
    /// PyTorch `nn.LSTMCell`-style names: `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`
    /// (+ `weight_ci`, `weight_cf`, `weight_co`), views of the owner's values and gradients.
    let parameters: [Parameter]

    init(stack: RecurrentStack, layer k: Int, direction d: Int) {
        precondition(k >= 0 && k < stack.numLayers, "layer \(k) outside 0..<\(stack.numLayers)")
        precondition(d >= 0 && d < stack.numDirections, "direction \(d) outside 0..<\(stack.numDirections)")
        let gh = stack.gateCount * stack.hiddenSize, rows = d * gh..<(d + 1) * gh
        let w = stack.weights[k]
        owner = stack
        inputWeight = w.inputWeight.rows(rows)
        hiddenWeight = w.hiddenWeight.rows(rows)
        inputBias = w.inputBias.columns(rows)
        hiddenBias = w.hiddenBias.columns(rows)
        peepholes = w.peepholes?.row(d)
        projection = w.projection?.rows(d * stack.realHiddenSize..<(d + 1) * stack.realHiddenSize)
        let suffix = "_l\(k)" + (d == 1 ? "_reverse" : "")
        parameters = stack.parameters.filter { $0.name.hasSuffix(suffix) }.map { p in
            var renamed = p
            renamed.name = String(p.name.dropLast(suffix.count))
            return renamed
        }
    }

    var inputSize: Int { inputWeight.cols }
    /// H: features of the cell (and of h without a projection).
    var hiddenSize: Int { owner.hiddenSize }
    /// Features of h: P with a projection, else H.
    var realHiddenSize: Int { hiddenWeight.cols }
}
