import Foundation
import Testing
@testable import RecurrentTasks

/// The HMM's forward, backward and Baum–Welch step against a hand-computed case and against
/// brute-force enumeration of every state path.
@Suite struct DiscreteHMMTests {
    /// N = 2, S = 2: π = (0.6, 0.4), A = [[0.7, 0.3], [0.4, 0.6]], B = [[0.9, 0.1], [0.2, 0.8]].
    static let hmm = DiscreteHMM(initial: [0.6, 0.4], transition: [0.7, 0.3, 0.4, 0.6], emission: [0.9, 0.1, 0.2, 0.8])

    /// o = (0, 1), by hand:
    /// α₁ = (0.6·0.9, 0.4·0.2) = (0.54, 0.08), c₁ = 0.62;
    /// α₂(0) = (0.54·0.7 + 0.08·0.4)·0.1 = 0.041, α₂(1) = (0.54·0.3 + 0.08·0.6)·0.8 = 0.168, so
    /// P(o) = 0.209; in scaled form c₂ = 0.209 / 0.62.
    @Test func forwardAndBackwardMatchTheHandComputedCase() {
        let (alpha, scales) = Self.hmm.forward([0, 1])
        #expect(abs(scales[0] - 0.62) < 1e-12)
        #expect(abs(scales[0] * scales[1] - 0.209) < 1e-12)
        #expect(abs(alpha[0] - 0.54 / 0.62) < 1e-12 && abs(alpha[1] - 0.08 / 0.62) < 1e-12)
        #expect(abs(alpha[2] - 0.041 / 0.209) < 1e-12 && abs(alpha[3] - 0.168 / 0.209) < 1e-12)
        #expect(abs(Self.hmm.logLikelihood([0, 1]) - log(0.209)) < 1e-12)
        // β₁(i) = Σ_j A_ij B_j(1): (0.7·0.1 + 0.3·0.8, 0.4·0.1 + 0.6·0.8) = (0.31, 0.52); scaled by c₂.
        let beta = Self.hmm.backward([0, 1], scales: scales)
        let c2 = 0.209 / 0.62
        #expect(abs(beta[0] - 0.31 / c2) < 1e-12 && abs(beta[1] - 0.52 / c2) < 1e-12 && beta[2] == 1 && beta[3] == 1)
        // γ₁ = (0.54·0.31, 0.08·0.52) / 0.209.
        #expect(abs(alpha[0] * beta[0] - 0.54 * 0.31 / 0.209) < 1e-12)
    }

    /// One Baum–Welch step on the single sequence (0, 1), by hand from the posteriors:
    /// γ₁ = (0.1674, 0.0416)/0.209, ξ₁(i, j) = α₁(i) A_ij B_j(1) / 0.209.
    @Test func oneBaumWelchStepMatchesTheHandComputedCase() {
        var hmm = Self.hmm
        let logLikelihood = hmm.baumWelchStep([[0, 1]])
        #expect(abs(logLikelihood - log(0.209)) < 1e-12)
        let p = 0.209
        let gamma1 = [0.54 * 0.31 / p, 0.08 * 0.52 / p]
        let gamma2 = [0.041 / p, 0.168 / p]
        let xi = [0.54 * 0.7 * 0.1 / p, 0.54 * 0.3 * 0.8 / p, 0.08 * 0.4 * 0.1 / p, 0.08 * 0.6 * 0.8 / p]
        for i in 0..<2 {
            #expect(abs(hmm.initial[i] - gamma1[i]) < 1e-12)
            for j in 0..<2 { #expect(abs(hmm.transition[i * 2 + j] - xi[i * 2 + j] / gamma1[i]) < 1e-12) }
            let total = gamma1[i] + gamma2[i]
            #expect(abs(hmm.emission[i * 2 + 0] - gamma1[i] / total) < 1e-12)
            #expect(abs(hmm.emission[i * 2 + 1] - gamma2[i] / total) < 1e-12)
        }
    }

    /// P(o) and the next-symbol distribution by summing over all N^T state paths.
    @Test func forwardAndPredictionMatchEnumeration() {
        var g = RandomGenerator(seed: 5)
        let hmm = DiscreteHMM(states: 3, symbols: 4, generator: &g)
        let o = [2, 0, 3, 3, 1]
        func pathProbability(_ o: [Int]) -> Double {
            var total = 0.0
            let n = hmm.stateCount, t = o.count
            for code in 0..<Int(pow(Double(n), Double(t))) {
                var path: [Int] = [], c = code
                for _ in 0..<t { path.append(c % n); c /= n }
                var p = hmm.initial[path[0]] * hmm.emission[path[0] * 4 + o[0]]
                for s in 1..<t { p *= hmm.transition[path[s - 1] * n + path[s]] * hmm.emission[path[s] * 4 + o[s]] }
                total += p
            }
            return total
        }
        let p = pathProbability(o)
        #expect(abs(hmm.logLikelihood(o) - log(p)) < 1e-10)
        let next = hmm.predictNext(o)
        #expect(abs(next.reduce(0, +) - 1) < 1e-12)
        for symbol in 0..<4 { #expect(abs(next[symbol] - pathProbability(o + [symbol]) / p) < 1e-10) }
    }

    /// EM never lowers the likelihood, and an HMM with enough states learns to recall at a short lag.
    @Test func baumWelchClimbsAndLearnsAShortRecall() throws {
        let task = MemorySpanTask(lag: 2, symbolCount: 2, testSize: 200)
        var data = RandomGenerator(seed: 1), initial = RandomGenerator(seed: 2)
        let training = MemorySpanTask.symbolSequences(try task.makeBatch(batchSize: 300, generator: &data))
        var hmm = DiscreteHMM(states: 8, symbols: 2, generator: &initial)
        var previous = -Double.infinity
        for _ in 0..<40 {
            let ll = hmm.baumWelchStep(training)
            #expect(ll >= previous - 1e-6)
            previous = ll
        }
        let experiment = MemorySpanExperiment(lags: [2], symbolCount: 2, hmmStates: 8, hmmIterations: 40, hmmTrainingSize: 300, testSize: 200)
        let accuracy = try experiment.hmmAccuracy(task: task, seed: 1)
        #expect(accuracy > 0.9)     // chance is 0.5
    }

    @Test func memorySpanSequencesEndWithTheFirstSymbol() throws {
        var g = RandomGenerator(seed: 3)
        let task = MemorySpanTask(lag: 4, symbolCount: 3)
        let batch = try task.makeBatch(batchSize: 5, generator: &g)
        #expect(batch.sequenceLength == 5)
        for s in MemorySpanTask.symbolSequences(batch) {
            #expect(s.count == 6 && s.last == s.first && s.allSatisfy { (0..<3).contains($0) })
        }
        let lstm = MemorySpanExperiment(symbolCount: 4)
        let n = lstm.resolvedHMMStates
        let lstmParameters = RecurrentCellKind.lstm.parameterCount(inputSize: 4, hiddenSize: 32) + 33 * 4
        #expect(n * n + 5 * n >= lstmParameters && (n - 1) * (n - 1) + 5 * (n - 1) < lstmParameters)
    }
}
