import Recurrent

/// A recurrent stack (`LSTM`, `GRU` or `RNN`, any number of layers, one or two directions) as
/// ONNX nodes: one `LSTM` / `GRU` / `RNN` operator per layer.
///
/// Letters: T steps, B batch, I input size, H hidden size, L layers, D directions, G gates.
///
/// Weight layout. PyTorch (and Recurrent) store per layer `weight_ih` (G·H, I), `weight_hh`
/// (G·H, H), `bias_ih`, `bias_hh` (G·H) with gate blocks in the order i, f, g, o (LSTM) or
/// r, z, n (GRU). ONNX wants W (D, G·H, I), R (D, G·H, H), B (D, 2·G·H) = [Wb | Rb] with the
/// blocks in the order i, o, f, c (LSTM) or z, r, h (GRU), and peepholes P (D, 3·H) =
/// [p_i | p_o | p_f]. The equations are otherwise the same: ONNX's peepholes add p_i ⊙ c(t−1)
/// and p_f ⊙ c(t−1) to the input and forget gates and p_o ⊙ c(t) to the output gate, as ours;
/// GRU with `linear_before_reset = 1` applies the reset gate after the recurrent product with
/// its bias inside, as PyTorch does.
struct ONNXRecurrentStack {
    enum Cell {
        case lstm(peepholes: Bool)
        case gru
        case rnn(RNNNonlinearity)

        var gateCount: Int {
            switch self {
            case .lstm: 4
            case .gru: 3
            case .rnn: 1
            }
        }

        var opType: String {
            switch self {
            case .lstm: "LSTM"
            case .gru: "GRU"
            case .rnn: "RNN"
            }
        }

        /// For each ONNX gate block, the PyTorch block it comes from.
        var onnxBlockOrder: [Int] {
            switch self {
            case .lstm: [0, 3, 1, 2]      // i o f c  ←  i f g o
            case .gru: [1, 0, 2]          // z r h    ←  r z n
            case .rnn: [0]
            }
        }

        var hasCellState: Bool {
            if case .lstm = self { return true }
            return false
        }
    }

    let cell: Cell
    let inputSize: Int
    let hiddenSize: Int
    let numLayers: Int
    let numDirections: Int
    /// Every parameter by its name relative to the layer (`weight_ih_l0`, `bias_hh_l1_reverse`, …).
    let parameters: [String: Parameter]

    /// - Throws: `ONNXExportError.unsupportedFeature` for a layer type this exporter does not know.
    init(_ layer: any RecurrentLayer) throws(ONNXExportError) {
        if layer.projectionSize > 0 {
            // ONNX's LSTM has no W_hr: h = W_hr (o ⊙ tanh c) is not expressible by the operator.
            throw .unsupportedFeature("LSTM projections (projection_size = \(layer.projectionSize))")
        }
        if let lstm = layer as? LSTM {
            cell = .lstm(peepholes: lstm.peepholes)
        } else if layer is GRU {
            cell = .gru
        } else if let rnn = layer as? RNN {
            cell = .rnn(rnn.nonlinearity)
        } else {
            throw .unsupportedFeature("a recurrent layer of type \(type(of: layer))")
        }
        inputSize = layer.inputSize
        hiddenSize = layer.hiddenSize
        numLayers = layer.numLayers
        numDirections = layer.numDirections
        parameters = Dictionary(layer.parameters.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// D·H: features of each output row.
    var outputSize: Int { numDirections * hiddenSize }

    /// The result of `add(to:input:initialH:initialC:)`, as value names.
    struct Outputs {
        /// (T, B, D·H): the last layer's hidden state at every step.
        var sequence: String
        /// Per layer (D, B, H): the hidden state after the last step of each direction.
        var finalH: [String]
        /// Per layer (D, B, H), LSTM only.
        var finalC: [String]
    }

    /// Adds the stack's nodes reading `input` (T, B, I). `initialH` / `initialC` give each
    /// layer's initial state (D, B, H) by name; empty means zeros. `finalHNames` / `finalCNames`
    /// name each layer's final state values (default: fresh names).
    func add(to g: inout ONNXGraphBuilder, prefix: String, input: String, initialH: [String] = [],
             initialC: [String] = [], finalHNames: [String]? = nil, finalCNames: [String]? = nil) -> Outputs {
        var x = input
        var outputs = Outputs(sequence: "", finalH: [], finalC: [])
        for k in 0..<numLayers {
            let layerInput = k == 0 ? inputSize : outputSize
            let name = "\(prefix).l\(k)"
            let (w, r, b, p) = onnxWeights(layer: k, inputSize: layerInput)
            g.initializer("\(name).W", dims: [numDirections, cell.gateCount * hiddenSize, layerInput], floats: w)
            g.initializer("\(name).R", dims: [numDirections, cell.gateCount * hiddenSize, hiddenSize], floats: r)
            g.initializer("\(name).B", dims: [numDirections, 2 * cell.gateCount * hiddenSize], floats: b)
            var inputs = [x, "\(name).W", "\(name).R", "\(name).B", "",
                          initialH.isEmpty ? "" : initialH[k]]
            if cell.hasCellState { inputs.append(initialC.isEmpty ? "" : initialC[k]) }
            if let p {
                g.initializer("\(name).P", dims: [numDirections, 3 * hiddenSize], floats: p)
                inputs.append("\(name).P")
            }
            while inputs.last == "" { inputs.removeLast() }

            let y = g.value("\(name).Y")                                   // (T, D, B, H)
            let yh = finalHNames?[k] ?? g.value("\(name).Y_h")             // (D, B, H)
            var nodeOutputs = [y, yh]
            if cell.hasCellState {
                let yc = finalCNames?[k] ?? g.value("\(name).Y_c")
                nodeOutputs.append(yc)
                outputs.finalC.append(yc)
            }
            outputs.finalH.append(yh)
            var attributes: [ONNXAttribute] = [
                .int("hidden_size", Int64(hiddenSize)),
                .string("direction", numDirections == 2 ? "bidirectional" : "forward"),
            ]
            switch cell {
            case .lstm: break
            case .gru: attributes.append(.int("linear_before_reset", 1))
            case .rnn(let f):
                attributes.append(.strings("activations", Array(repeating: f == .relu ? "Relu" : "Tanh", count: numDirections)))
            }
            g.node(cell.opType, inputs: inputs, outputs: nodeOutputs, attributes: attributes)
            x = Self.mergeDirections(y, directions: numDirections, in: &g, stem: "\(name).out")
        }
        outputs.sequence = x
        return outputs
    }

    /// (T, D, B, H) → (T, B, D·H): each step's directions side by side, as PyTorch's output.
    static func mergeDirections(_ y: String, directions: Int, in g: inout ONNXGraphBuilder, stem: String) -> String {
        let out = g.value(stem)
        if directions == 1 {
            let axes = g.initializer(g.value("axes"), int64s: [1])
            g.node("Squeeze", inputs: [y, axes], outputs: [out])
        } else {
            let transposed = g.value(stem + ".t")
            g.node("Transpose", inputs: [y], outputs: [transposed], attributes: [.ints("perm", [0, 2, 1, 3])])
            let shape = g.initializer(g.value("shape"), int64s: [0, 0, -1])
            g.node("Reshape", inputs: [transposed, shape], outputs: [out])
        }
        return out
    }

    /// ONNX W, R, B (and P with peepholes) of layer `k`, both directions, row-major.
    private func onnxWeights(layer k: Int, inputSize: Int) -> (w: [Float], r: [Float], b: [Float], p: [Float]?) {
        var w: [Float] = [], r: [Float] = [], b: [Float] = [], p: [Float]? = nil
        let gh = cell.gateCount * hiddenSize
        for direction in 0..<numDirections {
            let suffix = "_l\(k)" + (direction == 1 ? "_reverse" : "")
            w += reorder(values("weight_ih" + suffix, count: gh * inputSize), rowLength: inputSize)
            r += reorder(values("weight_hh" + suffix, count: gh * hiddenSize), rowLength: hiddenSize)
            b += reorder(values("bias_ih" + suffix, count: gh), rowLength: 1)
            b += reorder(values("bias_hh" + suffix, count: gh), rowLength: 1)
            if case .lstm(peepholes: true) = cell {
                p = (p ?? []) + values("weight_ci" + suffix, count: hiddenSize)
                    + values("weight_co" + suffix, count: hiddenSize)
                    + values("weight_cf" + suffix, count: hiddenSize)
            }
        }
        return (w, r, b, p)
    }

    /// A parameter's values, or zeros when the layer has none of that name (a layer built
    /// without biases).
    private func values(_ name: String, count: Int) -> [Float] {
        guard let p = parameters[name] else { return Array(repeating: 0, count: count) }
        let v = p.value.toArray()
        precondition(v.count == count, "\(name): \(v.count) values, expected \(count)")
        return v
    }

    /// Gate blocks of H rows (each `rowLength` long) from PyTorch order to ONNX order.
    private func reorder(_ v: [Float], rowLength: Int) -> [Float] {
        let block = hiddenSize * rowLength
        var out: [Float] = []
        out.reserveCapacity(v.count)
        for source in cell.onnxBlockOrder { out += v[source * block..<(source + 1) * block] }
        return out
    }
}
