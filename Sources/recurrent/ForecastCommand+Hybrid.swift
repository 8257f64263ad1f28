import ArgumentParser
import Foundation
import Recurrent
import RecurrentSeries

/// `forecast train --model`: which network to train.
enum ForecastNetworkKind: String, ExpressibleByArgument, CaseIterable {
    /// The LSTM on encoded windows (`ForecastModel`).
    case lstm
    /// Smyl's ES-RNN: learnt Holt-Winters smoothing and an LSTM, with quantile intervals (`HybridEnsemble`).
    case hybrid
}

extension ForecastCommand.Train {
    /// `forecast train --model hybrid`: trains `--ensemble` ES-RNN members side by side, scores
    /// them and their 80 % intervals on the test part next to the baselines, chooses between
    /// them on the validation part, and writes the checkpoint, metrics and plot.
    func trainHybrid(problem: ForecastProblem, data: String, frequency: SeriesFrequency?,
                     options: ForecastTrainingOptions) throws {
        let start = Date()
        let metrics = try MetricsLog(path: output + "/" + MetricsLog.fileName)
        let members = ensemble
        let smoothingSeason = HybridConfiguration.smoothingSeason(given: season, detected: problem.season, frequency: frequency)
        seriesNote("hybrid smoothing: " + (smoothingSeason > 1 ? "level and season \(smoothingSeason)"
            : "level only" + (problem.season != nil && season == nil ? " (yearly data: a cycle is not a calendar season; "
                + "--season to force one)" : ""))
            + String(format: "; level penalty λ %g.", levelPenalty ?? HybridConfiguration.defaultLevelPenalty(season: smoothingSeason)))
        seriesNote("training \(members) ES-RNN member\(members == 1 ? "" : "s") (seeds \(seed)…\(seed &+ UInt64(members - 1)))"
            + " on \(min(members, ThreadPool.threadCount)) thread\(min(members, ThreadPool.threadCount) == 1 ? "" : "s").")
        let (ensemble, outcomes) = try HybridEnsemble.train(
            problem: problem, count: members, lookbacks: memberLookbacks, season: smoothingSeason, hiddenSize: hidden, numLayers: layers, levelPenalty: levelPenalty,
            options: options, metrics: metrics) { k, e in
                seriesNote(String(format: "member %d  epoch %4d  train loss %.5f  validation MAE %.5f%@  (%.1fs)", k + 1,
                                  e.epoch, e.trainingLoss, e.validationMAE, e.improved ? " *" : "",
                                  Date().timeIntervalSince(start)))
            }
        for (k, (outcome, member)) in zip(outcomes, ensemble.members).enumerated() {
            let s = member.smoothing
            seriesNote("member \(k + 1): lookback \(member.configuration.lookback), best epoch \(outcome.bestEpoch) of \(outcome.epochsRun); α "
                + String(format: "%.3f", s.alpha) + (member.configuration.season > 1 ? String(format: ", γ %.3f", s.gamma) : ""))
        }
        seriesNote(String(format: "80%% intervals: calibrated at each origin, step by step, on the windows after the training part "
                          + "known before it (from %d of them; before that widened by a factor %.3f, calibrated on the "
                          + "validation windows).", ensemble.minimumCalibrationWindows, exp(ensemble.intervalWidening)))
        let values = problem.series.values
        let testScores = problem.testOrigins.isEmpty ? [] : RollingOrigin(origins: problem.testOrigins, horizon: horizon)
            .scores([ensemble] + problem.baselineMethods, series: values, scale: problem.maseScale)
        let testCoverage = problem.testOrigins.isEmpty ? nil : PredictionInterval.coverage(
            ensemble.forecastsWithIntervals(values, origins: problem.testOrigins, horizon: horizon).intervals,
            actuals: problem.actuals(problem.testOrigins))
        let validationOrigins = problem.validationOrigins.isEmpty ? problem.trainOrigins : problem.validationOrigins
        let validationMAE = ForecastAccuracy(forecasts: ensemble.forecasts(values, origins: validationOrigins, horizon: horizon),
                                             actuals: problem.actuals(validationOrigins), scale: nil).mae
        let choice = ModelChoice(candidates: problem.baselineMethods + [ensemble], series: values,
                                 evaluation: ModelChoice.validationOrigins(problem), season: problem.season)
        let checkpoint = HybridCheckpoint(
            ensemble: ensemble,
            source: ForecastSource(file: data, column: input.column, dateColumn: input.dateColumn, wide: input.wide,
                                   missing: input.missing),
            season: problem.season, frequency: frequency,
            training: ForecastTrainingRecord(options: options, epochsRun: outcomes.map(\.epochsRun).max()!,
                                             bestEpoch: outcomes[0].bestEpoch, bestValidationMAE: validationMAE,
                                             testScores: testScores, testStart: problem.split.test.lowerBound),
            choice: choice)
        let checkpointPath = output + "/forecast.safetensors"
        try checkpoint.write(to: checkpointPath)
        var csv = "method,MAE,RMSE,MASE\n"
        for s in testScores {
            csv += "\(s.method),\(seriesCSVNumber(s.accuracy.mae)),\(seriesCSVNumber(s.accuracy.rmse)),"
                + "\(s.accuracy.mase.map(seriesCSVNumber) ?? "")\n"
        }
        try seriesWrite(csv, to: output + "/test-metrics.csv")
        try seriesWrite(hybridTestPlot(problem: problem, ensemble: ensemble, frequency: frequency),
                        to: output + "/test-forecast.svg")
        seriesNote("wrote \(checkpointPath), \(output)/test-metrics.csv, \(output)/test-forecast.svg, \(metrics.path)")
        if json {
            try JSONOutput.print(ForecastTrainJSON(
                testWindows: problem.testOrigins.count, horizon: horizon,
                testValues: [problem.split.test.lowerBound, problem.split.test.upperBound],
                scores: testScores.map(ForecastScoreJSON.init), epochsRun: outcomes.map(\.epochsRun).max()!,
                bestEpoch: outcomes[0].bestEpoch, bestValidationMae: validationMAE,
                checkpoint: checkpointPath, metrics: metrics.path,
                choice: choice.map { choice in
                    .init(recommended: choice.recommended.rawValue, origins: choice.origins, horizon: choice.horizon,
                          scores: choice.scores.map(ForecastScoreJSON.init), verdict: choice.verdict)
                },
                intervalCoverage: testCoverage))
            return
        }
        printTestReport(problem: problem, horizon: horizon, scores: testScores,
                        extra: testCoverage.map { String(format: "%@ 80%% interval: %.1f%% of the test values inside", ensemble.name, 100 * $0) },
                        choice: choice)
    }

    /// History before the test part, its actual values, and hybrid forecasts with their 80 %
    /// intervals every H steps through it.
    func hybridTestPlot(problem: ForecastProblem, ensemble: HybridEnsemble, frequency: SeriesFrequency?) -> String {
        let values = problem.series.values
        let (historyStart, origins) = testPlotWindow(problem)
        let (forecasts, intervals) = ensemble.forecastsWithIntervals(values, origins: origins, horizon: problem.horizon)
        return seriesForecastPlot(title: "\(problem.series.name): test part, \(ensemble.name) forecasts every "
                                      + "\(problem.horizon) steps",
                                  series: problem.series, frequency: frequency, historyStart: historyStart, cut: problem.split.test.lowerBound,
                                  showsActual: true, forecasts: zip(origins, forecasts).map { (origin: $0, values: $1) },
                                  intervals: intervals)
    }
}

/// A forecast checkpoint of either kind — the LSTM's (`recurrent-forecast-1`) or the hybrid's
/// (`recurrent-hybrid-1`) — as `forecast predict` uses it.
struct LoadedForecaster {
    /// The trained model as a forecasting method.
    var network: any ForecastMethod
    var lookback: Int
    var horizon: Int
    var source: ForecastSource
    var season: Int?
    var frequency: SeriesFrequency?
    var recommended: ForecastMethodKind
    var hasChoice: Bool
    var testStart: Int?

    /// Reads `path`, whichever kind it is; other files are errors naming the command to use.
    init(contentsOf path: String) throws {
        if case .safetensors(let format) = SniffedFile.sniff(path), format == HybridCheckpoint.format {
            let stored = try HybridCheckpoint(contentsOf: path)
            network = stored.ensemble
            lookback = stored.ensemble.configuration.lookback
            horizon = stored.ensemble.configuration.horizon
            source = stored.source
            season = stored.season
            frequency = stored.frequency
            recommended = stored.recommended
            hasChoice = stored.choice != nil
            testStart = stored.training?.testStart
            return
        }
        try InputFileCheck.requireCheckpoint(path, format: ForecastCheckpoint.format, command: "forecast predict")
        let stored = try ForecastCheckpoint(contentsOf: path)
        network = NetworkMethod(model: stored.model, encoding: stored.encoding)
        lookback = stored.encoding.lookback
        horizon = stored.encoding.horizon
        source = stored.source
        season = stored.season
        frequency = stored.frequency
        recommended = stored.recommended
        hasChoice = stored.choice != nil
        testStart = stored.training?.testStart
    }
}
