import Foundation
import Testing
@testable import RecurrentTasks

/// Outcomes judged at the end of training, collapse, budgets that grow with the lag, and the
/// JSON report.
@Suite struct OutcomeTests {
    @Test func collapseNeedsTheLastThreeAboveOneAndAHalfBaselinesAfterBeingBelow() {
        let b = 0.167
        #expect(Outcome.collapsed(losses: [0.17, 0.10, 0.30, 0.70, 0.70, 0.70], baselineLoss: b))
        // Never below the baseline: not a collapse (it never learned).
        #expect(!Outcome.collapsed(losses: [0.17, 0.18, 0.30, 0.70, 0.70, 0.70], baselineLoss: b))
        // Back up, but the mean of the last three is not above 1.5 × baseline.
        #expect(!Outcome.collapsed(losses: [0.17, 0.10, 0.20, 0.24, 0.25, 0.25], baselineLoss: b))
        // A single late spike is averaged away.
        #expect(!Outcome.collapsed(losses: [0.17, 0.05, 0.01, 0.01, 0.60, 0.01], baselineLoss: b))
        // NaN at the end counts as above.
        #expect(Outcome.collapsed(losses: [0.17, 0.10, 0.30, 0.30, .nan], baselineLoss: b))
        // Too short to judge.
        #expect(!Outcome.collapsed(losses: [0.10, 0.9, 0.9], baselineLoss: b))
    }

    /// A run that met the criterion and lost it again is not solved; the runner records both.
    @Test func solvedIsJudgedAtTheEnd() throws {
        let task = CopyTask(delay: 3, symbolCount: 2, testSize: 20)
        let c = ExperimentConfiguration(cells: [.lstm], seeds: [1], steps: 8, batchSize: 4, hiddenSize: 6,
                                        evaluateEvery: 4, stopWhenSolved: false, jobs: 1)
        var r = try ExperimentRunner(task: task, configuration: c).run().runs[0]
        #expect(r.model != nil)
        #expect(r.solved == (task.isSolved(r.final) && !r.diverged))
        r.divergedAtStep = nil
        r.collapsed = false
        r.firstSolvedAtStep = 4
        r.solvedAtEnd = false
        #expect(!r.solved && ExperimentReport.mark(r) == " ○ 4")
        r.solvedAtEnd = true
        #expect(r.solved && ExperimentReport.mark(r) == " ✓ 4")
        r.collapsed = true
        #expect(!r.solved && r.diverged && ExperimentReport.mark(r) == " ↯")
    }

    @Test func budgetsGrowWithTheSquareOfTheLag() {
        let base = ExperimentConfiguration.defaults(for: AddingTask(length: 100)).steps
        #expect(base == 1500)
        #expect(ExperimentConfiguration.defaults(for: AddingTask(length: 200)).steps == 6000)
        #expect(ExperimentConfiguration.defaults(for: AddingTask(length: 50)).steps == 1500)
        #expect(ExperimentConfiguration.defaults(for: AddingTask(form: .hochreiter1997, length: 500)).steps == 37_500)
        #expect(ExperimentConfiguration.defaults(for: CopyTask(delay: 60)).steps == 12_000)
        #expect(ExperimentConfiguration.defaults(for: ClippingTask(length: 100)).steps == 2000)
        // Rounded up to the evaluation interval.
        #expect(ExperimentConfiguration.defaults(for: TemporalOrderTask(length: 115)).steps % 100 == 0)
    }

    @Test func onlyTheHochreiterSchmidhuberTasksStartTheInputGatesShut() {
        #expect(ExperimentConfiguration.defaults(for: TemporalOrderTask()).inputBias == -3)
        #expect(ExperimentConfiguration.defaults(for: TemporalOrderTask(symbols: 3)).inputBias == -3)
        #expect(ExperimentConfiguration.defaults(for: AddingTask(form: .hochreiter1997)).inputBias == -3)
        #expect(MemorySpanExperiment.defaultConfiguration.inputBias == -3)
        let others: [any MemoryTask] = [AddingTask(), CopyTask(), ClippingTask(), TimingTask()]
        for task in others { #expect(ExperimentConfiguration.defaults(for: task).inputBias == nil, "\(task.name)") }
    }

    @Test func aRunOutOfBudgetIsWarnedAboutAndTheJSONHoldsEveryRun() throws {
        let task = AddingTask(length: 30, testSize: 20)
        let c = ExperimentConfiguration(cells: [.rnn, .lstm], seeds: [3, 4], steps: 4, batchSize: 4, hiddenSize: 5,
                                        evaluateEvery: 2, stopWhenSolved: true, jobs: 1)
        let report = try ExperimentRunner(task: task, configuration: c).run()
        #expect(report.runs.allSatisfy { $0.stoppedAtBudget })     // 4 steps cannot solve T = 30
        #expect(report.warnings.count == 2 && report.warnings[0].contains("rnn: 2 of 2 runs (seeds 3, 4) stopped at the budget of 4 steps"))
        #expect(report.table().contains("warning: lstm"))
        let text = try report.jsonText()
        let decoded = try MetadataJSON.decode(ExperimentJSON.self, from: text)
        #expect(decoded.runs.count == 4 && decoded.arms.count == 2)
        #expect(decoded.runs.map(\.seed) == [3, 3, 4, 4])
        #expect(decoded.runs.allSatisfy { $0.curve.map(\.step) == [0, 2, 4] && !$0.solved && $0.stoppedAtBudget })
        #expect(decoded.configuration.steps == 4 && decoded.warnings == report.warnings)
        // The step-0 train loss is NaN: written as a string, read back as NaN.
        #expect(text.contains("\"trainLoss\":\"nan\""))
    }
}
