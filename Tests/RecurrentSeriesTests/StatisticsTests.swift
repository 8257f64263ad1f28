import Foundation
import Testing
@testable import RecurrentSeries

/// ETS and theta against statsmodels (`Scripts/make_statistics_fixtures.py` →
/// `Fixtures/statistics.json`) on the bundled series.
@Suite struct StatisticsTests {
    struct Fixture: Decodable {
        struct ETS: Decodable {
            var error: ETSSpecification.Error
            var trend: ETSSpecification.Trend
            var season: ETSSpecification.Season
            var period: Int
            var parameters: ETSParameters
            var logLikelihood: Double
            var aicc: Double
            var parameterCount: Int
            var forecast: [Double]
            var specification: ETSSpecification {
                ETSSpecification(error: error, trend: trend, season: season, period: period)
            }
        }
        struct ThetaReference: Decodable {
            var period: Int
            var deseasonalized: Bool
            var method: String
            var alpha: Double
            var b0: Double
            var forecast: [Double]
        }
        var count: Int
        var period: Int
        var ets: [ETS]
        var theta: ThetaReference
    }

    static let fixtures: [String: Fixture] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/statistics.json")
        // The fixture is committed; a missing or broken one fails every test below.
        return (try? JSONDecoder().decode([String: Fixture].self, from: Data(contentsOf: url))) ?? [:]
    }()

    static let names = ["co2", "elec_equip", "elnino", "AirPassengers", "lynx"]

    /// The series as `recurrent forecast` reads it (gaps interpolated).
    static func values(_ name: String) throws -> [Double] {
        let path = TestData.bundled(name + ".csv")
        let column: String? = ["co2": "co2", "elec_equip": "STS.M.I7.W.TOVT.NS0016.4.000", "AirPassengers": "Passengers",
                               "lynx": "lynx"][name]
        return try TimeSeries.read(contentsOf: path, column: column, wide: name == "elnino").filled(.interpolate).values
    }

    static func close(_ a: Double, _ b: Double, relative: Double, absolute: Double = 1e-9) -> Bool {
        abs(a - b) <= absolute + relative * max(abs(a), abs(b))
    }

    @Test(arguments: names)
    func theFilterReproducesStatsmodelsAtItsParameters(name: String) throws {
        let fixture = try #require(Self.fixtures[name])
        let y = try Self.values(name)
        #expect(y.count == fixture.count)
        #expect(!fixture.ets.isEmpty)
        for reference in fixture.ets {
            let model = ExponentialSmoothing(values: y, specification: reference.specification, parameters: reference.parameters)
            #expect(reference.specification.parameterCount == reference.parameterCount, "\(reference.specification)")
            #expect(Self.close(model.logLikelihood, reference.logLikelihood, relative: 1e-9), "\(name) \(reference.specification)")
            #expect(Self.close(model.aicc, reference.aicc, relative: 1e-9), "\(name) \(reference.specification)")
            let forecast = model.forecast(horizon: reference.forecast.count)
            for (a, b) in zip(forecast, reference.forecast) {
                #expect(Self.close(a, b, relative: 1e-8), "\(name) \(reference.specification): \(a) vs \(b)")
            }
        }
    }

    /// Maximum likelihood: our optimiser must find a likelihood at least as high as statsmodels'
    /// (up to 0.05 in log L, a tiny fraction of a unit of AICc) for every model, and so the
    /// AICc choice is no worse.
    @Test(arguments: names)
    func fittingFindsAtLeastStatsmodelsLikelihood(name: String) throws {
        let fixture = try #require(Self.fixtures[name])
        let y = try Self.values(name)
        var ours: [ExponentialSmoothing] = []
        for reference in fixture.ets {
            let model = try #require(ExponentialSmoothing.fit(y, specification: reference.specification))
            #expect(model.logLikelihood >= reference.logLikelihood - 0.05,
                    "\(name) \(reference.specification): log L \(model.logLikelihood) vs statsmodels \(reference.logLikelihood)")
            ours.append(model)
        }
        let best = try #require(ExponentialSmoothing.select(y, period: fixture.period))
        let theirs = fixture.ets.map(\.aicc).min()!
        #expect(best.aicc <= theirs + 0.1, "\(name): AICc \(best.aicc) (\(best.specification)) vs statsmodels \(theirs)")
        #expect(best.aicc == ours.map(\.aicc).min())
    }

    @Test(arguments: names)
    func thetaMatchesStatsmodels(name: String) throws {
        let reference = try #require(Self.fixtures[name]).theta
        let y = try Self.values(name)
        let theta = Theta(y, period: reference.period)
        #expect(!theta.seasonalIndex.isEmpty == reference.deseasonalized)
        #expect(theta.multiplicative == (reference.method == "mul"))
        #expect(abs(theta.alpha - reference.alpha) < 1e-3, "\(name): α \(theta.alpha) vs \(reference.alpha)")
        #expect(Self.close(theta.slope, reference.b0, relative: 1e-9))
        for (a, b) in zip(theta.forecast(horizon: reference.forecast.count), reference.forecast) {
            #expect(Self.close(a, b, relative: 1e-4), "\(name): \(a) vs \(b)")
        }
    }

    @Test func etsRecoversAKnownLocalLevelAndSeasonalModel() {
        // y = 10 + a season of 4 with no noise: the additive-season fit is exact (SSE ≈ 0) and
        // forecasts the season on.
        let season = [1.0, -2, 3, -2]
        let y = (0..<40).map { 10 + season[$0 % 4] }
        let model = ExponentialSmoothing.fit(y, specification: ETSSpecification(trend: .none, season: .additive, period: 4))!
        #expect(model.sumOfSquaredErrors < 1e-8)
        for (h, f) in model.forecast(horizon: 8).enumerated() { #expect(abs(f - (10 + season[(40 + h) % 4])) < 1e-4) }
        #expect(ExponentialSmoothing.fit(Array(y.prefix(9)), specification: model.specification) == nil)
        #expect(ExponentialSmoothing.fit(y.map { $0 - 20 }, specification: ETSSpecification(trend: .none, season: .multiplicative,
                                                                                         period: 4)) == nil)
    }

    @Test func thetaOnAStraightLineFollowsIt() {
        let y = (0..<50).map { 3 + 0.5 * Double($0) }
        let theta = Theta(y, period: nil)
        #expect(abs(theta.slope - 0.5) < 1e-12)
        // SES lags a trend; θ = 2 adds half the slope back: close to, not exactly, the line.
        let f = theta.forecast(horizon: 3)
        #expect(f[1] - f[0] > 0.2 && f[1] - f[0] < 0.3)
        #expect(theta.seasonalIndex.isEmpty)
    }
}
