import Testing
@testable import RecurrentTasks

/// Fast versions of the two headline contrasts, small enough for a debug build in CI: the
/// same budget, seeds and batches for an LSTM and a tanh RNN; the LSTM crosses the lag, the
/// RNN stays at the memoryless baseline. The full versions (T = 100, five seeds) are the
/// default runs of `recurrent experiment adding` / `temporal-order`, in docs/experiments.md.
///
/// Margins: in release runs of these settings every LSTM of seeds 1–8 solved its task, by step
/// 475 (adding) and 300 (temporal order) at the latest, and every RNN stayed within 20% of the
/// baseline. Training is not smooth: the temporal-order LSTM of seed 2 is thrown back by a
/// gradient spike at step 400 and solves the task by step 800. Another GEMM kernel (AVX2
/// instead of AVX-512) rounds differently and can move such spikes, so the test asks for two
/// solved LSTMs out of three, with a budget of 800 steps.
@Suite struct MemoryContrastTests {
    static func configuration() -> ExperimentConfiguration {
        ExperimentConfiguration(cells: [.rnn, .lstm], seeds: [1, 2, 3], steps: 800, batchSize: 32, hiddenSize: 32,
                                optimizer: .adam, learningRate: 0.01, clipNorm: 1, forgetBias: 3,
                                evaluateEvery: 50, stopWhenSolved: true, jobs: 2)
    }

    @Test func addingLSTMRemembersRNNDoesNot() throws {
        // T = 30: two marked values in [0, 1], one in each half; target their sum. Baseline 0.167.
        let task = AddingTask(length: 30, testSize: 200)
        let report = try ExperimentRunner(task: task, configuration: Self.configuration()).run()
        let lstm = report.runs.filter { $0.arm.cell == .lstm }, rnn = report.runs.filter { $0.arm.cell == .rnn }
        #expect(lstm.filter { $0.final.loss < 0.01 }.count >= 2, "LSTM test MSE: \(lstm.map(\.final.loss))")
        #expect(rnn.allSatisfy { $0.final.loss > 0.1 }, "RNN test MSE: \(rnn.map(\.final.loss))")
    }

    @Test func temporalOrderLSTMRemembersRNNDoesNot() throws {
        // T = 30–33: X/Y at t1 in [3, 6] and t2 in [15, 18] among random distractors; 4 classes.
        let task = TemporalOrderTask(symbols: 2, length: 30, testSize: 200)
        let report = try ExperimentRunner(task: task, configuration: Self.configuration()).run()
        let lstm = report.runs.filter { $0.arm.cell == .lstm }, rnn = report.runs.filter { $0.arm.cell == .rnn }
        #expect(lstm.filter { $0.final.score >= 0.99 }.count >= 2, "LSTM accuracy: \(lstm.map(\.final.score))")
        #expect(rnn.allSatisfy { $0.final.score < 0.5 }, "RNN accuracy: \(rnn.map(\.final.score))")
    }

    /// Memory span at k = 50 with the experiment's default gate biases (forget 5, input −3): in
    /// release runs with the default budget, the LSTMs of seeds 1–3 reached 100% by step 300–400.
    @Test func memorySpanLSTMRecallsFiftyStepsBack() throws {
        var c = MemorySpanExperiment.defaultConfiguration
        c.cells = [.lstm]
        c.seeds = [1, 2, 3]
        c.steps = 800
        c.jobs = 2
        let report = try ExperimentRunner(task: MemorySpanTask(lag: 50, testSize: 200), configuration: c).run()
        #expect(report.runs.filter { $0.final.score >= 0.99 }.count >= 2, "LSTM accuracy: \(report.runs.map(\.final.score))")
    }
}
