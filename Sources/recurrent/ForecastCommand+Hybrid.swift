import Foundation
import Recurrent
import RecurrentSeries

extension ForecastCommand.Train {
    /// `forecast train --model hybrid`: trains `--ensemble` ES-RNN members side by side, scores
    /// them and their 80 % intervals on the test part next to the baselines, chooses between
    /// them on the validation part, and writes the checkpoint, metrics and plot.
    func trainHybrid(problem: ForecastProblem, data: String, frequency: SeriesFrequency?) throws {
        let options = trainingOptions, horizon = window.horizon, seed = runOptions.seed, levelPenalty = network.levelPenalty
        let start = Date()
        let metrics = try MetricsLog(path: runOptions.output + "/" + MetricsLog.fileName)
        let members = network.ensemble
        let smoothingSeason = HybridConfiguration.smoothingSeason(given: window.season, detected: problem.season, frequency: frequency)
        seriesNote("hybrid smoothing: " + (smoothingSeason > 1 ? "level and season \(smoothingSeason)"
            : "level only" + (problem.season != nil && window.season == nil ? " (yearly data: a cycle is not a calendar season; "
                + "--season to force one)" : ""))
            + String(format: "; level penalty λ %g.", levelPenalty ?? HybridConfiguration.defaultLevelPenalty(season: smoothingSeason)))
        seriesNote("training \(members) ES-RNN member\(members == 1 ? "" : "s") (seeds \(seed)…\(seed &+ UInt64(members - 1)))"
            + " on \(min(members, ThreadPool.threadCount)) thread\(min(members, ThreadPool.threadCount) == 1 ? "" : "s").")
        let (ensemble, outcomes) = try HybridEnsemble.train(
            problem: problem, count: members, lookbacks: network.memberLookbacks, season: smoothingSeason, hiddenSize: model.hidden, numLayers: model.layers, levelPenalty: levelPenalty,
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
        seriesNote(String(format: "80%% intervals: calibrated at each origin %@ (from %d complete windows on; before that widened by a "
                          + "factor %.3f, calibrated on the validation windows).", ensemble.calibration.summary,
                          ensemble.minimumCalibrationWindows, exp(ensemble.intervalWidening)))
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
        let result = ForecastTrainResult(
            testScores: testScores, choice: choice, epochsRun: outcomes.map(\.epochsRun).max()!, bestEpoch: outcomes[0].bestEpoch,
            bestValidationMAE: validationMAE, intervalCoverage: testCoverage,
            coverageNote: testCoverage.map { String(format: "%@ 80%% interval: %.1f%% of the test values inside", ensemble.name, 100 * $0) })
        let checkpoint = HybridCheckpoint(
            ensemble: ensemble, source: input.source(file: data), season: problem.season, frequency: frequency,
            training: result.record(options: options, testStart: problem.split.test.lowerBound), choice: choice)
        try checkpoint.write(to: checkpointPath)
        try report(result, problem: problem, plot: hybridTestPlot(problem: problem, ensemble: ensemble, frequency: frequency),
                   metrics: metrics)
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
