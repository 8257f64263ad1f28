// Ablations of the ES-RNN hybrid ensemble (docs/series.md, "The ES-RNN hybrid"), in release:
//
//     swift build -c release --product hybrid-experiment
//     .build/release/hybrid-experiment SERIES [--seeds N] [--level-penalty λ] [--threads T]
//
// SERIES is one of co2, elec_equip, elnino, AirPassengers, lynx, read from Data/ with the options
// of docs/series.md's side-by-side table. Members are trained once per (lookback, seed) — with
// the lookback L of that table and L/2, 3L/2 — exactly as `forecast train --model hybrid` trains
// them (a member does not depend on what trains beside it), then combined into ensembles that
// differ in size, lookbacks, combination (median or mean) and how much of the past calibrates
// the intervals. Each is scored as `forecast predict --model hybrid --backtest` scores it (5
// origins ⌈H/2⌉ apart, the last window ending at the last value) and on every test window.
import Foundation
import Recurrent
import RecurrentSeries

struct SeriesSetup {
    var column: String?
    var wide = false
    var lookback: Int
    var horizon: Int
    var test = 0.15
}

let setups: [String: SeriesSetup] = [
    "co2": SeriesSetup(column: "co2", lookback: 104, horizon: 52),
    "elec_equip": SeriesSetup(column: "STS.M.I7.W.TOVT.NS0016.4.000", lookback: 24, horizon: 12),
    "elnino": SeriesSetup(column: nil, wide: true, lookback: 24, horizon: 12),
    "AirPassengers": SeriesSetup(column: "Passengers", lookback: 24, horizon: 12, test: 0.25),
    "lynx": SeriesSetup(column: "lynx", lookback: 20, horizon: 10, test: 0.27),
]

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
/// The arguments that are neither options nor their values.
let positional = arguments.indices.filter { !arguments[$0].hasPrefix("--") && ($0 == 0 || !arguments[$0 - 1].hasPrefix("--")) }
    .map { arguments[$0] }
let seeds = option("--seeds").flatMap(Int.init) ?? 10
let levelPenalty = option("--level-penalty").flatMap(Double.init)
let threads = option("--threads").flatMap(Int.init) ?? ThreadPool.threadCount
guard let name = positional.first, let setup = setups[name] else {
    fail("usage: hybrid-experiment \(setups.keys.sorted().joined(separator: "|")) [--seeds N] [--level-penalty λ] [--threads T]")
}

do {
    let series = try TimeSeries.read(contentsOf: "Data/\(name).csv", column: setup.column, wide: setup.wide).filled(.interpolate)
    let problem = try ForecastProblem(series: series, file: name, lookback: setup.lookback, horizon: setup.horizon,
                                      testFraction: setup.test, reference: .lastValue)
    let season = HybridConfiguration.smoothingSeason(given: nil, detected: problem.season, frequency: series.frequency)
    let L = setup.lookback, H = setup.horizon
    let lookbacks = [max(1, (L + 1) / 2), L, (3 * L + 1) / 2]
    let values = series.values
    let start = Date()
    FileHandle.standardError.write(Data(("\(name): \(values.count) values, season \(problem.season.map(String.init) ?? "none"), "
        + "smoothing season \(season), lookbacks \(lookbacks), seeds 1…\(seeds), λ \(levelPenalty.map { "\($0)" } ?? "default")\n").utf8))

    // Every (lookback, seed) member, trained side by side.
    let keys = lookbacks.flatMap { l in (1...seeds).map { (lookback: l, seed: UInt64($0)) } }
    /// Task k touches only slot k.
    final class Slots: @unchecked Sendable {
        let trainers: [HybridTrainer]
        var outcomes: [HybridTrainer.Outcome?]
        init(_ trainers: [HybridTrainer]) { self.trainers = trainers; outcomes = Array(repeating: nil, count: trainers.count) }
    }
    let slots = Slots(try keys.map { key in
        var options = ForecastTrainingOptions()
        options.seed = key.seed
        return try HybridTrainer(problem: problem, lookback: key.lookback, season: season, levelPenalty: levelPenalty, options: options)
    })
    ThreadPool.parallelFor(keys.count, threads: max(1, min(threads, keys.count))) { k in
        let outcome = try? slots.trainers[k].train()
        slots.outcomes.withUnsafeMutableBufferPointer { $0[k] = outcome }
        FileHandle.standardError.write(Data(String(format: "  member lookback %d seed %d: best epoch %d of %d (%.0f s)\n",
                                                   keys[k].lookback, Int(keys[k].seed), outcome?.bestEpoch ?? -1,
                                                   outcome?.epochsRun ?? -1, Date().timeIntervalSince(start)).utf8))
    }
    guard slots.outcomes.allSatisfy({ $0 != nil }) else { fail("a member failed to train") }
    func member(_ lookback: Int, _ seed: Int) -> HybridModel {
        slots.trainers[keys.firstIndex { $0.lookback == lookback && $0.seed == UInt64(seed) }!].model
    }

    // The backtest of `forecast predict --backtest` and the test windows.
    let step = (H + 1) / 2
    let backtest = (0..<5).map { values.count - H - $0 * step }.reversed().map { $0 }
    let backtestScale = RollingOrigin(origins: backtest, horizon: H).maseScale(values, season: problem.season)

    // The model choice of `forecast train`: the baselines on the validation origins (refitted at each), once.
    let choiceOrigins = ModelChoice.validationOrigins(problem)
    let choiceScale = choiceOrigins.maseScale(values, season: problem.season)
    let baselineScores = choiceOrigins.scores(problem.baselineMethods, series: values, scale: choiceScale)
    let bestBaseline = baselineScores.min { $0.accuracy.mae < $1.accuracy.mae }!
    FileHandle.standardError.write(Data(("validation origins: " + baselineScores.map {
        String(format: "%@ %.4f", $0.method, $0.accuracy.mase ?? .nan) }.joined(separator: ", ") + "\n").utf8))

    /// The coverage of the library's sequential, per-step calibration re-done here with scores
    /// scaled by the raw interval's log width (CQR-r, Sesia & Candès 2020) when `scaled`, so that
    /// the widening is a multiple of each window's own width; unscaled it must equal the library's.
    func calibratedCoverage(_ ensemble: HybridEnsemble, origins: [Int], scaled: Bool, memory: Int? = nil) -> Double {
        let offset = ensemble.configuration.offset, Q = ensemble.configuration.quantileCount
        let median = ensemble.configuration.medianIndex
        func logPositive(_ v: Double) -> Double { Foundation.log(max(v + offset, 1e-9)) }
        func conformal(_ scores: [Double]) -> Double {
            let sorted = scores.sorted()
            let k = min(sorted.count, Int((Double(sorted.count + 1) * 0.8).rounded(.up)))
            return sorted[max(k, 1) - 1] + 1e-9
        }
        /// Per window, per step: (score, width).
        func scores(_ windows: [Int]) -> [[(Double, Double)]] {
            zip(windows, ensemble.quantileForecasts(values, origins: windows)).map { c, rows in
                (0..<H).map { h in
                    let lo = logPositive(rows[0][h]), hi = logPositive(rows[Q - 1][h]), y = logPositive(values[c + h])
                    let width = scaled ? max(hi - lo, 1e-6) : 1
                    return (max(lo - y, y - hi) / width, width)
                }
            }
        }
        let pooled = conformal(scores(problem.validationOrigins).flatMap { $0.map(\.0) })
        let first = max(ensemble.calibrationStart!, ensemble.minimumHistory), last = origins.max()! - H
        let windows = first <= last ? Array(first...last) : []
        let windowScores = scores(windows)
        var inside = 0, total = 0
        for (t, rows) in zip(origins, ensemble.quantileForecasts(values, origins: origins)) {
            let known = windows.count > 0 ? min(windows.count, max(0, t - H - first + 1)) : 0
            let oldest = memory.map { max(0, known - max($0, 10)) } ?? 0
            for h in 0..<H {
                let w = known >= 10 ? conformal(windowScores[oldest..<known].map { $0[h].0 }) : pooled
                let lo = logPositive(rows[0][h]), hi = logPositive(rows[Q - 1][h]), m = logPositive(rows[median][h])
                let width = scaled ? max(hi - lo, 1e-6) : 1
                let y = logPositive(values[t + h])
                if min(lo - w * width, m) <= y + 1e-12 && y <= max(hi + w * width, m) + 1e-12 { inside += 1 }
                total += 1
            }
        }
        return Double(inside) / Double(total)
    }

    func evaluate(_ label: String, _ members: [HybridModel], combination: HybridCombination = .median, memory: Int? = nil,
                  scaledCalibration: Bool = false) {
        var ensemble = HybridEnsemble(members: members, calibrationStart: problem.split.train.upperBound)
        ensemble.combination = combination
        ensemble.calibrateIntervals(values, origins: problem.validationOrigins)
        let testOrigins = problem.testOrigins.filter { $0 >= ensemble.minimumHistory }
        func score(_ origins: [Int], _ scale: Double?) -> (Double, Double) {
            let (forecasts, intervals) = ensemble.forecastsWithIntervals(values, origins: origins, horizon: H)
            let actuals = origins.map { Array(values[$0..<($0 + H)]) }
            return (ForecastAccuracy(forecasts: forecasts, actuals: actuals, scale: scale).mase ?? .nan,
                    PredictionInterval.coverage(intervals, actuals: actuals) ?? .nan)
        }
        // The library calibrates on every known window; with a memory it is re-done here.
        let (backtestMASE, libraryBacktestCoverage) = score(backtest, backtestScale)
        let (testMASE, libraryTestCoverage) = score(testOrigins, problem.maseScale)
        let backtestCoverage = memory == nil ? libraryBacktestCoverage
                                             : calibratedCoverage(ensemble, origins: backtest, scaled: false, memory: memory)
        let testCoverage = memory == nil ? libraryTestCoverage
                                         : calibratedCoverage(ensemble, origins: testOrigins, scaled: false, memory: memory)
        let validation = choiceOrigins.scores([ensemble], series: values, scale: choiceScale).first?.accuracy
        let recommended = validation.map { $0.mae < bestBaseline.accuracy.mae } == true
        print(String(format: "| %@ | %@ | %.4f | %.1f %% | %.4f | %.1f %% | %.4f (%@) |", name, label, backtestMASE,
                     100 * backtestCoverage, testMASE, 100 * testCoverage, validation?.mase ?? .nan,
                     recommended ? "recommended" : "not: " + bestBaseline.method))
        if scaledCalibration {
            print(String(format: "| %@ | %@, scaled scores | | %.1f %% (re-done unscaled %.1f %%) | | %.1f %% | |", name, label,
                         100 * calibratedCoverage(ensemble, origins: backtest, scaled: true, memory: memory),
                         100 * calibratedCoverage(ensemble, origins: backtest, scaled: false, memory: memory),
                         100 * calibratedCoverage(ensemble, origins: testOrigins, scaled: true, memory: memory)))
        }
    }

    print("| series | ensemble | backtest MASE | backtest 80 % coverage | test MASE | test coverage | validation origins MASE |")
    print("|---|---|---|---|---|---|---|")
    let cycled = { (n: Int) in (0..<n).map { k in member(lookbacks[k % 3], 1 + k / 3) } }
    for n in [5, seeds] where n <= seeds {
        let plain = (1...n).map { member(L, $0) }
        evaluate("L = \(L), \(n) seeds, median", plain, scaledCalibration: true)
        evaluate("L = \(L), \(n) seeds, mean", plain, combination: .mean)
    }
    for l in lookbacks where l != L { evaluate("L = \(l), 5 seeds, median", (1...min(5, seeds)).map { member(l, $0) }) }
    for n in [3, 6, 9, 3 * seeds] where n <= 3 * seeds {
        evaluate("L = \(lookbacks.map(String.init).joined(separator: "/")), \(n) members, median", cycled(n), scaledCalibration: true)
        evaluate("L = \(lookbacks.map(String.init).joined(separator: "/")), \(n) members, mean", cycled(n), combination: .mean)
    }
    let plain = (1...min(5, seeds)).map { member(L, $0) }
    for memory in [2 * H, 4 * H] { evaluate("L = \(L), 5 seeds, median, calibration on the last \(memory) windows", plain, memory: memory, scaledCalibration: true) }
    FileHandle.standardError.write(Data(String(format: "%.0f s\n", Date().timeIntervalSince(start)).utf8))
} catch {
    fail("error: \(error)")
}
