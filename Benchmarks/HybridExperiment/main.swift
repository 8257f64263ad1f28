// Ablations of the ES-RNN hybrid ensemble (docs/series.md, "The ES-RNN hybrid"), in release:
//
//     swift build -c release --scratch-path .build-release --product hybrid-experiment
//     .build-release/release/hybrid-experiment SERIES [--seeds N] [--lookbacks] [--level-penalty λ] [--threads T]
//                                              [--members DIR] [--diagnose]
//
// SERIES is one of co2, elec_equip, elnino, AirPassengers, lynx, read from Data/ with the options
// of docs/series.md's side-by-side table. Members are trained once per (lookback, seed) — with
// the lookback L of that table, and with `--lookbacks` also L/2, 3L/2 — exactly as `forecast
// train --model hybrid` trains them (a member does not depend on what trains beside it), then
// combined into ensembles that differ in size, lookbacks and combination (median or mean), and
// whose intervals are calibrated in every way `HybridCalibration` offers (or not at all). Each is
// scored as `forecast predict --model hybrid --backtest` scores it (5 origins ⌈H/2⌉ apart, the
// last window ending at the last value), on every test window and on the 5 validation origins
// that choose the model: MASE, the 80 % interval's coverage and its MSIS (M4's interval score:
// mean of (u − l) + (2/α)·(l − y)⁺ + (2/α)·(y − u)⁺ over the MASE scale, α = 0.2; lower is better).
// `--members DIR` keeps each trained member in DIR as a one-member hybrid checkpoint
// (SERIES-L<lookback>-seed<seed>.safetensors) and reads it from there on later runs, so that
// the calibrations can be compared again without training; `--diagnose` adds, for the default
// calibrations, each backtest origin's coverage, the shares below and above the interval and
// the relative widening q, and the test part's coverage in five consecutive blocks of origins.
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
let seeds = option("--seeds").flatMap(Int.init) ?? 5
let lookbackAblation = arguments.contains("--lookbacks")
let levelPenalty = option("--level-penalty").flatMap(Double.init)
let threads = option("--threads").flatMap(Int.init) ?? ThreadPool.threadCount
let memberDirectory = option("--members")
let diagnose = arguments.contains("--diagnose")
guard let name = positional.first, let setup = setups[name] else {
    fail("usage: hybrid-experiment \(setups.keys.sorted().joined(separator: "|")) [--seeds N] [--lookbacks] [--level-penalty λ] [--threads T]")
}

do {
    let series = try TimeSeries.read(contentsOf: "Data/\(name).csv", column: setup.column, wide: setup.wide).filled(.interpolate)
    let problem = try ForecastProblem(series: series, file: name, lookback: setup.lookback, horizon: setup.horizon,
                                      testFraction: setup.test, reference: .lastValue)
    let season = HybridConfiguration.smoothingSeason(given: nil, detected: problem.season, frequency: series.frequency)
    let L = setup.lookback, H = setup.horizon
    let lookbacks = lookbackAblation ? [max(1, (L + 1) / 2), L, (3 * L + 1) / 2] : [L]
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
    // Members kept by an earlier run with `--members` are read, not trained.
    let source = ForecastSource(file: "Data/\(name).csv", column: setup.column, dateColumn: nil, wide: setup.wide,
                                missing: .interpolate)
    func memberPath(_ k: Int) -> String? {
        memberDirectory.map { "\($0)/\(name)-L\(keys[k].lookback)-seed\(keys[k].seed).safetensors" }
    }
    let kept: [HybridModel?] = try keys.indices.map { k in
        guard let path = memberPath(k), FileManager.default.fileExists(atPath: path) else { return nil }
        return try HybridCheckpoint(contentsOf: path).ensemble.members[0]
    }
    let toTrain = keys.indices.filter { kept[$0] == nil }
    if let memberDirectory { try FileManager.default.createDirectory(atPath: memberDirectory, withIntermediateDirectories: true) }
    ThreadPool.parallelFor(toTrain.count, threads: max(1, min(threads, toTrain.count))) { i in
        let k = toTrain[i]
        let outcome = try? slots.trainers[k].train()
        slots.outcomes.withUnsafeMutableBufferPointer { $0[k] = outcome }
        FileHandle.standardError.write(Data(String(format: "  member lookback %d seed %d: best epoch %d of %d (%.0f s)\n",
                                                   keys[k].lookback, Int(keys[k].seed), outcome?.bestEpoch ?? -1,
                                                   outcome?.epochsRun ?? -1, Date().timeIntervalSince(start)).utf8))
    }
    guard toTrain.allSatisfy({ slots.outcomes[$0] != nil }) else { fail("a member failed to train") }
    for k in toTrain {
        guard let path = memberPath(k) else { continue }
        try HybridCheckpoint(ensemble: HybridEnsemble(members: [slots.trainers[k].model]), source: source,
                             season: problem.season, frequency: series.frequency, training: nil).write(to: path)
    }
    if toTrain.count < keys.count {
        FileHandle.standardError.write(Data("  \(keys.count - toTrain.count) members read from \(memberDirectory!)\n".utf8))
    }
    func member(_ lookback: Int, _ seed: Int) -> HybridModel {
        let k = keys.firstIndex { $0.lookback == lookback && $0.seed == UInt64(seed) }!
        return kept[k] ?? slots.trainers[k].model
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

    /// MASE, coverage and MSIS of `ensemble` at `origins`.
    func score(_ ensemble: HybridEnsemble, _ origins: [Int], _ scale: Double?) -> (mase: Double, coverage: Double, msis: Double) {
        let (forecasts, intervals) = ensemble.forecastsWithIntervals(values, origins: origins, horizon: H)
        let actuals = origins.map { Array(values[$0..<($0 + H)]) }
        var msis = 0.0, n = 0.0
        for (interval, actual) in zip(intervals, actuals) {
            for (h, y) in actual.enumerated() {
                let l = interval.lower[h], u = interval.upper[h]
                msis += (u - l) + 10 * max(0, l - y) + 10 * max(0, y - u)
                n += 1
            }
        }
        return (ForecastAccuracy(forecasts: forecasts, actuals: actuals, scale: scale).mase ?? .nan,
                PredictionInterval.coverage(intervals, actuals: actuals) ?? .nan, msis / n / (scale ?? .nan))
    }
    func ensemble(_ members: [HybridModel], _ combination: HybridCombination) -> HybridEnsemble {
        var ensemble = HybridEnsemble(members: members, calibrationStart: problem.split.train.upperBound)
        ensemble.combination = combination
        ensemble.calibrateIntervals(values, origins: problem.validationOrigins)
        return ensemble
    }
    let testOrigins = problem.testOrigins.filter { $0 >= L }

    // Point accuracy: the calibration does not change the point forecasts.
    print("| series | ensemble | backtest MASE | test MASE | validation origins MASE |")
    print("|---|---|---|---|---|")
    func point(_ label: String, _ members: [HybridModel], _ combination: HybridCombination) {
        let e = ensemble(members, combination)
        let validation = choiceOrigins.scores([e], series: values, scale: choiceScale).first?.accuracy
        let recommended = validation.map { $0.mae < bestBaseline.accuracy.mae } == true
        print(String(format: "| %@ | %@, %@ | %.4f | %.4f | %.4f (%@) |", name, label, combination.rawValue,
                     score(e, backtest, backtestScale).mase, score(e, testOrigins, problem.maseScale).mase,
                     validation?.mase ?? .nan, recommended ? "recommended" : "not: " + bestBaseline.method))
    }
    let plain = (1...seeds).map { member(L, $0) }
    for combination in HybridCombination.allCases { point("L = \(L), \(seeds) seeds", plain, combination) }
    if lookbackAblation {
        let cycled = { (n: Int) in (0..<n).map { k in member(lookbacks[k % 3], 1 + k / 3) } }
        for l in lookbacks where l != L { point("L = \(l), \(seeds) seeds", (1...seeds).map { member(l, $0) }, .median) }
        for n in [3, 6, 9, 3 * seeds] where n <= 3 * seeds {
            for combination in HybridCombination.allCases {
                point("L = \(lookbacks.map(String.init).joined(separator: "/")), \(n) members", cycled(n), combination)
            }
        }
    }

    // Intervals of the L-lookback ensemble, every calibration.
    print("")
    print("| series | combination | calibration | backtest coverage | backtest MSIS | test coverage | test MSIS |")
    print("|---|---|---|---|---|---|---|")
    let calibrations: [(String, HybridCalibration?)] = [("none (raw quantiles)", nil), ("validation windows only", nil)]
        + HybridCalibration.Known.allCases.flatMap { known in
            [HybridCalibration.Steps.separate, .pooledRelative].flatMap { steps in
                [nil, 4 * H, 2 * H, H].map { memory in
                    let which = known == .completeWindows ? (memory.map { "last \($0) windows" } ?? "every window")
                                                          : (memory.map { "last \($0) values" } ?? "every value")
                    return ("\(steps.rawValue), " + which, HybridCalibration(steps: steps, memory: memory, known: known))
                }
            }
        }
    for combination in HybridCombination.allCases {
        for (k, (label, calibration)) in calibrations.enumerated() {
            var e = ensemble(plain, combination)
            if let calibration { e.calibration = calibration } else { e.calibrationStart = nil }
            if k == 0 { e.intervalWidening = 0 }
            let b = score(e, backtest, backtestScale), t = score(e, testOrigins, problem.maseScale)
            print(String(format: "| %@ | %@ | %@ | %.1f %% | %.3f | %.1f %% | %.3f |", name, combination.rawValue, label,
                         100 * b.coverage, b.msis, 100 * t.coverage, t.msis))
        }
    }

    // Where the default calibrations' misses fall: each backtest origin, and the test part in blocks.
    if diagnose {
        print("")
        print("| series | calibration | origins | coverage | below | above | q |")
        print("|---|---|---|---|---|---|---|")
        let defaults = [("pooledRelative, last \(H) windows", HybridCalibration(steps: .pooledRelative, memory: H)),
                        ("pooledRelative, last \(H) values", HybridCalibration(steps: .pooledRelative, memory: H, known: .everyKnownValue))]
        for (label, calibration) in defaults {
            var e = ensemble(plain, .mean)
            e.calibration = calibration
            let blockSize = (testOrigins.count + 4) / 5
            let groups = backtest.map { [$0] } + stride(from: 0, to: testOrigins.count, by: blockSize).map {
                Array(testOrigins[$0..<min($0 + blockSize, testOrigins.count)])
            }
            for origins in groups {
                let (_, intervals) = e.forecastsWithIntervals(values, origins: origins, horizon: H)
                let offset = e.configuration.offset
                let widths = e.quantileForecasts(values, origins: origins).map { rows in
                    [log((rows.last![0] + offset) / (rows.first![0] + offset))]      // step 1's raw log width
                }
                let widenings = e.stepWidenings(values, origins: origins)
                var below = 0, above = 0, total = 0
                for (interval, origin) in zip(intervals, origins) {
                    for h in 0..<H {
                        let y = values[origin + h]
                        if y < interval.lower[h] { below += 1 } else if y > interval.upper[h] { above += 1 }
                        total += 1
                    }
                }
                let qs = zip(widenings, widths).map { $0[0] / $1[0] }
                let n = Double(total)
                print(String(format: "| %@ | %@ | %@ | %.1f %% | %.1f %% | %.1f %% | %@ |", name, label,
                             origins.count == 1 ? "\(origins[0])" : "test \(origins.first!)…\(origins.last!)",
                             100 * Double(total - below - above) / n, 100 * Double(below) / n, 100 * Double(above) / n,
                             origins.count == 1 ? String(format: "%.3f", qs[0])
                                                : String(format: "%.3f…%.3f", qs.min()!, qs.max()!)))
            }
        }
    }
    FileHandle.standardError.write(Data(String(format: "%.0f s\n", Date().timeIntervalSince(start)).utf8))
} catch {
    fail("error: \(error)")
}
