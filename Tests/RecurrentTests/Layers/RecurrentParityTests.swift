import Testing
@testable import Recurrent

/// Parity with PyTorch: every `kind: "recurrent"` fixture (nn.LSTM / nn.GRU / nn.RNN, and the
/// hand-written peephole LSTM differentiated by torch autograd; see Fixtures/README.md) is
/// loaded into our layer by parameter name, run forward and backward, and compared.
///
/// Compared: output, h_n, c_n, the loss Σ output⊙W_o + Σ h_n⊙W_h + Σ c_n⊙W_c, and the
/// gradient of every parameter, of the input, and of h0/c0 when the fixture gives them.
/// Tolerance: |ours − ref| ≤ 1e-5 + 1e-4·|ref| per element (the fixtures are float64 answers for
/// float32 inputs; the generator checked float32 PyTorch stays under 5 % of this bound).
@Suite struct RecurrentParityTests {
    static let names: [String] = (try? Fixture.names(kind: "recurrent")) ?? []

    @Test func everyLayerKindHasFixtures() {
        #expect(Self.names.count >= 20)
        for prefix in ["lstm_", "lstm_peephole_", "gru_", "rnn_tanh_", "rnn_relu_"] {
            #expect(Self.names.contains { $0.hasPrefix(prefix) }, "no fixture starting \(prefix)")
        }
    }

    @Test(arguments: names)
    func matchesPyTorch(name: String) throws {
        let f = try Fixture.recurrent(name)
        let layer = try Self.makeLayer(f)
        #expect(layer.parameters.map(\.name) == f.paramOrder, "\(name): parameter names/order differ from state_dict")
        for p in layer.parameters {
            let ref = try #require(f.params[p.name], "\(name): fixture has no \(p.name)")
            try #require(ref.shape == p.shape, "\(name): \(p.name) shape \(p.shape) vs PyTorch \(ref.shape)")
            p.value.assign(ref.matrix(rows: p.value.rows, cols: p.value.cols))
        }

        let state = f.h0.map { RecurrentState(h: $0.matrix(), c: f.c0?.matrix()) }
        var g = RandomGenerator(seed: 0)
        let (output, final) = layer.forward(f.input.matrix(), batchSize: f.batch, initialState: state, lengths: f.lengths,
                                            generator: &g)
        #expect(f.output.mismatch(output) == nil, "\(name) output: \(f.output.mismatch(output) ?? "")")
        #expect(f.hN.mismatch(final.h) == nil, "\(name) h_n: \(f.hN.mismatch(final.h) ?? "")")
        if let cN = f.cN {
            let c = try #require(final.c, "\(name): LSTM returned no c_n")
            #expect(cN.mismatch(c) == nil, "\(name) c_n: \(cN.mismatch(c) ?? "")")
        }
        var loss = LayerTestSupport.dot(output, f.wO.matrix()) + LayerTestSupport.dot(final.h, f.wH.matrix())
        if let c = final.c, let wC = f.wC { loss += LayerTestSupport.dot(c, wC.matrix()) }
        #expect(scalarMismatch(loss, f.loss) == nil, "\(name) loss: \(scalarMismatch(loss, f.loss) ?? "")")

        layer.zeroGradients()
        let dFinal = RecurrentState(h: f.wH.matrix(), c: f.wC?.matrix())
        let (dInput, dInitial) = layer.backward(dOutput: f.wO.matrix(), dFinalState: dFinal)
        for p in layer.parameters {
            let ref = try #require(f.grads[p.name], "\(name): fixture has no gradient for \(p.name)")
            #expect(ref.mismatch(p.gradient) == nil, "\(name) d\(p.name): \(ref.mismatch(p.gradient) ?? "")")
        }
        let dInputRef = try #require(f.grads["input"])
        #expect(dInputRef.mismatch(dInput) == nil, "\(name) d input: \(dInputRef.mismatch(dInput) ?? "")")
        if let ref = f.grads["h0"] {
            #expect(ref.mismatch(dInitial.h) == nil, "\(name) d h0: \(ref.mismatch(dInitial.h) ?? "")")
        }
        if let ref = f.grads["c0"] {
            let dc = try #require(dInitial.c)
            #expect(ref.mismatch(dc) == nil, "\(name) d c0: \(ref.mismatch(dc) ?? "")")
        }
    }

    /// The comparison is not vacuous: changing one peephole weight by 1 % of its bound breaks
    /// parity of the output and of that weight's own gradient.
    @Test func perturbedWeightFailsParity() throws {
        let f = try Fixture.recurrent("lstm_peephole_2layer_bidir")
        let layer = try Self.makeLayer(f)
        for p in layer.parameters { p.value.assign(f.params[p.name]!.matrix(rows: p.value.rows, cols: p.value.cols)) }
        let w = layer.parameters.first { $0.name == "weight_cf_l0_reverse" }!
        w.value[0, 1] += 5e-3
        var g = RandomGenerator(seed: 0)
        let state = RecurrentState(h: f.h0!.matrix(), c: f.c0!.matrix())
        let (output, _) = layer.forward(f.input.matrix(), batchSize: f.batch, initialState: state, generator: &g)
        #expect(f.output.mismatch(output) != nil)
        layer.zeroGradients()
        _ = layer.backward(dOutput: f.wO.matrix(), dFinalState: RecurrentState(h: f.wH.matrix(), c: f.wC!.matrix()))
        #expect(f.grads["weight_cf_l0_reverse"]!.mismatch(w.gradient) != nil)
    }

    static func makeLayer(_ f: RecurrentFixture) throws -> any RecurrentLayer {
        let c = f.config
        var g = RandomGenerator(seed: 0)
        switch c.module {
        case "LSTM":
            return LSTM(inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, bias: c.bias,
                        batchFirst: c.batchFirst, dropout: Float(c.dropout), bidirectional: c.bidirectional,
                        projectionSize: c.projSize ?? 0, peepholes: c.peepholes, generator: &g)
        case "GRU":
            return GRU(inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, bias: c.bias,
                       batchFirst: c.batchFirst, dropout: Float(c.dropout), bidirectional: c.bidirectional, generator: &g)
        case "RNN":
            let nonlinearity = try #require(c.nonlinearity.flatMap(RNNNonlinearity.init(rawValue:)),
                                            "\(f.name): unknown nonlinearity \(c.nonlinearity ?? "nil")")
            return RNN(inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, nonlinearity: nonlinearity,
                       bias: c.bias, batchFirst: c.batchFirst, dropout: Float(c.dropout), bidirectional: c.bidirectional,
                       generator: &g)
        default:
            throw FixtureError.wrongKind(name: f.name, expected: "LSTM/GRU/RNN", found: c.module)
        }
    }
}
