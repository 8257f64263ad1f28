import Foundation
import Testing
import Recurrent

@Suite struct LearningRateScheduleTests {
    /// The rates a schedule gives for units 0 ..< count, stepping after each.
    func rates<S: LearningRateSchedule>(_ schedule: S, _ count: Int) -> [Double] {
        var s = schedule
        return (0..<count).map { _ in defer { s.step() }; return s.learningRate }
    }

    func expectClose(_ a: [Double], _ b: [Double]) {
        #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) },
                "got \(a), expected \(b)")
    }

    @Test func constant() {
        #expect(rates(ConstantSchedule(rate: 0.1), 4) == [0.1, 0.1, 0.1, 0.1])
    }

    @Test func charRNNDecaysBy097PerEpochAfterEpoch10() {
        // char-rnn's train.lua: at the end of each epoch e (1-based) with e ≥ 10, lr ← lr·0.97.
        var lr = 2e-3
        var expected: [Double] = []
        for epoch in 1...15 {
            expected.append(lr)                    // the rate epoch `epoch` trains with
            if epoch >= 10 { lr *= 0.97 }
        }
        let schedule = StepDecaySchedule(initialRate: 2e-3, factor: 0.97, firstDecay: 10)
        expectClose(rates(schedule, 15), expected)
        #expect(schedule.learningRate(after: 9) == 2e-3)
        #expect(abs(schedule.learningRate(after: 12) - 2e-3 * pow(0.97, 3)) < 1e-15)
    }

    @Test func stepDecayAsPyTorchStepLR() {
        // StepLR(step_size: 3, gamma: 0.5): lr·0.5^⌊c/3⌋.
        expectClose(rates(StepDecaySchedule(initialRate: 1, factor: 0.5, every: 3), 8),
                    [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25])
    }

    @Test func exponential() {
        expectClose(rates(ExponentialSchedule(initialRate: 0.1, factor: 0.9), 4), [0.1, 0.09, 0.081, 0.0729])
    }

    @Test func cosineWithWarmup() {
        let schedule = CosineSchedule(peakRate: 1, minimumRate: 0.1, warmupSteps: 4, totalSteps: 12)
        let r = rates(schedule, 14)
        // Warm-up 1/4, 2/4, 3/4, 4/4; cosine from 1 at c = 4 through 0.55 at c = 8 to 0.1 at c = 12.
        expectClose(Array(r[0..<4]), [0.25, 0.5, 0.75, 1])
        expectClose([r[4], r[8], r[12], r[13]], [1, 0.55, 0.1, 0.1])
        expectClose([r[6]], [0.1 + 0.9 * 0.5 * (1 + cos(Double.pi / 4))])
        #expect(zip(r[4...], r[5...]).allSatisfy { $0 >= $1 })          // never rises after the peak
    }

    @Test func cosineWithoutWarmupIsCosineAnnealing() {
        // CosineAnnealingLR(T_max: 4, eta_min: 0): ½(1 + cos(πc/4)).
        expectClose(rates(CosineSchedule(peakRate: 2, totalSteps: 4), 5),
                    [2, 1 + cos(Double.pi / 4), 1, 1 - cos(Double.pi / 4), 0])
    }

    @Test func reduceOnPlateauFollowsPyTorch() {
        // Expected rates from torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=2,
        // cooldown=1, min_lr=0.2), lr 1, stepped with these losses (computed with PyTorch 2.15; 0.8999 counts as better than 0.9 by the 1e-4 relative threshold).
        var s = ReduceOnPlateauSchedule(initialRate: 1, factor: 0.5, patience: 2, cooldown: 1, minimumRate: 0.2)
        let losses = [1.0, 0.9, 0.9, 0.95, 0.8999, 0.91, 0.92, 0.93, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
        var seen: [Double] = []
        for loss in losses { s.step(metric: loss); seen.append(s.learningRate) }
        #expect(seen == [1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2])
        #expect(s.best == 0.5)
    }

    @Test func reduceOnPlateauRelativeThresholdAndNaN() {
        var s = ReduceOnPlateauSchedule(initialRate: 1, patience: 0)
        s.step(metric: 1)
        s.step(metric: 0.99995)         // better by 5e-5 < 1e-4 relative: a bad step, patience 0 → ×0.1
        #expect(abs(s.learningRate - 0.1) < 1e-15 && s.best == 1)
        s.step(metric: .nan)            // NaN is never better
        #expect(abs(s.learningRate - 0.01) < 1e-15)
        s.step()                        // no metric: nothing happens
        #expect(abs(s.learningRate - 0.01) < 1e-15 && s.completed == 3)
    }

    @Test func statesRoundTripThroughJSONAndContinue() throws {
        let schedules: [AnyLearningRateSchedule] = [
            .constant(ConstantSchedule(rate: 0.3)),
            .stepDecay(StepDecaySchedule(initialRate: 2e-3, factor: 0.97, firstDecay: 2)),
            .exponential(ExponentialSchedule(initialRate: 1, factor: 0.5)),
            .cosine(CosineSchedule(peakRate: 1, warmupSteps: 2, totalSteps: 6)),
            .reduceOnPlateau(ReduceOnPlateauSchedule(initialRate: 1, patience: 0)),
        ]
        for var schedule in schedules {
            for loss in [3.0, 2.0, 2.5] { schedule.step(metric: loss) }
            let data = try JSONEncoder().encode(schedule)
            var restored = try JSONDecoder().decode(AnyLearningRateSchedule.self, from: data)
            #expect(restored == schedule)
            for loss in [2.6, 2.7] { schedule.step(metric: loss); restored.step(metric: loss) }
            #expect(restored.learningRate == schedule.learningRate)
        }
        // A fresh plateau schedule (no best yet) also encodes: no infinities in its state.
        _ = try JSONEncoder().encode(ReduceOnPlateauSchedule(initialRate: 1))
    }
}
