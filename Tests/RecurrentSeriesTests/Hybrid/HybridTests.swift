import Foundation
import Recurrent
import Testing
@testable import RecurrentSeries

/// The ES-RNN hybrid: gradients through the smoothing recursion, learning, intervals, checkpoints.
@Suite struct HybridTests {
    /// A positive series with a season of 4, a trend and noise.
    static func positiveSeries(count: Int, seed: UInt64 = 7) -> [Double] {
        var rng = RandomGenerator(seed: seed)
        let pattern: [Double] = [1.2, 0.8, 1.1, 0.9]
        return (0..<count).map { t -> Double in
            let level: Double = 10 + 0.1 * Double(t)
            let noise: Double = 0.3 * Double(rng.normal())
            return level * pattern[t % 4] + noise
        }
    }

    /// ∂/∂(a, g, c) of Σ u·ℓ + Σ v·s, analytic against central differences, in double precision.
    @Test(arguments: [4, 1]) func smoothingGradientsMatchFiniteDifferences(season: Int) {
        let y = Self.positiveSeries(count: 30)
        var rng = RandomGenerator(seed: 11)
        var smoothing = HoltWintersSmoothing(initialFor: y, season: season)
        smoothing.levelLogit = 0.3
        smoothing.seasonLogit = -0.7
        let u = (0..<y.count).map { _ in Double(rng.uniform(-1, 1)) }
        let v = (0..<(y.count + season)).map { _ in Double(rng.uniform(-1, 1)) }
        func loss(_ s: HoltWintersSmoothing) -> Double {
            let states = s.smooth(y)
            return zip(u, states.level).map(*).reduce(0, +) + zip(v, states.seasonality).map(*).reduce(0, +)
        }
        var dLevel = u, dSeason = v
        let g = smoothing.backward(y, states: smoothing.smooth(y), dLevel: &dLevel, dSeasonality: &dSeason)
        let eps = 1e-6
        func numeric(_ change: (inout HoltWintersSmoothing, Double) -> Void) -> Double {
            var up = smoothing, down = smoothing
            change(&up, eps)
            change(&down, -eps)
            return (loss(up) - loss(down)) / (2 * eps)
        }
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-6 * max(1, abs(a)) }
        #expect(close(g.levelLogit, numeric { $0.levelLogit += $1 }), "α: \(g.levelLogit)")
        if season > 1 {
            #expect(close(g.seasonLogit, numeric { $0.seasonLogit += $1 }), "γ: \(g.seasonLogit)")
            for j in 0..<season {
                #expect(close(g.initialLogSeason[j], numeric { $0.initialLogSeason[j] += $1 }), "s\(j)")
            }
        } else {
            #expect(g.seasonLogit == 0)
        }
    }

    /// Every parameter of the whole hybrid — smoothing, LSTM and head — through inputs, targets,
    /// the level penalty and a smooth loss of z − o (so ∂/∂z = −∂/∂o holds as for pinball).
    @Test func hybridGradientsMatchFiniteDifferences() {
        let y = Self.positiveSeries(count: 40)
        var rng = RandomGenerator(seed: 3)
        let configuration = HybridConfiguration(lookback: 5, horizon: 3, season: 4, hiddenSize: 3, quantiles: [0.2, 0.5, 0.8],
                                                levelPenalty: 0.5)
        var smoothing = HoltWintersSmoothing(initialFor: y, season: 4)
        smoothing.levelLogit = 0.4
        let model = HybridModel(configuration: configuration, smoothing: smoothing, generator: &rng)
        model.isTraining = true
        let origins = [8, 20, 27], smoothed = 30
        func lossAndGradient() -> (Double, Matrix) {
            let (o, z, penalty) = model.forward(y, origins: origins, smoothed: smoothed, generator: &rng)
            let d = Matrix(rows: o.rows, cols: o.cols)
            var loss = penalty
            for b in 0..<o.rows {
                for c in 0..<o.cols {
                    let e = Double(z![b, c % 3]) - Double(o[b, c])
                    loss += 0.5 * e * e
                    d[b, c] = Float(-e)
                }
            }
            return (loss, d)
        }
        model.zeroGradients()
        let (_, d) = lossAndGradient()
        model.backward(d)
        #expect(model.parameters.prefix(3).map(\.name)
                == ["smoothing.level_logit", "smoothing.season_logit", "smoothing.initial_log_season"])
        var worst = 0.0, checked = 0
        for p in model.parameters {
            for r in 0..<p.value.rows {
                for c in 0..<p.value.cols {
                    let saved = p.value[r, c], eps: Float = 1e-2
                    p.value[r, c] = saved + eps
                    let up = lossAndGradient().0
                    p.value[r, c] = saved - eps
                    let down = lossAndGradient().0
                    p.value[r, c] = saved
                    let analytic = Double(p.gradient[r, c])
                    worst = max(worst, abs((up - down) / (2 * Double(eps)) - analytic) / (1e-2 + abs(analytic)))
                    checked += 1
                }
            }
        }
        #expect(checked > 80)
        #expect(worst < 0.05, "worst relative gradient error \(worst)")
    }

    @Test func yearlyDataIsSmoothedWithoutASeasonUnlessOneIsGiven() {
        #expect(HybridConfiguration.smoothingSeason(given: nil, detected: 9, frequency: .months(12)) == 1)
        #expect(HybridConfiguration.smoothingSeason(given: 9, detected: 9, frequency: .months(12)) == 9)
        #expect(HybridConfiguration.smoothingSeason(given: nil, detected: 12, frequency: .months(1)) == 12)
        #expect(HybridConfiguration.smoothingSeason(given: nil, detected: 52, frequency: .days(7)) == 52)
        #expect(HybridConfiguration.smoothingSeason(given: nil, detected: 6, frequency: nil) == 6)
        #expect(HybridConfiguration.smoothingSeason(given: nil, detected: nil, frequency: .months(1)) == 1)
    }

    @Test func pinballLossAndGradientByHand() {
        var rng = RandomGenerator(seed: 1)
        let model = HybridModel(configuration: HybridConfiguration(lookback: 2, horizon: 1, hiddenSize: 1),
                                smoothing: HoltWintersSmoothing(initialFor: [1, 2], season: 1), generator: &rng)
        let outputs = Matrix(rows: 1, cols: 3, values: [0, 0, 2])          // quantiles 0.1, 0.5, 0.9
        let targets = Matrix(rows: 1, cols: 1, values: [1])
        let d = Matrix(rows: 1, cols: 3)
        // errors z − o: 1, 1, −1 → 0.1·1 + 0.5·1 + (0.9 − 1)·(−1) = 0.7
        #expect(abs(model.pinballLoss(outputs: outputs, targets: targets, dOutputs: d) - 0.7) < 1e-12)
        #expect(d.toArray() == [-0.1, -0.5, 0.1])
    }

    @Test func coverageCountsValuesInsideTheirIntervals() {
        let intervals = [PredictionInterval(lower: [0, 1, 2], upper: [1, 2, 3]),
                         PredictionInterval(lower: [5, 5], upper: [6, 6])]
        // inside: 1 (bound), 1.5, no (3.5); 5.5, no (7) → 3 of 5
        #expect(PredictionInterval.coverage(intervals, actuals: [[1, 1.5, 3.5], [5.5, 7]]) == 0.6)
        #expect(PredictionInterval.coverage([], actuals: []) == nil)
    }

    /// Trained on a trending seasonal series, the hybrid beats seasonal naive on the test part,
    /// and its calibrated 80 % intervals hold most of the test values.
    @Test func hybridBeatsSeasonalNaiveOnASyntheticSeasonalSeries() throws {
        let problem = try ForecastProblem(series: Synthetic.seasonalSeries(), lookback: 12, horizon: 3, reference: .lastValue)
        #expect(problem.season == 6)
        let (ensemble, outcomes) = try HybridEnsemble.train(
            problem: problem, count: 2, hiddenSize: 8,
            options: ForecastTrainingOptions(epochs: 30, batchSize: 16, learningRate: 1e-2, patience: 10, seed: 1))
        #expect(outcomes.count == 2 && outcomes.allSatisfy { $0.bestEpoch >= 1 })
        let scores = RollingOrigin(origins: problem.testOrigins, horizon: 3)
            .scores([ensemble, Baseline.seasonalNaive(season: 6)], series: problem.series.values, scale: problem.maseScale)
        #expect(scores.map(\.method) == ["ES-RNN ×2", "seasonal naive (m=6)"])
        #expect(scores[0].accuracy.mae < scores[1].accuracy.mae, "\(scores.formattedTable())")
        let (_, intervals) = ensemble.forecastsWithIntervals(problem.series.values, origins: problem.testOrigins, horizon: 3)
        let coverage = try #require(PredictionInterval.coverage(intervals, actuals: problem.actuals(problem.testOrigins)))
        #expect(coverage >= 0.6 && coverage <= 1, "coverage \(coverage)")
    }

    /// Members trained side by side are the members trained alone: training is deterministic per seed.
    @Test func ensembleMembersDoNotDependOnWhatRunsBesideThem() throws {
        let problem = try ForecastProblem(series: Synthetic.seasonalSeries(count: 120), lookback: 8, horizon: 2,
                                          reference: .lastValue)
        let options = ForecastTrainingOptions(epochs: 2, batchSize: 16, patience: 2, seed: 4)
        let pair = try HybridEnsemble.train(problem: problem, count: 2, hiddenSize: 4, options: options, threads: 2).ensemble
        var second = options
        second.seed = 5
        let alone = try HybridEnsemble.train(problem: problem, count: 1, hiddenSize: 4, options: second, threads: 1).ensemble
        for (a, b) in zip(pair.members[1].parameters, alone.members[0].parameters) {
            #expect(a.value.toArray() == b.value.toArray(), "\(a.name)")
        }
    }

    /// Calibration widens too-narrow intervals until they hold the nominal share of the values.
    @Test func calibratedIntervalsHoldTheirShareOfTheCalibrationValues() throws {
        let problem = try ForecastProblem(series: Synthetic.seasonalSeries(count: 120), lookback: 8, horizon: 2,
                                          reference: .lastValue)
        var ensemble = try HybridEnsemble.train(problem: problem, count: 1, hiddenSize: 4,
                                                options: ForecastTrainingOptions(epochs: 1, batchSize: 16, patience: 1)).ensemble
        let origins = problem.validationOrigins
        ensemble.calibrationStart = nil                 // the pooled widening at every origin
        ensemble.calibrateIntervals(problem.series.values, origins: origins)
        let (_, intervals) = ensemble.forecastsWithIntervals(problem.series.values, origins: origins, horizon: 2)
        let coverage = try #require(PredictionInterval.coverage(intervals, actuals: problem.actuals(origins)))
        #expect(coverage >= 0.8, "coverage \(coverage), widening \(ensemble.intervalWidening)")
    }

    /// Each origin's interval is calibrated on the windows known before it, and only on them:
    /// values from the origin on can change without changing it. With enough windows each
    /// step's widening is the smallest that holds the nominal share of that step's scores; with
    /// one window too few, every step gets the pooled widening of the validation windows.
    @Test func sequentialCalibrationReadsOnlyThePastAndHoldsItsSharePerStep() throws {
        let H = 3
        let problem = try ForecastProblem(series: Synthetic.seasonalSeries(count: 160), lookback: 8, horizon: H,
                                          reference: .lastValue)
        var ensemble = try HybridEnsemble.train(problem: problem, count: 1, hiddenSize: 4,
                                                options: ForecastTrainingOptions(epochs: 1, batchSize: 16, patience: 1)).ensemble
        ensemble.calibration = .everyWindowPerStep
        let y = problem.series.values
        let start = try #require(ensemble.calibrationStart)
        #expect(start == problem.split.train.upperBound)
        let t = y.count - H
        var changed = y
        for i in t..<y.count { changed[i] *= 3 }
        let a = ensemble.forecastsWithIntervals(y, origins: [t], horizon: H)
        let b = ensemble.forecastsWithIntervals(changed, origins: [t], horizon: H)
        #expect(a.forecasts == b.forecasts && a.intervals == b.intervals)

        let known = Array(start...(t - H))
        let n = Double(known.count)
        #expect(known.count >= ensemble.minimumCalibrationWindows && ensemble.minimumCalibrationWindows == 10)
        let widening = ensemble.stepWidenings(y, origins: [t])[0]
        let scores = ensemble.scores(y, origins: known)
        for h in 0..<H {
            let inside = Double(scores.filter { $0[h] <= widening[h] }.count)
            #expect(inside >= 0.8 * n && inside - 1 < 0.8 * (n + 1), "step \(h): \(inside) of \(n)")
        }
        let early = start + H + ensemble.minimumCalibrationWindows - 2          // 9 windows known
        let pooled = [Double](repeating: ensemble.intervalWidening, count: H)
        #expect(ensemble.stepWidenings(y, origins: [early, early + 1]).map { $0 == pooled } == [true, false])
        var fixed = ensemble
        fixed.calibrationStart = nil
        #expect(fixed.stepWidenings(y, origins: [t]) == [pooled])
    }

    /// With a memory of M windows, an origin is calibrated on the M most recent windows known
    /// before it (never fewer than the minimum), as if the older ones did not exist; pooled
    /// relative, each step's widening is one quantile q of every step's score over its window's
    /// raw log width, times the origin's own raw log width — the smallest q that holds the
    /// nominal share of those n·H ratios — and it still reads only the past.
    @Test func calibrationMemoryAndPooledRelativeStepsUseOnlyTheirWindows() throws {
        let H = 3
        let problem = try ForecastProblem(series: Synthetic.seasonalSeries(count: 160), lookback: 8, horizon: H,
                                          reference: .lastValue)
        var ensemble = try HybridEnsemble.train(problem: problem, count: 1, hiddenSize: 4,
                                                options: ForecastTrainingOptions(epochs: 1, batchSize: 16, patience: 1)).ensemble
        let y = problem.series.values, start = try #require(ensemble.calibrationStart), t = y.count - H
        let known = Array(start...(t - H))
        #expect(known.count > 14)
        ensemble.calibration = HybridCalibration(steps: .separate, memory: 12)
        let recent = Array(known.suffix(12))
        let recentScores = ensemble.scores(y, origins: recent)
        #expect(ensemble.stepWidenings(y, origins: [t])[0]
                == (0..<H).map { h in ensemble.conformalQuantile(recentScores.map { $0[h] }) })
        ensemble.calibration.memory = 3                               // below the minimum: the minimum
        let minimum = Array(known.suffix(ensemble.minimumCalibrationWindows))
        let minimumScores = ensemble.scores(y, origins: minimum)
        #expect(ensemble.stepWidenings(y, origins: [t])[0]
                == (0..<H).map { h in ensemble.conformalQuantile(minimumScores.map { $0[h] }) })

        for memory in [nil, 12] {
            ensemble.calibration = HybridCalibration(steps: .pooledRelative, memory: memory)
            let windows = Array(known.suffix(memory ?? known.count))
            let ratios = zip(ensemble.scores(y, origins: windows), ensemble.quantileForecasts(y, origins: windows))
                .flatMap { s, rows in zip(s, ensemble.logWidths(rows)).map { $0 / $1 } }
            let originWidths = ensemble.logWidths(ensemble.quantileForecasts(y, origins: [t])[0])
            let widening = ensemble.stepWidenings(y, origins: [t])[0]
            let q = widening[0] / originWidths[0]
            for h in 0..<H { #expect(abs(widening[h] - q * originWidths[h]) <= 1e-12 * max(1, abs(widening[h]))) }
            let n = Double(ratios.count), inside = Double(ratios.filter { $0 <= q * (1 + 1e-12) }.count)
            #expect(inside >= 0.8 * n && inside - 1 < 0.8 * (n + 1), "\(inside) of \(n)")
            var changed = y
            for i in t..<y.count { changed[i] *= 3 }
            let a = ensemble.forecastsWithIntervals(y, origins: [t], horizon: H)
            let b = ensemble.forecastsWithIntervals(changed, origins: [t], horizon: H)
            #expect(a.forecasts == b.forecasts && a.intervals == b.intervals)
        }
    }

    /// Counting every known value, step h of an origin t is calibrated on the windows whose
    /// value at h precedes t (c ≤ t − 1 − h), the latest M of them: the scores of the last M
    /// values at every step; step by step each w_h is their conformal quantile, pooled relative
    /// q is that of all of them over their raw widths — and nothing from t on is read.
    @Test func everyKnownValueCalibratesEachStepOnItsLatestValues() throws {
        let H = 3, M = 12
        let problem = try ForecastProblem(series: Synthetic.seasonalSeries(count: 160), lookback: 8, horizon: H,
                                          reference: .lastValue)
        var ensemble = try HybridEnsemble.train(problem: problem, count: 1, hiddenSize: 4,
                                                options: ForecastTrainingOptions(epochs: 1, batchSize: 16, patience: 1)).ensemble
        let y = problem.series.values, start = try #require(ensemble.calibrationStart)
        for t in [y.count - H, y.count] {                      // a backtest origin, and a forecast past the end
            #expect(t - 1 - (H - 1) - M >= start)
            let windows = (0..<H).map { h in Array((t - h - M)...(t - 1 - h)) }          // step h's windows
            let scores = windows.enumerated().map { h, c in ensemble.scores(y, origins: c).map { $0[h] } }
            ensemble.calibration = HybridCalibration(steps: .separate, memory: M, known: .everyKnownValue)
            #expect(ensemble.stepWidenings(y, origins: [t])[0] == scores.map { ensemble.conformalQuantile($0) })

            ensemble.calibration.steps = .pooledRelative
            let ratios = windows.enumerated().flatMap { h, c in
                zip(scores[h], ensemble.quantileForecasts(y, origins: c)).map { $0 / ensemble.logWidths($1)[h] }
            }
            let originWidths = ensemble.logWidths(ensemble.quantileForecasts(y, origins: [t])[0])
            let q = ensemble.conformalQuantile(ratios)
            let widening = ensemble.stepWidenings(y, origins: [t])[0]
            for h in 0..<H { #expect(abs(widening[h] - q * originWidths[h]) <= 1e-12 * max(1, abs(widening[h]))) }
            if t < y.count {
                var changed = y
                for i in t..<y.count { changed[i] *= 3 }
                #expect(ensemble.forecastsWithIntervals(y, origins: [t], horizon: H).intervals
                        == ensemble.forecastsWithIntervals(changed, origins: [t], horizon: H).intervals)
            }
        }
        // With complete windows only, the same memory reads every step of the M windows c ≤ t − H.
        let t = y.count - H
        ensemble.calibration = HybridCalibration(steps: .separate, memory: M)
        let complete = ensemble.scores(y, origins: Array((t - H - M + 1)...(t - H)))
        #expect(ensemble.stepWidenings(y, origins: [t])[0] == (0..<H).map { h in ensemble.conformalQuantile(complete.map { $0[h] }) })
    }

    /// `train` combines by the mean and calibrates pooled relative on the last H values; the
    /// calibration survives a checkpoint; absent from it (older checkpoints): every window, step by
    /// step; without `known` (checkpoints before it): complete windows.
    @Test func calibrationRoundTripsThroughACheckpoint() throws {
        let older = try JSONDecoder().decode(HybridCalibration.self, from: Data(#"{"steps":"pooledRelative","memory":12}"#.utf8))
        #expect(older == HybridCalibration(steps: .pooledRelative, memory: 12, known: .completeWindows))
        let problem = try ForecastProblem(series: Synthetic.seasonalSeries(count: 120), lookback: 8, horizon: 3,
                                          reference: .lastValue)
        var ensemble = try HybridEnsemble.train(problem: problem, count: 1, hiddenSize: 4,
                                                options: ForecastTrainingOptions(epochs: 1, batchSize: 16, patience: 1)).ensemble
        #expect(ensemble.combination == .mean
                && ensemble.calibration == HybridCalibration(steps: .pooledRelative, memory: 3, known: .everyKnownValue))
        for calibration in [HybridCalibration.everyWindowPerStep, HybridCalibration(steps: .pooledRelative, memory: 20),
                            HybridCalibration(steps: .pooledRelative, memory: 20, known: .everyKnownValue)] {
            ensemble.calibration = calibration
            let checkpoint = HybridCheckpoint(ensemble: ensemble, source: ForecastSource(file: "y.csv", column: "y", dateColumn: nil,
                                                                                          wide: false, missing: .interpolate),
                                              season: 6, frequency: nil, training: nil)
            #expect((try checkpoint.safeTensors.metadata["model"]!.contains("\"calibration\""))
                    == (calibration != .everyWindowPerStep))
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("hybrid-\(UUID()).safetensors").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try checkpoint.write(to: path)
            let loaded = try HybridCheckpoint(contentsOf: path)
            #expect(loaded.ensemble.calibration == calibration)
            let y = problem.series.values, origins = [100, 117]
            #expect(loaded.ensemble.forecastsWithIntervals(y, origins: origins, horizon: 3).intervals
                    == ensemble.forecastsWithIntervals(y, origins: origins, horizon: 3).intervals)
        }
    }

    /// An input-window ensemble: members read their own lookbacks (the ensemble needs the
    /// longest), train on every training window with that much history, and keep them through
    /// a checkpoint; a lookback that leaves no training window is an error.
    @Test func membersWithTheirOwnLookbacksRoundTripThroughACheckpoint() throws {
        let problem = try ForecastProblem(series: Synthetic.seasonalSeries(count: 120), lookback: 8, horizon: 3,
                                          reference: .lastValue)
        let options = ForecastTrainingOptions(epochs: 1, batchSize: 16, patience: 1)
        let ensemble = try HybridEnsemble.train(problem: problem, count: 3, lookbacks: [4, 12], hiddenSize: 4,
                                                options: options).ensemble
        #expect(ensemble.lookbacks == [4, 12, 4] && ensemble.configuration.lookback == 12 && ensemble.minimumHistory == 12)
        let trainer = try HybridTrainer(problem: problem, lookback: 4, hiddenSize: 4, options: options)
        #expect(trainer.trainOrigins.first == 4 && trainer.trainOrigins.last == problem.trainOrigins.last)
        let checkpoint = HybridCheckpoint(ensemble: ensemble, source: ForecastSource(file: "y.csv", column: "y", dateColumn: nil,
                                                                                      wide: false, missing: .interpolate),
                                          season: 6, frequency: nil, training: nil)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hybrid-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try checkpoint.write(to: path)
        let loaded = try HybridCheckpoint(contentsOf: path)
        #expect(loaded.ensemble.lookbacks == [4, 12, 4])
        let y = problem.series.values, origins = [12, 100, 117]
        let a = ensemble.forecastsWithIntervals(y, origins: origins, horizon: 3)
        let b = loaded.ensemble.forecastsWithIntervals(y, origins: origins, horizon: 3)
        #expect(a.forecasts == b.forecasts && a.intervals == b.intervals)
        #expect(throws: SeriesError.self) {
            try HybridEnsemble.train(problem: problem, count: 2, lookbacks: [8, problem.split.train.upperBound], hiddenSize: 4,
                                     options: options)
        }
    }

    @Test func checkpointRoundTripForecastsTheSame() throws {
        let problem = try ForecastProblem(series: Synthetic.seasonalSeries(count: 120), lookback: 8, horizon: 3,
                                          reference: .lastValue)
        let ensemble = try HybridEnsemble.train(problem: problem, count: 2, hiddenSize: 4,
                                                options: ForecastTrainingOptions(epochs: 2, batchSize: 16, patience: 2)).ensemble
        let checkpoint = HybridCheckpoint(ensemble: ensemble, source: ForecastSource(file: "y.csv", column: "y", dateColumn: nil,
                                                                                      wide: false, missing: .interpolate),
                                          season: 6, frequency: nil, training: nil)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hybrid-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try checkpoint.write(to: path)
        let loaded = try HybridCheckpoint(contentsOf: path)
        #expect(loaded.ensemble.members.count == 2 && loaded.ensemble.configuration == ensemble.configuration)
        #expect(loaded.ensemble.intervalWidening == ensemble.intervalWidening)
        #expect(loaded.ensemble.calibrationStart == ensemble.calibrationStart && ensemble.calibrationStart != nil)
        #expect(loaded.recommended == .hybrid && loaded.season == 6 && loaded.source == checkpoint.source)
        let y = problem.series.values, origins = [100, 117]
        let a = ensemble.forecastsWithIntervals(y, origins: origins, horizon: 3)
        let b = loaded.ensemble.forecastsWithIntervals(y, origins: origins, horizon: 3)
        #expect(a.forecasts == b.forecasts && a.intervals == b.intervals)
        // A forecast checkpoint is not a hybrid one.
        #expect(throws: SeriesError.self) { try ForecastCheckpoint(contentsOf: path) }
    }

    /// Each quantile of each step is the median (or mean) of the members' forecasts of it, and
    /// the combination survives a checkpoint (absent from it: the median).
    @Test func membersAreCombinedByTheirMedianOrMean() throws {
        let problem = try ForecastProblem(series: Synthetic.seasonalSeries(count: 120), lookback: 8, horizon: 3,
                                          reference: .lastValue)
        var ensemble = try HybridEnsemble.train(problem: problem, count: 3, hiddenSize: 4,
                                                options: ForecastTrainingOptions(epochs: 2, batchSize: 16, patience: 2)).ensemble
        let y = problem.series.values, origins = [60, 100, 117]
        let each = ensemble.members.map { $0.quantileForecasts(y, origins: origins) }
        for combination in HybridCombination.allCases {
            ensemble.combination = combination
            let combined = ensemble.quantileForecasts(y, origins: origins)
            for o in origins.indices {
                for q in 0..<3 {
                    for h in 0..<3 {
                        let values = each.map { $0[o][q][h] }.sorted()
                        let expected = combination == .median ? values[1] : (values[0] + values[1] + values[2]) / 3
                        #expect(abs(combined[o][q][h] - expected) <= 1e-12 * max(1, abs(expected)), "\(combination)")
                    }
                }
            }
            let checkpoint = HybridCheckpoint(ensemble: ensemble, source: ForecastSource(file: "y.csv", column: "y", dateColumn: nil,
                                                                                          wide: false, missing: .interpolate),
                                              season: 6, frequency: nil, training: nil)
            #expect((try checkpoint.safeTensors.metadata["model"]!.contains("\"combination\"")) == (combination != .median))
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("hybrid-\(UUID()).safetensors").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try checkpoint.write(to: path)
            let loaded = try HybridCheckpoint(contentsOf: path)
            #expect(loaded.ensemble.combination == combination)
            #expect(loaded.ensemble.quantileForecasts(y, origins: origins) == combined)
        }
    }
}
