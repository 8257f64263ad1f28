import Foundation
import Testing
import Recurrent

/// Every committed fixture loads, is internally consistent, and its losses and simple
/// closed-form values recompute in Swift. These guard the fixture files and the loader, so a
/// parity test failing elsewhere points at the layer, not at a broken fixture.
@Suite struct FixtureLoaderTests {
    static let allNames: [String] = (try? Fixture.names()) ?? []

    @Test func fixturesArePresent() throws {
        let names = try Fixture.names()
        #expect(names.count >= 45)
        for required in ["lstm_2layer_bidir", "lstm_peephole_2layer_bidir", "gru_2layer_bidir",
                         "rnn_relu_2layer_bidir", "optim_adam", "clip_grad_norm_l2", "cross_entropy_mean"] {
            #expect(names.contains(required), "missing fixture \(required)")
        }
        #expect(try Fixture.names(kind: "recurrent").count >= 20)
    }

    @Test func missingAndWrongKindThrowReadableErrors() {
        #expect(throws: FixtureError.self) { try Fixture.recurrent("no_such_fixture") }
        do {
            _ = try Fixture.recurrent("optim_adam")
            Issue.record("loading an optimizer fixture as recurrent must throw")
        } catch let error as FixtureError {
            #expect(error.description.contains("optim_adam"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: allNames)
    func everyTensorMatchesItsShape(name: String) throws {
        let tensors: [(String, FixtureTensor)]
        switch try Fixture.header(name).kind {
        case RecurrentFixture.kind: tensors = try Fixture.recurrent(name).allTensors
        case OptimizerFixture.kind: tensors = try Fixture.optimizer(name).allTensors
        case ClipFixture.kind: tensors = try Fixture.clip(name).allTensors
        case LinearFixture.kind: tensors = try Fixture.linear(name).allTensors
        case AdaptiveSoftmaxFixture.kind: tensors = try Fixture.adaptiveSoftmax(name).allTensors
        case EmbeddingFixture.kind: tensors = try Fixture.embedding(name).allTensors
        case CrossEntropyFixture.kind: tensors = try Fixture.crossEntropy(name).allTensors
        case MSEFixture.kind: tensors = try Fixture.mse(name).allTensors
        case TrainingFixture.kind: tensors = try Fixture.training(name).allTensors
        case let other:
            Issue.record("\(name): unknown kind \(other)")
            return
        }
        #expect(!tensors.isEmpty)
        for (label, t) in tensors {
            #expect(t.count == t.elementCount, "\(name) \(label): \(t.count) values for shape \(t.shape)")
            #expect(t.values.allSatisfy { $0.isFinite }, "\(name) \(label) has a non-finite value")
        }
    }

    // MARK: Recurrent

    @Test(arguments: (try? Fixture.names(kind: "recurrent")) ?? [])
    func recurrentShapesAndLoss(name: String) throws {
        let f = try Fixture.recurrent(name)
        let c = f.config
        let (T, B, H, I, L, D, G) = (f.seqLen, f.batch, c.hiddenSize, c.inputSize, c.numLayers, c.numDirections, c.gateCount)
        let P = (c.projSize ?? 0) > 0 ? c.projSize! : H           // features of h (proj_size)
        #expect(f.input.shape == (c.batchFirst ? [B, T, I] : [T, B, I]))
        #expect(f.output.shape == (c.batchFirst ? [B, T, D * P] : [T, B, D * P]))
        #expect(f.hN.shape == [L * D, B, P])
        #expect(f.wO.shape == f.output.shape && f.wH.shape == f.hN.shape)
        let isLSTM = c.module == "LSTM"
        #expect((f.cN != nil) == isLSTM && (f.wC != nil) == isLSTM)
        if let cN = f.cN { #expect(cN.shape == [L * D, B, H] && f.wC?.shape == cN.shape) }
        if let h0 = f.h0 { #expect(h0.shape == [L * D, B, P]) }
        if let c0 = f.c0 { #expect(isLSTM && c0.shape == [L * D, B, H] && f.h0 != nil) }
        #expect(!c.peepholes || isLSTM)

        // Parameter names and shapes are the PyTorch state_dict's.
        var expected: [String] = []
        for l in 0..<L {
            for d in 0..<D {
                let sfx = "_l\(l)" + (d == 1 ? "_reverse" : "")
                let inSize = l == 0 ? I : D * P
                #expect(f.params["weight_ih" + sfx]?.shape == [G * H, inSize])
                #expect(f.params["weight_hh" + sfx]?.shape == [G * H, P])
                expected += ["weight_ih" + sfx, "weight_hh" + sfx]
                if c.bias {
                    #expect(f.params["bias_ih" + sfx]?.shape == [G * H])
                    #expect(f.params["bias_hh" + sfx]?.shape == [G * H])
                    expected += ["bias_ih" + sfx, "bias_hh" + sfx]
                }
                if P != H {
                    #expect(f.params["weight_hr" + sfx]?.shape == [P, H])
                    expected.append("weight_hr" + sfx)
                }
                if c.peepholes {
                    for g in ["ci", "cf", "co"] {
                        #expect(f.params["weight_\(g)" + sfx]?.shape == [H])
                        expected.append("weight_\(g)" + sfx)
                    }
                }
            }
        }
        #expect(f.paramOrder == expected)
        #expect(Set(f.params.keys) == Set(expected))

        // A gradient for every parameter (same shape), the input, and each given initial state.
        var gradNames = Set(expected).union(["input"])
        if f.h0 != nil { gradNames.insert("h0") }
        if f.c0 != nil { gradNames.insert("c0") }
        #expect(Set(f.grads.keys) == gradNames)
        for (k, p) in f.params { #expect(f.grads[k]?.shape == p.shape, "\(name): grad \(k)") }
        #expect(f.grads["input"]?.shape == f.input.shape)

        // Packed sequences: one length per sequence in 1...T, outputs zero past each.
        if let lengths = f.lengths {
            #expect(lengths.count == B && lengths.allSatisfy { (1...T).contains($0) })
            for b in 0..<B {
                for t in lengths[b]..<T {
                    let row = c.batchFirst ? b * T + t : t * B + b
                    #expect(f.output.values[row * D * P..<(row + 1) * D * P].allSatisfy { $0 == 0 })
                }
            }
        }

        // loss = Σ output⊙W_o + Σ h_n⊙W_h (+ Σ c_n⊙W_c), recomputed from the stored values.
        var terms = zip(f.output.values, f.wO.float32Values).map(*) + zip(f.hN.values, f.wH.float32Values).map(*)
        if let cN = f.cN, let wC = f.wC { terms += zip(cN.values, wC.float32Values).map(*) }
        let loss = terms.reduce(0, +)
        let scale = terms.map(abs).reduce(0, +)
        #expect(abs(loss - f.loss) <= 1e-8 * scale + 1e-9, "\(name): loss \(f.loss) but Σ = \(loss)")
    }

    @Test func layoutHelpersSwapBatchAndTime() throws {
        let f = try Fixture.recurrent("lstm_2layer_batchfirst_h0")
        #expect(f.config.batchFirst)
        let x = f.input, xt = f.inputTimeMajor
        #expect(xt.shape == [f.seqLen, f.batch, f.config.inputSize])
        // x[b, t, i] == xt[t, b, i]
        let (T, B, I) = (f.seqLen, f.batch, f.config.inputSize)
        for b in 0..<B { for t in 0..<T { for i in 0..<I {
            #expect(x.values[(b * T + t) * I + i] == xt.values[(t * B + b) * I + i])
        } } }
        #expect(xt.swappingFirstTwoAxes().values == x.values)
        let m = xt.matrix()
        #expect(m.rows == T * B && m.cols == I)
        #expect(m[B + 1, 2] == Float(xt.values[(1 * B + 1) * I + 2]))
        #expect(f.hN.slice(1).shape == [B, f.config.hiddenSize])
    }

    @Test func inputsParseToExactFloat32() throws {
        // Inputs are written as the shortest decimal of a float32, i.e. exactly Float's own
        // description: parsing to Float and printing again gives the same decimal back.
        let f = try Fixture.recurrent("lstm_peephole_2layer_bidir")
        for t in [f.input, f.h0!, f.params["weight_hh_l1_reverse"]!, f.wO] {
            #expect(t.values.allSatisfy { Double(Float($0).description) == $0 })
        }
    }

    // MARK: Building blocks: closed forms recomputed in Swift

    @Test(arguments: ["linear", "linear_nobias"])
    func linearOutputAndLoss(name: String) throws {
        let f = try Fixture.linear(name)
        let (N, inF, outF) = (f.input.shape[0], f.config.inFeatures, f.config.outFeatures)
        let w = f.params["weight"]!.float32Values, x = f.input.float32Values, bias = f.params["bias"]?.float32Values
        #expect(f.params["weight"]!.shape == [outF, inF] && f.output.shape == [N, outF])
        #expect((bias != nil) == f.config.bias)
        var y = [Double](repeating: 0, count: N * outF)
        for n in 0..<N { for o in 0..<outF {
            var s = bias?[o] ?? 0
            for i in 0..<inF { s += x[n * inF + i] * w[o * inF + i] }
            y[n * outF + o] = s
        } }
        for (a, b) in zip(y, f.output.values) { #expect(abs(a - b) <= 1e-8 * max(1, abs(b))) }
        let loss = zip(f.output.values, f.wO.float32Values).map(*).reduce(0, +)
        #expect(abs(loss - f.loss) <= 1e-7 * max(1, abs(f.loss)))
    }

    @Test func embeddingRowsAndLoss() throws {
        let f = try Fixture.embedding("embedding")
        let w = f.params["weight"]!, E = f.config.embeddingDim
        for (k, id) in f.indices.ints.enumerated() {
            #expect(Array(f.output.floats[k * E ..< (k + 1) * E]) == Array(w.floats[id * E ..< (id + 1) * E]))
        }
        let loss = zip(f.output.values, f.wO.float32Values).map(*).reduce(0, +)
        #expect(abs(loss - f.loss) <= 1e-7 * max(1, abs(f.loss)))
        #expect(f.grads["weight"]?.shape == w.shape)
    }

    @Test(arguments: ["cross_entropy_mean", "cross_entropy_sum", "cross_entropy_mean_ignore_class"])
    func crossEntropyLoss(name: String) throws {
        let f = try Fixture.crossEntropy(name)
        let V = f.config.numClasses, targets = f.targets.ints
        var total = 0.0, counted = 0
        for (n, t) in targets.enumerated() where t != f.config.ignoreIndex {
            let row = f.logits.float32Values[n * V ..< (n + 1) * V]
            let m = row.max()!
            let lse = m + log(row.map { exp($0 - m) }.reduce(0, +))
            total += lse - row[row.startIndex + t]
            counted += 1
        }
        #expect(counted < targets.count, "\(name) should ignore some targets")
        let loss = f.config.reduction == "mean" ? total / Double(counted) : total
        #expect(abs(loss - f.loss) <= 1e-7 * max(1, abs(f.loss)), "\(name): \(loss) vs \(f.loss)")
        // Rows of ignored targets get no gradient; every other row's gradient sums to zero.
        let g = f.grads["logits"]!
        for (n, t) in targets.enumerated() {
            let row = g.values[n * V ..< (n + 1) * V]
            if t == f.config.ignoreIndex { #expect(row.allSatisfy { $0 == 0 }) }
            else { #expect(abs(row.reduce(0, +)) < 1e-8) }
        }
    }

    @Test(arguments: ["mse_mean", "mse_sum"])
    func mseLoss(name: String) throws {
        let f = try Fixture.mse(name)
        let sq = zip(f.input.float32Values, f.target.float32Values).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        let loss = f.config.reduction == "mean" ? sq / Double(f.input.count) : sq
        #expect(abs(loss - f.loss) <= 1e-7 * max(1, abs(f.loss)))
    }

    // MARK: Optimizers and clipping

    @Test(arguments: (try? Fixture.names(kind: "optimizer")) ?? [])
    func optimizerTrajectoryShapes(name: String) throws {
        let f = try Fixture.optimizer(name)
        #expect(f.paramOrder == ["a", "b"])
        #expect(f.initial["a"]?.shape == [3, 4] && f.initial["b"]?.shape == [4])
        #expect(f.grads.count == 5 && f.steps.count == 5)
        for k in 0..<5 {
            for p in f.paramOrder {
                #expect(f.grads[k][p]?.shape == f.initial[p]?.shape)
                #expect(f.steps[k][p]?.shape == f.initial[p]?.shape)
            }
        }
        for p in f.paramOrder { for (_, s) in f.state[p] ?? [:] { #expect(s.shape == f.initial[p]?.shape) } }
        switch f.config.optimizer {
        case "SGD":
            #expect((f.config.momentum ?? 0) == 0 || f.state["a"]?["momentum_buffer"] != nil)
        case "Adam", "AdamW":
            #expect(f.stateStep == 5 && f.state["a"]?["exp_avg"] != nil && f.state["b"]?["exp_avg_sq"] != nil)
        case "RMSprop":
            #expect(f.stateStep == 5 && f.state["a"]?["square_avg"] != nil)
            if f.config.centered == true { #expect(f.state["a"]?["grad_avg"] != nil) }
            if (f.config.momentum ?? 0) > 0 { #expect(f.state["a"]?["momentum_buffer"] != nil) }
        default:
            Issue.record("\(name): unknown optimizer \(f.config.optimizer)")
        }
    }

    @Test func plainSGDTrajectoryRecomputes() throws {
        // Plain SGD, p ← p − lr·g, is simple enough to recompute here: it pins the meaning of
        // `grads[k]` (given at step k+1) and `steps[k]` (after step k+1).
        let f = try Fixture.optimizer("optim_sgd")
        #expect((f.config.momentum ?? 0) == 0 && (f.config.weightDecay ?? 0) == 0)
        for p in f.paramOrder {
            var v = f.initial[p]!.float32Values
            for k in 0..<5 {
                v = zip(v, f.grads[k][p]!.float32Values).map { $0 - f.config.lr * $1 }
                for (a, b) in zip(v, f.steps[k][p]!.values) { #expect(abs(a - b) <= 1e-8 * max(1, abs(b))) }
            }
        }
    }

    @Test(arguments: (try? Fixture.names(kind: "clip")) ?? [])
    func clippingRecomputes(name: String) throws {
        let f = try Fixture.clip(name)
        let all = f.paramOrder.flatMap { f.grads[$0]!.float32Values }
        let clipped = f.paramOrder.flatMap { f.clipped[$0]!.values }
        if f.config.function == "clip_grad_value_" {
            let c = try #require(f.config.clipValue)
            #expect(f.totalNorm == nil)
            for (g, x) in zip(all, clipped) { #expect(abs(min(max(g, -c), c) - x) <= 1e-8) }
            #expect(all.contains { abs($0) > c }, "fixture should actually clip")
        } else {
            let maxNorm = try #require(f.config.maxNorm), p = try #require(f.config.normType)
            let norm = p.isInfinite ? all.map(abs).max()! : all.map { $0 * $0 }.reduce(0, +).squareRoot()
            let total = try #require(f.totalNorm)
            #expect(abs(norm - total) <= 1e-7 * total)
            // PyTorch: scale by max_norm / (norm + 1e-6) when that is below 1.
            let coef = min(1, maxNorm / (norm + 1e-6))
            for (g, x) in zip(all, clipped) { #expect(abs(g * coef - x) <= 1e-8 * max(1, abs(x))) }
        }
    }

    // MARK: Training

    @Test(arguments: (try? Fixture.names(kind: "training")) ?? [])
    func trainingStepsAreConsistent(name: String) throws {
        let f = try Fixture.training(name)
        let c = f.config, m = c.model
        #expect(f.batches.count == c.numSteps && f.losses.count == c.numSteps && f.gradNorms.count == c.numSteps)
        for b in f.batches {
            #expect(b.inputs.shape == [c.seqLen, c.batch] && b.targets.shape == [c.seqLen, c.batch])
            #expect((b.inputs.ints + b.targets.ints).allSatisfy { (0..<m.vocabSize).contains($0) })
        }
        let prefix = m.module.lowercased()
        #expect(f.paramOrder.first == "embedding.weight" && f.paramOrder.suffix(2) == ["linear.weight", "linear.bias"])
        #expect(f.paramOrder.filter { $0.hasPrefix(prefix + ".") }.count == 4 * m.numLayers)
        #expect(f.initial["embedding.weight"]?.shape == [m.vocabSize, m.embeddingDim])
        #expect(f.initial["linear.weight"]?.shape == [m.vocabSize, m.hiddenSize])
        for k in f.paramOrder {
            #expect(f.final[k]?.shape == f.initial[k]?.shape && f.firstStepGrads[k]?.shape == f.initial[k]?.shape)
        }
        // Step 1's gradient norm is the norm of the stored step-1 gradients.
        let norm = f.paramOrder.flatMap { f.firstStepGrads[$0]!.values }.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(abs(norm - f.gradNorms[0]) <= 1e-7 * norm)
        if let clip = c.clip { #expect(f.gradNorms.contains { $0 > clip.maxNorm }, "\(name): clipping never acts") }
        #expect(f.losses.allSatisfy { $0 > 0 && $0 < 2 * log(Double(m.vocabSize)) })
        #expect(f.hN?.shape == [m.numLayers, c.batch, m.hiddenSize])
        #expect((f.cN != nil) == (m.module == "LSTM"))
    }
}
