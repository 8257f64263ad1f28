import Foundation
import Recurrent
import RecurrentSeries

/// What `forecast train` reports, from either network: the test part's scores next to the
/// baselines, the model choice on the validation part, and how training went.
struct ForecastTrainResult {
    var testScores: [ForecastScore]
    var choice: ModelChoice?
    var epochsRun: Int
    var bestEpoch: Int
    var bestValidationMAE: Double
    /// The hybrid's: the share of the test values inside their 80 % intervals, and the
    /// sentence that says so.
    var intervalCoverage: Double? = nil
    var coverageNote: String? = nil

    /// The checkpoint's record of this training.
    func record(options: ForecastTrainingOptions, testStart: Int) -> ForecastTrainingRecord {
        ForecastTrainingRecord(options: options, epochsRun: epochsRun, bestEpoch: bestEpoch, bestValidationMAE: bestValidationMAE,
                               testScores: testScores, testStart: testStart)
    }
}

extension ForecastCommand.Train {
    var checkpointPath: String { runOptions.output + "/forecast.safetensors" }

    /// Writes test-metrics.csv and the test plot (`svg`) to --output, then prints the results:
    /// one JSON document with --json, else the tables.
    func report(_ result: ForecastTrainResult, problem: ForecastProblem, plot svg: String, metrics: MetricsLog) throws {
        let output = runOptions.output
        var csv = "method,MAE,RMSE,MASE\n"
        for s in result.testScores {
            csv += "\(s.method),\(seriesCSVNumber(s.accuracy.mae)),\(seriesCSVNumber(s.accuracy.rmse)),"
                + "\(s.accuracy.mase.map(seriesCSVNumber) ?? "")\n"
        }
        try seriesWrite(csv, to: output + "/test-metrics.csv")
        try seriesWrite(svg, to: output + "/test-forecast.svg")
        seriesNote("wrote \(checkpointPath), \(output)/test-metrics.csv, \(output)/test-forecast.svg, \(metrics.path)")
        if runOptions.json {
            try JSONOutput.print(ForecastTrainJSON(
                testWindows: problem.testOrigins.count, horizon: window.horizon,
                testValues: [problem.split.test.lowerBound, problem.split.test.upperBound],
                scores: result.testScores.map(ForecastScoreJSON.init), epochsRun: result.epochsRun,
                bestEpoch: result.bestEpoch, bestValidationMae: result.bestValidationMAE,
                checkpoint: checkpointPath, metrics: metrics.path,
                choice: result.choice.map { choice in
                    .init(recommended: choice.recommended.rawValue, origins: choice.origins, horizon: choice.horizon,
                          scores: choice.scores.map(ForecastScoreJSON.init), verdict: choice.verdict)
                },
                intervalCoverage: result.intervalCoverage))
            return
        }
        print("test part: \(problem.testOrigins.count) windows × horizon \(window.horizon) "
            + "(values \(problem.split.test.lowerBound)..<\(problem.split.test.upperBound))")
        print(result.testScores.formattedTable())
        if let note = result.coverageNote { print(note) }
        if let choice = result.choice {
            print("validation (model choice): \(choice.origins.count) origins × horizon \(choice.horizon) at values "
                + "\(choice.origins.map(String.init).joined(separator: ", "))")
            print(choice.scores.formattedTable())
            print(choice.verdict)
        }
    }
}

/// `forecast train --json`.
struct ForecastTrainJSON: Encodable {
    var testWindows: Int
    var horizon: Int
    /// The test part's value indices, [lower, upper).
    var testValues: [Int]
    var scores: [ForecastScoreJSON]
    var epochsRun: Int
    var bestEpoch: Int
    var bestValidationMae: Double
    var checkpoint: String
    var metrics: String
    /// The model choice on rolling origins in the validation part (absent when it could not be made).
    var choice: Choice?

    struct Choice: Encodable {
        /// `network`, `ets`, `theta`, `last-value` or `seasonal-naive`: what `predict` uses by default.
        var recommended: String
        var origins: [Int]
        var horizon: Int
        var scores: [ForecastScoreJSON]
        var verdict: String
    }
    /// `--model hybrid`: the share of the test values inside their 80 % intervals.
    var intervalCoverage: Double? = nil
}

