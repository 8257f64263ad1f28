import Foundation
import Recurrent
import RecurrentSeries

extension ForecastCommand.Train {
    /// `forecast train --model lstm`: trains the network with early stopping, then writes the
    /// checkpoint and reports on the test part.
    func trainLSTM(problem: ForecastProblem, data: String, frequency: SeriesFrequency?) throws {
        let options = trainingOptions
        let trainer = try ForecastTrainer(problem: problem, cell: model.cell.kind, hiddenSize: model.hidden,
                                          numLayers: model.layers, options: options)
        let start = Date()
        let metrics = try MetricsLog(path: runOptions.output + "/" + MetricsLog.fileName)
        let summary = try trainer.train(metrics: metrics) { e in
            seriesNote(String(format: "epoch %4d  train loss %.5f  validation MAE %.5f%@  (%.1fs)", e.epoch,
                              e.trainingLoss, e.validationMAE, e.improved ? " *" : "", Date().timeIntervalSince(start)))
        }
        seriesNote("best epoch \(summary.bestEpoch) of \(summary.epochsRun) (validation MAE "
            + String(format: "%.5f", summary.bestValidationMAE) + "); weights of the best epoch kept.")
        let result = ForecastTrainResult(testScores: summary.testScores, choice: summary.choice, epochsRun: summary.epochsRun,
                                         bestEpoch: summary.bestEpoch, bestValidationMAE: summary.bestValidationMAE)
        let checkpoint = ForecastCheckpoint(
            model: trainer.model, encoding: problem.encoding, source: input.source(file: data),
            season: problem.season, frequency: frequency,
            training: result.record(options: options, testStart: problem.split.test.lowerBound), choice: summary.choice)
        try checkpoint.write(to: checkpointPath)
        try report(result, problem: problem, plot: testPlot(problem: problem, model: trainer.model, frequency: frequency),
                   metrics: metrics)
    }

    /// History before the test part, the test part's actual values, and forecasts made every
    /// H steps through it (each from the actual history before it).
    func testPlot(problem: ForecastProblem, model: ForecastModel, frequency: SeriesFrequency?) -> String {
        let values = problem.series.values
        let (historyStart, origins) = testPlotWindow(problem)
        let forecasts = model.forecast(values, origins: origins, encoding: problem.encoding)
        return seriesForecastPlot(title: "\(problem.series.name): test part, \(model.configuration.cell.rawValue.uppercased()) "
                                      + "forecasts every \(problem.horizon) steps",
                                  series: problem.series, frequency: frequency, historyStart: historyStart, cut: problem.split.test.lowerBound,
                                  showsActual: true, forecasts: zip(origins, forecasts).map { (origin: $0, values: $1) })
    }
}
