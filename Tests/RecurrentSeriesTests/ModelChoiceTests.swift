import Testing
@testable import RecurrentSeries

/// Rolling origins and the choice between the network and the baselines.
@Suite struct ModelChoiceTests {
    /// A method that reads the future: the best possible forecaster, standing in for a network.
    struct Oracle: ForecastMethod {
        var name: String { "oracle" }
        var kind: ForecastMethodKind { .network }
        var maximumHorizon: Int? { 4 }
        func forecast(_ series: [Double], origin: Int, horizon: Int) -> [Double] { Array(series[origin..<(origin + horizon)]) }
    }

    /// A method that is always far off.
    struct Wild: ForecastMethod {
        var name: String { "wild" }
        var kind: ForecastMethodKind { .network }
        func forecast(_ series: [Double], origin: Int, horizon: Int) -> [Double] { Array(repeating: 1e6, count: horizon) }
    }

    @Test func originsEndAtThePartAndSpreadOverIt() {
        let evenly = RollingOrigin(part: 100..<140, horizon: 10)
        #expect(evenly.origins == [102, 109, 116, 123, 130])       // (130 − 100)/4 = 7 apart
        #expect(evenly.span == 102..<140)
        #expect(RollingOrigin(part: 100..<200, horizon: 10).origins == [150, 160, 170, 180, 190])   // at most h apart
        #expect(RollingOrigin(part: 100..<112, horizon: 10).origins == [100, 101, 102])           // fewer when short
        #expect(RollingOrigin(part: 100..<105, horizon: 10).origins.isEmpty)
        #expect(RollingOrigin(part: 0..<40, horizon: 10, step: 3, minimumOrigin: 20).origins == [21, 24, 27, 30])
    }

    @Test func scoresAreComputedOverEveryWindowByHand() {
        let y = [1.0, 2, 4, 7, 11, 16]
        let evaluation = RollingOrigin(origins: [3, 4], horizon: 2)
        let scale = evaluation.maseScale(y, season: nil)            // mean |Δ| of 1, 2, 4 → 1, 2 = 1.5
        #expect(scale == 1.5)
        let scores = evaluation.scores([Baseline.lastValue], series: y, scale: scale)
        // origin 3: last 4 → errors 3, 7; origin 4: last 7 → errors 4, 9. MAE 23/4.
        #expect(scores.count == 1 && scores[0].accuracy.mae == 23.0 / 4 && scores[0].accuracy.mase == 23.0 / 4 / 1.5)
    }

    @Test func methodsThatCannotForecastTheWindowsAreLeftOut() {
        let y = (0..<30).map(Double.init)
        let scores = RollingOrigin(origins: [20, 22], horizon: 6).scores([Oracle(), Baseline.lastValue], series: y, scale: 1)
        #expect(scores.map(\.method) == ["last value"])              // the oracle forecasts at most 4
    }

    static func seasonal() -> [Double] {
        var rng = SplitMix(seed: 3)
        let season: [Double] = [0, 6, 10, 6, 0, -6, -10, -6, 0, 2, 0, -2]
        return (0..<120).map { t -> Double in
            let trend = 50 + 0.2 * Double(t)
            return trend + season[t % 12] + rng.noise()
        }
    }

    @Test func theNetworkIsRecommendedOnlyWhenItBeatsEveryBaseline() throws {
        let y = Self.seasonal()
        let evaluation = RollingOrigin(part: 90..<120, horizon: 4)
        let baselines = ForecastMethodKind.baselines(season: 12)
        #expect(baselines.map(\.kind) == [.lastValue, .seasonalNaive, .ets, .theta, .arima])
        let good = try #require(ModelChoice(candidates: baselines + [Oracle()], series: y, evaluation: evaluation, season: 12))
        #expect(good.recommended == .network && good.verdict.contains("the network beats every baseline"))
        let bad = try #require(ModelChoice(candidates: baselines + [Wild()], series: y, evaluation: evaluation, season: 12))
        #expect(bad.recommended != .network && bad.verdict.contains("no network beats the baselines"))
        #expect(bad.scores.count == 6 && bad.origins == evaluation.origins)
        // On a trending seasonal series ETS, theta or ARIMA beat both naive forecasts.
        #expect([.ets, .theta, .arima].contains(bad.recommended), "\(bad.scores.formattedTable())")
        #expect(ModelChoice(candidates: baselines, series: y, evaluation: RollingOrigin(origins: [], horizon: 4), season: 12) == nil)
    }
}

/// A tiny deterministic noise source for these tests (SplitMix64 → uniform in [−1, 1)).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func noise() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 52) - 1
    }
}
