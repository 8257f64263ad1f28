import Testing
@testable import Recurrent

/// Finite-difference checks of backpropagation through time: every parameter, the input and
/// the initial states, for every layer kind and the options that change the backward pass.
///
/// Forward runs in Float32; the loss L = Σ output ⊙ W_o + Σ h_n ⊙ W_h + Σ c_n ⊙ W_c is summed in
/// Double and differentiated by central differences with ε = 1e-2 (1e-3 for relu). Tolerance:
/// |numeric − analytic| ≤ 3e-4 + 2e-3·max(|numeric|, |analytic|). Measured worst case over
/// these configurations: 27 % of that bound (2-layer bidirectional tanh RNN), most below 12 %.
/// A missing or wrong term in a backward pass gives errors of the gradient's own size, far
/// outside it: dropping the forget-gate peephole term from dc(t−1), or the r factor of the
/// GRU's recurrent n-gate gradient, fails several configurations; the negative control below
/// shows a 5 % error in one element is caught.
@Suite struct RecurrentGradientTests {
    typealias S = LayerTestSupport
    static let epsilon: Float = 1e-2
    /// relu has a kink at 0: a step of 1e-2 sometimes carries a pre-activation across it (the
    /// difference quotient then mixes both slopes), so relu layers use a smaller step.
    static func epsilon(_ c: S.Config) -> Float { c.kind == .rnnRelu ? 1e-3 : epsilon }
    static let tolerance = S.Tolerance(relative: 2e-3, absolute: 3e-4)

    static let configs: [S.Config] = [
        .init(kind: .lstm),
        .init(kind: .lstm, peepholes: true, initialState: true),
        .init(kind: .lstm, bias: false, initialState: true),
        .init(kind: .lstm, layers: 2, bidirectional: true, peepholes: true, dropout: 0.3, initialState: true, steps: 5),
        .init(kind: .lstm, layers: 2, batchFirst: true, initialState: true, steps: 3, batch: 3),
        .init(kind: .lstm, initialState: true, projectionSize: 2),
        .init(kind: .lstm, layers: 2, bidirectional: true, peepholes: true, dropout: 0.3, initialState: true, steps: 5,
              hiddenSize: 5, projectionSize: 3),
        .init(kind: .gru),
        .init(kind: .gru, bias: false, initialState: true),
        .init(kind: .gru, layers: 2, bidirectional: true, dropout: 0.3, initialState: true, steps: 5),
        .init(kind: .rnn, initialState: true),
        .init(kind: .rnn, layers: 2, bidirectional: true, batchFirst: true, initialState: true, steps: 5),
        .init(kind: .rnnRelu, initialState: true),
        .init(kind: .rnnRelu, layers: 2, bidirectional: true, bias: false, steps: 3),
    ]

    @Test(arguments: configs)
    func gradientsMatchFiniteDifferences(_ config: S.Config) {
        let layer = S.makeLayer(config)
        layer.isTraining = true
        let problem = S.makeProblem(config, for: layer)
        let analytic = S.analytic(layer, problem)
        let loss = { S.loss(layer, problem) }

        var checked = 0
        for p in layer.parameters {
            let numeric = NNTestSupport.finiteDifference(of: p.value, step: Self.epsilon(config), loss)
            let lines = S.mismatches(p.name, expected: numeric, actual: analytic.parameters[p.name] ?? [], tolerance: Self.tolerance)
            #expect(lines.isEmpty, "\(config.testDescription): \(lines.joined(separator: "; "))")
            checked += numeric.count
        }
        let dInput = NNTestSupport.finiteDifference(of: problem.input, step: Self.epsilon(config), loss)
        let inputLines = S.mismatches("input", expected: dInput, actual: analytic.input, tolerance: Self.tolerance)
        #expect(inputLines.isEmpty, "\(config.testDescription): \(inputLines.joined(separator: "; "))")
        if let state = problem.state {
            let dh = NNTestSupport.finiteDifference(of: state.h, step: Self.epsilon(config), loss)
            let hLines = S.mismatches("h0", expected: dh, actual: analytic.hidden, tolerance: Self.tolerance)
            #expect(hLines.isEmpty, "\(config.testDescription): \(hLines.joined(separator: "; "))")
            if let c = state.c {
                let dc = NNTestSupport.finiteDifference(of: c, step: Self.epsilon(config), loss)
                let cLines = S.mismatches("c0", expected: dc, actual: analytic.cell ?? [], tolerance: Self.tolerance)
                #expect(cLines.isEmpty, "\(config.testDescription): \(cLines.joined(separator: "; "))")
            }
        }
        #expect(checked > 0)
        // Gradients that are all ~0 would pass trivially: make sure the loss actually reaches them.
        #expect(analytic.input.map(abs).max()! > 1e-2)
    }

    /// The check is not vacuous: an analytic gradient off by 5 % in one element is rejected.
    @Test func checkerRejectsSlightlyWrongGradient() {
        let config = S.Config(kind: .lstm, peepholes: true, initialState: true)
        let layer = S.makeLayer(config)
        let problem = S.makeProblem(config, for: layer)
        let analytic = S.analytic(layer, problem)
        let p = layer.parameters.first { $0.name == "weight_hh_l0" }!
        let numeric = NNTestSupport.finiteDifference(of: p.value, step: Self.epsilon) { S.loss(layer, problem) }
        var wrong = analytic.parameters["weight_hh_l0"]!
        let i = wrong.indices.max { abs(wrong[$0]) < abs(wrong[$1]) }!
        wrong[i] *= 1.05
        #expect(S.mismatches("w", expected: numeric, actual: analytic.parameters["weight_hh_l0"]!, tolerance: Self.tolerance).isEmpty)
        #expect(!S.mismatches("w", expected: numeric, actual: wrong, tolerance: Self.tolerance).isEmpty)
    }

    /// Backward adds into gradients: two backward passes give twice the gradient of one.
    @Test func backwardAccumulates() {
        let config = S.Config(kind: .gru, layers: 2, bidirectional: true)
        let layer = S.makeLayer(config)
        let problem = S.makeProblem(config, for: layer)
        let once = S.analytic(layer, problem).parameters
        _ = layer.backward(dOutput: problem.weightOutput, dFinalState: problem.weightFinal)
        for p in layer.parameters {
            let twice = p.gradient.toArray(), expected = once[p.name]!.map { 2 * $0 }
            #expect(S.mismatches(p.name, expected: expected, actual: twice, tolerance: .init(relative: 1e-6, absolute: 1e-7)).isEmpty)
        }
    }
}
