import Foundation
import Recurrent
import Testing

/// `recurrent train --time`: durations, conflicts, and a short budgeted run that plans, keeps
/// its plan in the checkpoint and ends with a best model. Nothing here asserts on time.
@Suite struct TimeBudgetCLITests {
    @Test func durationsNeedAUnitAndExcludeAStepCount() throws {
        let directory = try CLI.corpusFolder("time-options")
        for bad in ["20", "m", "1x", "0s", "30s1h", "1m 30s"] {
            let r = try CLI.run(["train", "a.txt", "--time", bad], in: directory)
            #expect(!r.succeeded)
            #expect(r.stderr.contains("--time needs a duration with a unit, such as 20m, 90s, 1h or 1h30m; got '\(bad)'"), "\(r.stderr)")
        }
        let both = try CLI.run(["train", "a.txt", "--time", "1m", "--steps", "3"], in: directory)
        #expect(!both.succeeded && both.stderr.contains("give one of --epochs, --steps and --time"), "\(both.stderr)")
    }

    @Test func budgetedRunPlansAndKeepsTheBestModel() throws {
        let directory = try CLI.corpusFolder("time-run")
        let r = try CLI.run(["train", "a.txt", "--time", "0.05m", "--hidden-size", "16", "--layers", "1", "--embedding-size", "8",
                             "--seq-length", "8", "--batch-size", "4", "--validation-fraction", "0.3", "--output", "run"],
                            in: directory)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(r.stderr.contains("training: to a budget of 3s (steps planned from a speed probe)"), "\(r.stderr)")
        #expect(r.stderr.contains("plan: "), "\(r.stderr)")
        #expect(r.stderr.contains("budget with validation"), "\(r.stderr)")
        let best = try SafeTensors(contentsOf: directory.appendingPathComponent("run/best.safetensors").path)
        let latest = try SafeTensors(contentsOf: directory.appendingPathComponent("run/latest.safetensors").path)
        let state = try TrainingState(jsonString: try #require(latest.metadata[CheckpointKey.trainingState]))
        let budget = try #require(state.budget)
        let plan = try #require(budget.plan)
        #expect(budget.seconds == 3)
        #expect(state.step == plan.totalSteps)
        #expect(!state.history.isEmpty)
        let configuration = try TrainingConfiguration(jsonString: try #require(latest.metadata[CheckpointKey.trainingConfiguration]))
        #expect(configuration.schedule.kind == .cosine && configuration.evaluationInterval == plan.evaluationInterval)
        // best.safetensors holds the lowest validation loss of the run.
        let bestText = try #require(best.metadata[CheckpointDirectory.validationLossKey])
        let bestLoss = try #require(Double(bestText))
        #expect(bestLoss == state.history.compactMap(\.validationLoss).min())
    }
}
