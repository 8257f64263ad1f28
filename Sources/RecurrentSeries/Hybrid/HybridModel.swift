import Foundation
import Recurrent

/// Smyl's ES-RNN (2020) for one series: Holt-Winters smoothing with learnt coefficients
/// (`HoltWintersSmoothing`) removes the level and the season, an LSTM forecasts what is left,
/// and the forecast is put back on the level and the season. Everything is trained together,
/// by backpropagation through the LSTM *and* the smoothing recursion.
///
/// For a window at origin t (values y[t−L ..< t] known, y[t ..< t+H] forecast), with
/// y' = y + offset (positive) and the states ℓ, s of the smoothing over y':
///
///     input   x_i = log(y'[i] / (s[i] · ℓ[t−1]))                 i = t−L ..< t     (L·B, 1)
///     target  z_h = log(y'[t+h] / (s[t+h] · ℓ[t−1]))              h < H
///     output  o_{q,h} = Linear(LSTM(x)[L])                        (B, Q·H), column q·H + h
///     forecast ŷ_q[t+h] = exp(o_{q,h}) · ℓ[t−1] · s[t+h] − offset
///
/// where s[t+h] for h ≥ m is the last known index of its position, s[t + h mod m]. The loss is
/// the pinball loss of every quantile τ_q on z − o, averaged over the B·H targets, plus the
/// level-wiggliness penalty λ · mean((Δlog ℓ[t+1] − Δlog ℓ[t])²) over the smoothed part.
///
/// The LSTM is a plain stack of `numLayers` layers (Smyl used dilated LSTMs for long yearly
/// and monthly inputs; the lookback window here is short enough for a stacked LSTM).
///
/// Parameters (PyTorch names): `smoothing.level_logit` [1], `smoothing.season_logit` [1],
/// `smoothing.initial_log_season` [m] (each the smoothing's raw parameter divided by
/// `smoothingScale`), `rnn.weight_ih_l0`, … (`nn.LSTM(1, Hid, layers)`),
/// `head.weight` [Q·H, Hid], `head.bias` [Q·H].
public final class HybridModel: ParameterContainer, TrainableSeriesNetwork {
    public let configuration: HybridConfiguration
    /// k: the smoothing parameters are stored as (a, g, c) / k, so that Adam, whose steps have
    /// the size of the learning rate whatever the gradient's scale, moves them k times faster
    /// than the LSTM's weights. Smyl (2020) likewise gave the per-series parameters a larger
    /// learning rate; with the LSTM's 3·10⁻³, α and γ moved by less than 0.02 in training.
    public static let smoothingScale = 10.0
    public let levelLogit: Parameter
    public let seasonLogit: Parameter
    public let initialLogSeason: Parameter
    public let encoder: SequenceEncoder
    public let head: Linear

    /// What the last training forward pass needs for `backward`.
    private struct Pass {
        var values: [Double]
        var states: HoltWintersSmoothing.States
        var origins: [Int]
        /// ∂penalty/∂ℓ, from the forward pass.
        var dLevel: [Double]
    }
    private var pass: Pass?

    /// A fresh model: LSTM and head initialised as PyTorch does (drawn from `generator`),
    /// smoothing from `smoothing`.
    public init(configuration: HybridConfiguration, smoothing: HoltWintersSmoothing, generator: inout RandomGenerator) {
        precondition(configuration.isValid && smoothing.season == configuration.season)
        self.configuration = configuration
        let m = configuration.season
        levelLogit = Parameter(name: "smoothing.level_logit", shape: [1], value: Matrix(rows: 1, cols: 1),
                               gradient: Matrix(rows: 1, cols: 1))
        seasonLogit = Parameter(name: "smoothing.season_logit", shape: [1], value: Matrix(rows: 1, cols: 1),
                                gradient: Matrix(rows: 1, cols: 1))
        initialLogSeason = Parameter(name: "smoothing.initial_log_season", shape: [m], value: Matrix(rows: 1, cols: m),
                                     gradient: Matrix(rows: 1, cols: m))
        let recurrent = RecurrentCellKind.lstm.makeLayer(inputSize: 1, hiddenSize: configuration.hiddenSize,
                                                         numLayers: configuration.numLayers, generator: &generator)
        encoder = SequenceEncoder(recurrent: recurrent, pooling: .last)
        head = Linear(inputSize: configuration.hiddenSize, outputSize: configuration.quantileCount * configuration.horizon,
                      generator: &generator)
        self.smoothing = smoothing
    }

    public var parameters: [Parameter] {
        [levelLogit, seasonLogit, initialLogSeason] + encoder.parameters + head.parameters.map { $0.prefixed("head") }
    }

    public var isTraining: Bool {
        get { encoder.isTraining }
        set { encoder.isTraining = newValue }
    }

    /// The smoothing coefficients the parameters hold.
    public var smoothing: HoltWintersSmoothing {
        get {
            let k = Self.smoothingScale
            return HoltWintersSmoothing(levelLogit: k * Double(levelLogit.value[0, 0]),
                                        seasonLogit: k * Double(seasonLogit.value[0, 0]),
                                        initialLogSeason: initialLogSeason.value.toArray().map { k * Double($0) })
        }
        set {
            let k = Self.smoothingScale
            levelLogit.value[0, 0] = Float(newValue.levelLogit / k)
            seasonLogit.value[0, 0] = Float(newValue.seasonLogit / k)
            for j in 0..<configuration.season { initialLogSeason.value[0, j] = Float(newValue.initialLogSeason[j] / k) }
        }
    }

    /// y' = y + offset, kept above a small positive floor (the logarithm needs it).
    public func positive(_ series: [Double]) -> [Double] {
        series.map { max($0 + configuration.offset, 1e-9) }
    }

    /// Outputs (B, Q·H) for the windows at `origins` of the positive values `values`, smoothed
    /// over `values[..<smoothed]` (every origin ≤ smoothed). In training mode it keeps what
    /// `backward` needs and returns the encoded targets z (B, H) and the level penalty too.
    public func forward(_ values: [Double], origins: [Int], smoothed: Int, generator: inout RandomGenerator)
        -> (outputs: Matrix, targets: Matrix?, penalty: Double) {
        let L = configuration.lookback, H = configuration.horizon, m = configuration.season, B = origins.count
        precondition(origins.allSatisfy { $0 >= L && $0 <= smoothed } && smoothed <= values.count)
        let coefficients = smoothing
        let prefix = Array(values[..<smoothed])
        let states = coefficients.smooth(prefix)
        let inputs = Matrix(rows: L * B, cols: 1)                            // (L·B, 1), time-major
        let hasTargets = isTraining
        let targets = hasTargets ? Matrix(rows: B, cols: H) : nil          // (B, H)
        for (b, t) in origins.enumerated() {
            let reference = states.level[t - 1]
            for step in 0..<L {
                let i = t - L + step
                inputs[step * B + b, 0] = Float(Foundation.log(values[i] / (states.seasonality[i] * reference)))
            }
            if let targets {
                precondition(t + H <= values.count, "a training window needs its H targets")
                for h in 0..<H {
                    let s = states.seasonality[states.index(t + h, origin: t, season: m)]
                    targets[b, h] = Float(Foundation.log(values[t + h] / (s * reference)))
                }
            }
        }
        let outputs = head.forward(encoder.forward(inputs, batchSize: B, generator: &generator))
        var penalty = 0.0
        if hasTargets {
            var dLevel = [Double](repeating: 0, count: smoothed)
            penalty = Self.levelPenalty(states.level, lambda: configuration.levelPenalty, dLevel: &dLevel)
            pass = Pass(values: prefix, states: states, origins: origins, dLevel: dLevel)
        }
        return (outputs, targets, penalty)
    }

    /// λ · mean over t of (d[t+1] − d[t])², d[t] = log ℓ[t+1] − log ℓ[t]; adds ∂/∂ℓ to `dLevel`.
    static func levelPenalty(_ level: [Double], lambda: Double, dLevel: inout [Double]) -> Double {
        let n = level.count
        guard lambda > 0, n >= 3 else { return 0 }
        let count = Double(n - 2)
        var total = 0.0
        for t in 0..<(n - 2) {
            let e = Foundation.log(level[t + 2]) - 2 * Foundation.log(level[t + 1]) + Foundation.log(level[t])
            total += e * e
            let g = 2 * lambda * e / count
            dLevel[t + 2] += g / level[t + 2]
            dLevel[t + 1] -= 2 * g / level[t + 1]
            dLevel[t] += g / level[t]
        }
        return lambda * total / count
    }

    /// Pinball loss of `outputs` (B, Q·H) against `targets` (B, H), averaged over B·H, and its
    /// gradient with respect to the outputs (written into `dOutputs`).
    public func pinballLoss(outputs: Matrix, targets: Matrix, dOutputs: Matrix) -> Double {
        let H = configuration.horizon, B = targets.rows
        let count = Double(B * H)
        var total = 0.0
        for b in 0..<B {
            for (q, tau) in configuration.quantiles.enumerated() {
                for h in 0..<H {
                    let e = Double(targets[b, h]) - Double(outputs[b, q * H + h])
                    total += e >= 0 ? tau * e : (tau - 1) * e
                    dOutputs[b, q * H + h] = Float(-(e >= 0 ? tau : tau - 1) / count)
                }
            }
        }
        return total / count
    }

    /// Adds every parameter's gradient for ∂loss/∂outputs `dOutputs` (B, Q·H) of the last
    /// training forward pass, whose loss depends on outputs and targets through z − o only
    /// (so ∂loss/∂z_h = −Σ_q ∂loss/∂o_{q,h}), plus the level penalty.
    public func backward(_ dOutputs: Matrix) {
        guard let pass else { preconditionFailure("backward without a training forward pass") }
        let L = configuration.lookback, H = configuration.horizon, Q = configuration.quantileCount
        let m = configuration.season, B = pass.origins.count
        let dInputs = encoder.backward(head.backward(dOutputs))             // (L·B, 1)
        let states = pass.states
        var dLevel = pass.dLevel
        var dSeason = [Double](repeating: 0, count: states.seasonality.count)
        for (b, t) in pass.origins.enumerated() {
            let reference = states.level[t - 1]
            var dLogReference = 0.0                                          // ∂loss/∂log ℓ[t−1]
            for step in 0..<L {
                let i = t - L + step
                let d = Double(dInputs[step * B + b, 0])
                dSeason[i] -= d / states.seasonality[i]
                dLogReference -= d
            }
            for h in 0..<H {
                var dz = 0.0
                for q in 0..<Q { dz -= Double(dOutputs[b, q * H + h]) }
                let k = states.index(t + h, origin: t, season: m)
                dSeason[k] -= dz / states.seasonality[k]
                dLogReference -= dz
            }
            dLevel[t - 1] += dLogReference / reference
        }
        let g = smoothing.backward(pass.values, states: states, dLevel: &dLevel, dSeasonality: &dSeason)
        let k = Self.smoothingScale
        levelLogit.gradient[0, 0] += Float(k * g.levelLogit)
        seasonLogit.gradient[0, 0] += Float(k * g.seasonLogit)
        for j in 0..<m { initialLogSeason.gradient[0, j] += Float(k * g.initialLogSeason[j]) }
    }

    /// Forecasts in the units of `series` for the windows at `origins` (each needs `lookback`
    /// values before it): per origin, Q rows (one per quantile, ascending) of H values.
    /// Evaluation mode; quantiles are sorted per step, so they never cross.
    public func quantileForecasts(_ series: [Double], origins: [Int]) -> [[[Double]]] {
        guard let last = origins.max() else { return [] }
        let wasTraining = isTraining
        isTraining = false
        defer { isTraining = wasTraining }
        let H = configuration.horizon, Q = configuration.quantileCount, m = configuration.season
        let values = positive(Array(series[..<last]))
        var generator = RandomGenerator(seed: 0)      // evaluation draws nothing
        let states = smoothing.smooth(values)
        var result: [[[Double]]] = []
        result.reserveCapacity(origins.count)
        var start = 0
        while start < origins.count {
            let batch = Array(origins[start..<min(start + 256, origins.count)])
            let (outputs, _, _) = forward(values, origins: batch, smoothed: last, generator: &generator)
            for (b, t) in batch.enumerated() {
                var rows = [[Double]](repeating: [Double](repeating: 0, count: H), count: Q)
                for h in 0..<H {
                    let base = states.level[t - 1] * states.seasonality[states.index(t + h, origin: t, season: m)]
                    let column = (0..<Q).map { q in Foundation.exp(Double(outputs[b, q * H + h])) }.sorted()
                    for q in 0..<Q { rows[q][h] = column[q] * base - configuration.offset }
                }
                result.append(rows)
            }
            start += 256
        }
        return result
    }
}
