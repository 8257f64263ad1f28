import Foundation
import Recurrent
import Testing

/// Training to a time budget: the plan, the deadline, re-planning, and exact resume. Time comes
/// from injected clocks, never the wall clock.
@Suite struct TimeBudgetTests {
    typealias S = EngineTestSupport

    /// A clock the test moves: `tick` seconds per reading.
    final class FakeClock: @unchecked Sendable {
        var now = 0.0
        var tick: Double
        init(tick: Double) { self.tick = tick }
        func read() -> Double {
            now += tick
            return now
        }
    }

    static func trainer(tokens: [Int32], validation: [Int32], budget: Double, probe: (step: Double, evaluation: Double),
                        clock: FakeClock, dropout: Float = 0.3) throws -> LanguageModelTrainer {
        let trainer = try TrainerTests.trainer(try S.model(dropout: dropout), tokens: tokens, steps: 1,
                                               schedule: ScheduleConfiguration(kind: .cosine), validation: validation)
        trainer.clock = clock.read
        trainer.costProbe = { probe }
        trainer.setBudget(seconds: budget)
        return trainer
    }

    /// 100 s, 1 s per step, 2 s per evaluation: K = ⌊0.1·100/2⌋ = 5 evaluations, 90 steps
    /// (90 + 5·2 = 100), every 18 steps, warm-up ⌈0.02·90⌉ = 2.
    @Test func initialPlanFitsStepsAndEvaluationsIntoTheBudget() {
        let plan = TimeBudgetPlanner.initialPlan(budget: 100, remaining: 100, completedSteps: 0, stepSeconds: 1,
                                                 evaluationSeconds: 2)
        #expect(plan == TrainingPlan(totalSteps: 90, warmupSteps: 2, evaluationInterval: 18))
        // Cheap evaluations: at most 20, the first after 5% of the steps.
        let cheap = TimeBudgetPlanner.initialPlan(budget: 1200, remaining: 1200, completedSteps: 0, stepSeconds: 0.5,
                                                  evaluationSeconds: 0.1)
        #expect(cheap.evaluationInterval == (cheap.totalSteps + 19) / 20)
        #expect(Double(cheap.totalSteps) * 0.5 + 20 * 0.1 <= 1200)
        #expect(Double(cheap.totalSteps + 1) * 0.5 + 20 * 0.1 > 1200)
        // Costly evaluations: at least two (one before the end), however dear.
        let dear = TimeBudgetPlanner.initialPlan(budget: 100, remaining: 100, completedSteps: 0, stepSeconds: 1,
                                                 evaluationSeconds: 30)
        #expect(dear.totalSteps == 40 && dear.evaluationInterval == 20)
        // A user's --eval-every is kept.
        let fixed = TimeBudgetPlanner.initialPlan(budget: 100, remaining: 100, completedSteps: 0, stepSeconds: 1,
                                                  evaluationSeconds: 2, evaluationInterval: 7)
        #expect(fixed.evaluationInterval == 7)
        #expect(Double(fixed.totalSteps) + 2 * Double((fixed.totalSteps + 6) / 7) <= 100)
        // Too little time still makes one step.
        let tiny = TimeBudgetPlanner.initialPlan(budget: 1, remaining: 1, completedSteps: 0, stepSeconds: 5, evaluationSeconds: 5)
        #expect(tiny.totalSteps == 1 && tiny.warmupSteps == 0)
        // Later: from step 40 with 30 s left, evaluating every 18: 26 more steps and 2 evaluations (54, 66).
        #expect(TimeBudgetPlanner.totalSteps(remaining: 30, completedSteps: 40, stepSeconds: 1, evaluationSeconds: 2,
                                             interval: 18) == 66)
    }

    /// The trainer follows the plan (steps, evaluation interval, a cosine fitted to it with its
    /// warm-up) and stays within the budget on the injected clock.
    @Test func trainerFollowsThePlanAndFitsTheBudget() throws {
        let tokens = S.stream(count: 400, vocabulary: 7), validation = S.stream(count: 40, vocabulary: 7, seed: 4)
        let clock = FakeClock(tick: 1)
        // Every reading of the clock costs 1 s: one per step, one per evaluation.
        let trainer = try Self.trainer(tokens: tokens, validation: validation, budget: 100, probe: (1, 2), clock: clock)
        var rates: [Double] = []
        _ = try trainer.train { if case .step(let r) = $0 { rates.append(r.learningRate) } }
        let budget = try #require(trainer.state.budget)
        let plan = try #require(budget.plan)
        #expect(plan.evaluationInterval == 18 && plan.warmupSteps == 2)
        #expect(budget.spent <= 100)
        #expect(trainer.state.step == plan.totalSteps)
        #expect(trainer.state.history.map(\.step).prefix(3) == [18, 36, 54])
        // Warm-up to the peak, then down to (nearly) zero at the last step.
        #expect(rates[0] == 0.005 && rates[1] == 0.01)
        #expect(rates.max() == 0.01)
        #expect(rates.last! < 0.0005)
    }

    /// When steps take twice the planned time, the re-plans cut the step count and the run
    /// still ends within the budget (the deadline check ends it at the latest).
    @Test func slowerStepsArePlannedAgainAndTheDeadlineHolds() throws {
        let tokens = S.stream(count: 400, vocabulary: 7), validation = S.stream(count: 40, vocabulary: 7, seed: 4)
        let clock = FakeClock(tick: 2)
        let trainer = try Self.trainer(tokens: tokens, validation: validation, budget: 100, probe: (1, 2), clock: clock)
        var totals: Set<Int> = []
        _ = try trainer.train { if case .step(let r) = $0 { totals.insert(r.totalSteps) } }
        let budget = try #require(trainer.state.budget)
        #expect(totals.count > 1)
        #expect(trainer.state.step < 90)
        #expect(budget.spent <= 100)
        #expect(trainer.state.history.last?.step == trainer.state.step)    // the last step is validated
    }

    /// Interrupted and resumed with the same planned step count (a clock that does not move
    /// keeps the plan): bit-identical to the uninterrupted run, the plan and budget restored
    /// from the checkpoint.
    @Test func resumedBudgetedRunMatchesTheUninterruptedOne() throws {
        let tokens = S.stream(count: 200, vocabulary: 7), validation = S.stream(count: 40, vocabulary: 7, seed: 4)
        let straight = try Self.trainer(tokens: tokens, validation: validation, budget: 60, probe: (1, 2), clock: FakeClock(tick: 0))
        _ = try straight.train()
        let plan = try #require(straight.state.budget?.plan)
        #expect(plan == TrainingPlan(totalSteps: 54, warmupSteps: 2, evaluationInterval: 18))

        let first = try Self.trainer(tokens: tokens, validation: validation, budget: 60, probe: (1, 2), clock: FakeClock(tick: 0))
        var stepsRun = 0
        let outcome = try first.train(onEvent: { if case .step = $0 { stepsRun += 1 } }, shouldStop: { stepsRun == 23 })
        #expect(outcome == .interrupted(step: 23))
        let bytes = try first.makeCheckpoint().serialized()

        let file = try SafeTensors(bytes: bytes)
        let configuration = try TrainingConfiguration(jsonString: try #require(file.metadata[CheckpointKey.trainingConfiguration]))
        #expect(configuration.totalSteps == 54 && configuration.evaluationInterval == 18)
        let model = try LanguageModel(checkpoint: file)
        let resumed = try LanguageModelTrainer(
            model: model, configuration: configuration,
            training: try #require(StreamBatcher(tokens: tokens, batchSize: 4, sequenceLength: 6)),
            validation: StreamBatcher(tokens: validation, batchSize: 2, sequenceLength: 6), generator: RandomGenerator(seed: 5))
        resumed.clock = FakeClock(tick: 0).read
        resumed.costProbe = { Issue.record("a planned run must not probe again"); return (1, 2) }
        try resumed.restore(from: file)
        #expect(resumed.state.budget?.plan == plan)
        _ = try resumed.train()
        #expect(S.values(model) == S.values(straight.model))
        #expect(resumed.state.history.map(\.validationLoss) == straight.state.history.map(\.validationLoss))
        #expect(resumed.state.history.map(\.learningRate) == straight.state.history.map(\.learningRate))
    }

    /// A new budget on resume replaces the old one and plans again; a step count drops it.
    @Test func budgetCanBeReplacedOrCleared() throws {
        let tokens = S.stream(count: 200, vocabulary: 7), validation = S.stream(count: 40, vocabulary: 7, seed: 4)
        let trainer = try Self.trainer(tokens: tokens, validation: validation, budget: 30, probe: (1, 2), clock: FakeClock(tick: 0))
        _ = try trainer.train()
        let done = trainer.state.step
        trainer.setBudget(seconds: 30)
        #expect(trainer.state.budget?.plan != nil)        // the same budget keeps its plan
        trainer.setBudget(seconds: 90)
        #expect(trainer.state.budget?.plan == nil)
        _ = try trainer.train()
        #expect(trainer.state.step > done)
        trainer.clearBudget()
        #expect(trainer.state.budget == nil)
    }
}
