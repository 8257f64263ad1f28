import Recurrent
import Testing

/// The ETA: remaining steps × a smoothed step time + remaining evaluations × the measured
/// evaluation time, driven by an injected clock (plain numbers, no waiting).
@Suite struct RemainingTimeEstimatorTests {
    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

    @Test func stepsAndEvaluationsAreCountedSeparately() throws {
        var e = RemainingTimeEstimator()
        var clock = 100.0
        e.start(at: clock)
        clock += 30                         // the first step warms up: left out
        e.step(at: clock)
        #expect(e.remaining(steps: 10, evaluations: 0) == nil)
        for _ in 0..<4 { clock += 2; e.step(at: clock) }
        #expect(Self.close(try #require(e.stepSeconds), 2))
        #expect(Self.close(try #require(e.remaining(steps: 10, evaluations: 3)), 20))
        // An evaluation of 5 s, then its checkpoint of 1 s: neither counts as step time.
        clock += 5; e.evaluation(at: clock)
        clock += 1; e.evaluation(at: clock)
        clock += 2; e.step(at: clock)
        #expect(Self.close(try #require(e.stepSeconds), 2))
        #expect(e.evaluationSeconds == 6)
        #expect(Self.close(try #require(e.remaining(steps: 10, evaluations: 3)), 10 * 2 + 3 * 6))
    }

    @Test func oneSlowStepMovesTheEstimateLittle() throws {
        var e = RemainingTimeEstimator(decay: 0.95)
        var clock = 0.0
        e.start(at: clock)
        e.step(at: clock)
        for _ in 0..<200 { clock += 1; e.step(at: clock) }
        clock += 11; e.step(at: clock)      // one step 10 s slower than the rest
        let perStep = try #require(e.stepSeconds)
        #expect(abs(perStep - 1.5) < 1e-4)  // (1 − 0.95) × 10 more (bias correction: 1 − 0.95²⁰¹ ≈ 1)
        // Early estimates are plain means (bias correction), not pulled towards zero.
        var early = RemainingTimeEstimator(decay: 0.95)
        early.start(at: 0)
        early.step(at: 9)
        early.step(at: 12)
        early.step(at: 13)
        let mean: Double = (0.95 * 3 * 0.05 + 1 * 0.05) / (1 - 0.95 * 0.95)     // ≈ 1.97, not ≈ 0.2
        let estimate = try #require(early.stepSeconds)
        #expect(abs(estimate - mean) < 1e-12)
    }

    @Test func evaluationsLeftCountsIntervalsAndTheLastStep() {
        #expect(RemainingTimeEstimator.evaluationsLeft(after: 0, totalSteps: 1000, interval: 500) == 2)
        #expect(RemainingTimeEstimator.evaluationsLeft(after: 499, totalSteps: 1000, interval: 500) == 2)
        #expect(RemainingTimeEstimator.evaluationsLeft(after: 500, totalSteps: 1000, interval: 500) == 1)
        #expect(RemainingTimeEstimator.evaluationsLeft(after: 0, totalSteps: 1100, interval: 500) == 3)
        #expect(RemainingTimeEstimator.evaluationsLeft(after: 1000, totalSteps: 1100, interval: 500) == 1)
        #expect(RemainingTimeEstimator.evaluationsLeft(after: 1100, totalSteps: 1100, interval: 500) == 0)
    }
}
