import Foundation
import Recurrent
import Testing
@testable import RecurrentSeries

@Suite struct ForecastPreparationTests {
    @Test func standardizerFitsMeanAndPopulationDeviation() throws {
        let s = Standardizer(fitting: [1.0, 2, 3, 4])
        #expect(s.mean == [2.5])
        #expect(abs(s.standardDeviation[0] - 1.118033988749895) < 1e-12)
        #expect(abs(s.inverse(s.transform(7)) - 7) < 1e-12)
        #expect(Standardizer(fitting: [5.0, 5, 5]).standardDeviation == [1])
        let data = try JSONEncoder().encode(s)
        #expect(try JSONDecoder().decode(Standardizer.self, from: data) == s)
    }

    @Test func chronologicalSplitKeepsOrderAndSizes() throws {
        let split = try ChronologicalSplit(count: 100, lookback: 10, horizon: 5)
        #expect(split.train == 0..<70 && split.validation == 70..<85 && split.test == 85..<100)
        #expect(ChronologicalSplit.origins(in: split.test, lookback: 10, horizon: 5) == Array(85...95))
        #expect(ChronologicalSplit.origins(in: split.train, lookback: 10, horizon: 5) == Array(10...65))
        // A small horizon-sized test part is kept even when the fraction rounds lower.
        let small = try ChronologicalSplit(count: 20, lookback: 3, horizon: 4)
        #expect(small.test.count == 4 && small.validation.count == 4 && small.train.count == 12)
    }

    @Test func tooShortSeriesIsATypedError() throws {
        let error = #expect(throws: SeriesError.self) {
            try ChronologicalSplit(count: 12, lookback: 10, horizon: 3, file: "s.csv", column: "y")
        }
        #expect(error == .tooFewValues(file: "s.csv", column: "y", count: 12, needed: 13, reason: "lookback 10 + horizon 3"))
        #expect(throws: SeriesError.self) { try ChronologicalSplit(count: 15, lookback: 10, horizon: 3) }
        #expect(throws: SeriesError.self) { try ChronologicalSplit(count: 100, lookback: 0, horizon: 3) }
        #expect(throws: SeriesError.self) { try ChronologicalSplit(count: 100, lookback: 3, horizon: 3, validationFraction: 0.5, testFraction: 0.5) }
    }

    @Test(arguments: WindowEncoding.Reference.allCases)
    func windowEncodingIsTimeMajorAndDecodesTargetsBack(reference: WindowEncoding.Reference) {
        let series: [Double] = (0..<20).map { Double($0 * $0) + ($0 % 3 == 0 ? 5 : 0) }
        let encoding = WindowEncoding(lookback: 4, horizon: 5, training: Array(series[0..<12]), reference: reference,
                                      season: 3)
        let f = encoding.featureCount
        #expect(f == (reference == .seasonal ? 2 : 1))
        let inputs = Matrix(rows: 4 * 2, cols: f), targets = Matrix(rows: 2, cols: 5)
        let r0 = encoding.encode(series, origin: 5, batchIndex: 0, batchSize: 2, inputs: inputs, targets: targets)
        let r1 = encoding.encode(series, origin: 9, batchIndex: 1, batchSize: 2, inputs: inputs, targets: targets)
        let sd = encoding.scale
        let a1 = reference == .mean ? encoding.standardizer.mean[0] : series[8]
        // Row t·B + b holds step t of window b.
        #expect(abs(Double(inputs[1, 0]) - (series[5] - a1) / sd) < 1e-4)
        #expect(abs(Double(inputs[7, 0]) - (series[8] - a1) / sd) < 1e-4)
        switch reference {
        case .mean:
            #expect(r0 == Array(repeating: encoding.standardizer.mean[0], count: 5))
        case .lastValue:
            #expect(r1 == Array(repeating: series[8], count: 5) && inputs[7, 0] == 0)
        case .seasonal:
            #expect(r1 == Baseline.seasonalNaive(season: 3).forecast(series, origin: 9, horizon: 5))
            // The second feature is the seasonal difference; 0 before the series has a season of history.
            #expect(abs(Double(inputs[7, 1]) - (series[8] - series[5]) / sd) < 1e-4)
            #expect(inputs[0, 1] == 0 && abs(Double(inputs[6, 1]) - (series[4] - series[1]) / sd) < 1e-4)
            let differences = (3..<12).map { series[$0] - series[$0 - 3] }
            #expect(abs(sd - Standardizer(fitting: differences).standardDeviation[0]) < 1e-12)
        }
        let decoded = encoding.decode(targets, row: 1, references: r1)
        #expect(zip(decoded, series[9..<14]).allSatisfy { abs($0 - $1) < 1e-3 })
        #expect(encoding.decode(targets, row: 0, references: r0).count == 5)
    }

    @Test func forecastProblemChoosesTheReferenceAndChecksTheSeason() throws {
        let seasonal = FilledSeries(name: "y", values: (0..<120).map { 0.1 * Double($0) + [0, 3, 1, 4, 1, 5][$0 % 6] })
        let problem = try ForecastProblem(series: seasonal, lookback: 12, horizon: 3)
        #expect(problem.season == 6 && problem.seasonDetected && problem.encoding.reference == .seasonal)
        #expect(problem.baselineMethods.map(\.kind) == [.lastValue, .seasonalNaive, .ets, .theta, .arima])
        #expect(try ForecastProblem(series: seasonal, lookback: 4, horizon: 3).encoding.reference == .lastValue)
        #expect(throws: SeriesError.self) { try ForecastProblem(series: seasonal, lookback: 4, horizon: 3, reference: .seasonal) }
        #expect(throws: SeriesError.self) { try ForecastProblem(series: seasonal, lookback: 12, horizon: 3, season: 500) }
        let given = try ForecastProblem(series: seasonal, lookback: 12, horizon: 3, season: 6, reference: .mean)
        #expect(!given.seasonDetected && given.encoding.reference == .mean)
        #expect(given.testOrigins.first == given.split.test.lowerBound && given.testOrigins.last == 117)
    }

    @Test func baselinesByHand() {
        let y: [Double] = [1, 2, 3, 4, 5, 6, 7, 8]
        #expect(Baseline.lastValue.forecast(y, origin: 5, horizon: 3) == [5, 5, 5])
        // Season 3 from origin 5: ŷ5 = y2, ŷ6 = y3, ŷ7 = y4, ŷ8 = y2 (one more season back).
        #expect(Baseline.seasonalNaive(season: 3).forecast(y, origin: 5, horizon: 4) == [3, 4, 5, 3])
        #expect(Baseline.seasonalNaive(season: 6).forecast(y, origin: 3, horizon: 2) == [3, 3])   // too little history
    }

    @Test func metricsByHand() throws {
        let a = ForecastAccuracy(forecasts: [[1, 2], [3, 4]], actuals: [[2, 2], [3, 7]], scale: 2)
        #expect(a.mae == 1 && a.count == 4)
        #expect(abs(a.rmse - (10.0 / 4).squareRoot()) < 1e-12)
        #expect(a.mase == 0.5)
        // Q for season 2 over [1, 4, 2, 6]: (|2−1| + |6−4|) / 2 = 1.5.
        #expect(ForecastAccuracy.maseScale(training: [1.0, 4, 2, 6], season: 2) == 1.5)
        #expect(ForecastAccuracy.maseScale(training: [1.0, 4, 2], season: 5) == 2.5)   // falls back to m = 1
        #expect(ForecastAccuracy.maseScale(training: [3.0, 3, 3], season: 1) == nil)
        #expect(ForecastAccuracy(forecasts: [[1]], actuals: [[2]], scale: nil).mase == nil)
        let table = [ForecastScore(method: "last value", accuracy: a)].formattedTable()
        #expect(table.contains("last value") && table.contains("MASE") && table.contains("0.5"))
    }

    @Test func seasonalNaiveIsExactOnAPurelySeasonalSeries() {
        let y = (0..<60).map { [3.0, 1, 4, 1, 5][$0 % 5] }
        let origins = Array(40...55)
        let scale = ForecastAccuracy.maseScale(training: y[0..<40], season: 1)
        #expect(Baseline.seasonalNaive(season: 5).accuracy(y, origins: origins, horizon: 5, scale: scale).mae == 0)
        #expect(Baseline.lastValue.accuracy(y, origins: origins, horizon: 5, scale: scale).mae > 1)
    }

    @Test func seasonDetectionOnSyntheticSeries() {
        var rng = RandomGenerator(seed: 3)
        var walk = 0.0
        let weekly = (0..<600).map { t -> Double in
            walk += 0.3 * Double(rng.normal())
            return walk + 3 * sin(2 * Double.pi * Double(t) / 7)
        }
        #expect(SeasonDetection.detect(weekly) == 7)
        let trended = (0..<240).map { t in 0.05 * Double(t) + sin(2 * Double.pi * Double(t) / 12) + 0.1 * Double(rng.normal()) }
        #expect(SeasonDetection.detect(trended) == 12)
        let noise = (0..<500).map { _ in Double(rng.normal()) }
        #expect(SeasonDetection.detect(noise) == nil)
        #expect(SeasonDetection.detect([1, 2, 3]) == nil)
    }

    @Test func seasonDetectionOnTheSharedSeries() throws {
        func trainingPart(_ s: FilledSeries) -> [Double] { Array(s.values[0..<(s.values.count * 7 / 10)]) }
        let co2 = try TimeSeries.read(contentsOf: TestData.bundled("co2.csv"), column: "co2").filled(.interpolate)
        #expect(SeasonDetection.detect(trainingPart(co2)) == 52)
        let elec = try TimeSeries.read(contentsOf: TestData.bundled("elec_equip.csv"), column: "STS.M.I7.W.TOVT.NS0016.4.000").filled(.interpolate)
        #expect(SeasonDetection.detect(trainingPart(elec)) == 12)
        let nino = try TimeSeries.read(contentsOf: TestData.bundled("elnino.csv"), column: nil, wide: true).filled(.interpolate)
        #expect(SeasonDetection.detect(trainingPart(nino)) == 12)
    }
}
