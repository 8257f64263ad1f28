import Foundation
import Recurrent

/// A hidden Markov model with N discrete states and S discrete symbols, trained by Baum–Welch
/// (Rabiner 1989, "A Tutorial on Hidden Markov Models", §III): the memory-span baseline.
///
///     P(s₁ = i) = π_i,   P(s_{t+1} = j | s_t = i) = A_ij,   P(o_t = o | s_t = i) = B_io
///
/// All of its memory of the past is the distribution over its N states, so recalling a symbol
/// k steps back through distractors needs about S·(k+1) states; with a fixed N it fails beyond
/// some k, whatever the training. Computations are in Double with Rabiner's scaling: α̂_t is
/// the forward variable normalised to sum to 1, c_t its normaliser, log P(o) = Σ log c_t.
public struct DiscreteHMM: Sendable, Equatable {
    public let stateCount: Int
    public let symbolCount: Int
    /// π, (N).
    public var initial: [Double]
    /// A, (N, N) row-major: A[i·N + j] = P(next state j | state i).
    public var transition: [Double]
    /// B, (N, S) row-major: B[i·S + o] = P(symbol o | state i).
    public var emission: [Double]

    public init(initial: [Double], transition: [Double], emission: [Double]) {
        let n = initial.count, s = emission.count / max(n, 1)
        precondition(n > 0 && transition.count == n * n && emission.count == n * s && s > 0, "DiscreteHMM: inconsistent shapes")
        stateCount = n
        symbolCount = s
        self.initial = initial
        self.transition = transition
        self.emission = emission
    }

    /// Every row drawn from a flat Dirichlet (normalised exponentials): far enough from uniform
    /// for EM to let states specialise (from near-uniform rows it settled on predicting one
    /// symbol at every lag in our runs).
    public init(states n: Int, symbols s: Int, generator: inout RandomGenerator) {
        func row(_ count: Int) -> [Double] {
            let r = (0..<count).map { _ in -Foundation.log(1 - generator.uniformDouble()) + 1e-3 }
            let total = r.reduce(0, +)
            return r.map { $0 / total }
        }
        self.init(initial: row(n), transition: (0..<n).flatMap { _ in row(n) }, emission: (0..<n).flatMap { _ in row(s) })
    }

    /// N² + N·S + N stored probabilities.
    public var parameterCount: Int { stateCount * stateCount + stateCount * symbolCount + stateCount }

    /// Scaled forward pass over `o` (T symbols): α̂, (T, N) row-major, and the scales c_t.
    ///
    ///     α₁(i) = π_i B_i(o₁),   α_t(j) = Σ_i α̂_{t−1}(i) A_ij B_j(o_t),   c_t = Σ_j α_t(j),   α̂_t = α_t / c_t
    public func forward(_ o: [Int]) -> (alpha: [Double], scales: [Double]) {
        let n = stateCount, s = symbolCount, t = o.count
        var alpha = [Double](repeating: 0, count: t * n)
        var scales = [Double](repeating: 0, count: t)
        for step in 0..<t {
            var total = 0.0
            for j in 0..<n {
                var a: Double
                if step == 0 {
                    a = initial[j]
                } else {
                    a = 0
                    for i in 0..<n { a += alpha[(step - 1) * n + i] * transition[i * n + j] }
                }
                a *= emission[j * s + o[step]]
                alpha[step * n + j] = a
                total += a
            }
            scales[step] = total
            if total > 0 { for j in 0..<n { alpha[step * n + j] /= total } }
        }
        return (alpha, scales)
    }

    /// Scaled backward pass: β̂, (T, N), with β̂_T = 1 and
    /// β̂_t(i) = Σ_j A_ij B_j(o_{t+1}) β̂_{t+1}(j) / c_{t+1}, so that α̂_t(i) β̂_t(i) = P(s_t = i | o).
    public func backward(_ o: [Int], scales: [Double]) -> [Double] {
        let n = stateCount, s = symbolCount, t = o.count
        var beta = [Double](repeating: 0, count: t * n)
        for i in 0..<n { beta[(t - 1) * n + i] = 1 }
        if t < 2 { return beta }
        for step in stride(from: t - 2, through: 0, by: -1) {
            let c = scales[step + 1]
            for i in 0..<n {
                var b = 0.0
                for j in 0..<n { b += transition[i * n + j] * emission[j * s + o[step + 1]] * beta[(step + 1) * n + j] }
                beta[step * n + i] = c > 0 ? b / c : 0
            }
        }
        return beta
    }

    /// log P(o) = Σ_t log c_t (−∞ for an impossible sequence).
    public func logLikelihood(_ o: [Int]) -> Double {
        forward(o).scales.reduce(0) { $0 + Foundation.log($1) }
    }

    /// The predictive distribution of the next symbol: P(o_{T+1} = o | o₁…o_T) = Σ_i α̂_T(i) Σ_j A_ij B_j(o).
    public func predictNext(_ o: [Int]) -> [Double] {
        let n = stateCount, s = symbolCount
        let alpha = forward(o).alpha
        let last = Array(alpha[(o.count - 1) * n..<o.count * n])
        var p = [Double](repeating: 0, count: s)
        for j in 0..<n {
            var reach = 0.0
            for i in 0..<n { reach += last[i] * transition[i * n + j] }
            for symbol in 0..<s { p[symbol] += reach * emission[j * s + symbol] }
        }
        return p
    }

    /// One Baum–Welch (EM) re-estimation from `sequences`; returns their total log-likelihood
    /// under the model before the update. With γ_t(i) = α̂_t(i) β̂_t(i) and
    /// ξ_t(i, j) = α̂_t(i) A_ij B_j(o_{t+1}) β̂_{t+1}(j) / c_{t+1}, summed over sequences:
    ///
    ///     π_i = Σ γ₁(i) / M,   A_ij = Σ_{t<T} ξ_t(i, j) / Σ_{t<T} γ_t(i),   B_io = Σ_{t: o_t = o} γ_t(i) / Σ_t γ_t(i)
    ///
    /// A state that receives no posterior mass keeps its old row (the update is 0/0 there).
    /// Sequences the model gives probability 0 are skipped.
    @discardableResult
    public mutating func baumWelchStep(_ sequences: [[Int]]) -> Double {
        let n = stateCount, s = symbolCount
        var initialCount = [Double](repeating: 0, count: n)
        var transitionCount = [Double](repeating: 0, count: n * n)
        var transitionTotal = [Double](repeating: 0, count: n)
        var emissionCount = [Double](repeating: 0, count: n * s)
        var emissionTotal = [Double](repeating: 0, count: n)
        var logLikelihood = 0.0, used = 0
        for o in sequences where !o.isEmpty {
            let (alpha, scales) = forward(o)
            guard scales.allSatisfy({ $0 > 0 }) else { continue }
            used += 1
            logLikelihood += scales.reduce(0) { $0 + Foundation.log($1) }
            let beta = backward(o, scales: scales)
            let t = o.count
            for step in 0..<t {
                for i in 0..<n {
                    let gamma = alpha[step * n + i] * beta[step * n + i]
                    if step == 0 { initialCount[i] += gamma }
                    emissionCount[i * s + o[step]] += gamma
                    emissionTotal[i] += gamma
                    if step < t - 1 {
                        transitionTotal[i] += gamma
                        let a = alpha[step * n + i] / scales[step + 1]
                        for j in 0..<n {
                            transitionCount[i * n + j] += a * transition[i * n + j] * emission[j * s + o[step + 1]] * beta[(step + 1) * n + j]
                        }
                    }
                }
            }
        }
        guard used > 0 else { return -.infinity }
        for i in 0..<n { initial[i] = initialCount[i] / Double(used) }
        for i in 0..<n where transitionTotal[i] > 0 {
            for j in 0..<n { transition[i * n + j] = transitionCount[i * n + j] / transitionTotal[i] }
        }
        for i in 0..<n where emissionTotal[i] > 0 {
            for o in 0..<s { emission[i * s + o] = emissionCount[i * s + o] / emissionTotal[i] }
        }
        return logLikelihood
    }
}
