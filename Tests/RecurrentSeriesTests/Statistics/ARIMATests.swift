import Foundation
import Testing
@testable import RecurrentSeries

/// ARIMA against statsmodels and an independent least-squares fit
/// (`Scripts/make_arima_fixtures.py` → `Fixtures/arima.json`) on the bundled series.
@Suite struct ARIMATests {
    struct Fixture: Decodable {
        struct AR: Decodable {
            var p: Int, d: Int, conditioning: Int
            var sse: Double
            var ar: [Double]
            var constant: Double
            var forecast: [Double]
        }
        struct ARMA: Decodable {
            var p: Int, q: Int, conditioning: Int
            var sse: Double
        }
        /// statsmodels' exact-likelihood fit of one order.
        struct Exact: Decodable {
            /// p, d, q, P, D, Q, m.
            var order: [Int]
            var includesConstant: Bool
            var ar: [Double], seasonalAR: [Double], ma: [Double], seasonalMA: [Double]
            var constant: Double
            /// Concentrated log L at these coefficients.
            var logLikelihood: Double
            /// log L at statsmodels' optimum.
            var fittedLogLikelihood: Double
            var forecast: [Double]

            var arimaOrder: ARIMAOrder {
                ARIMAOrder(p: order[0], d: order[1], q: order[2], seasonalP: order[3], seasonalD: order[4],
                           seasonalQ: order[5], period: max(order[6], 1), includesConstant: includesConstant)
            }
        }
        var count: Int
        var period: Int
        var kpss: [Double]
        /// [statistic, lags] with statsmodels' automatic lags, of y, its difference and its seasonal difference.
        var kpssAuto: [[Double]]
        var seasonalStrength: Double
        var ar: [AR]
        var arma: [ARMA]
        var exact: [Exact]
    }

    static let fixtures: [String: Fixture] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/arima.json")
        // The fixture is committed; a missing or broken one fails every test below.
        return (try? JSONDecoder().decode([String: Fixture].self, from: Data(contentsOf: url))) ?? [:]
    }()

    static func close(_ a: Double, _ b: Double, _ relative: Double, _ absolute: Double) -> Bool {
        StatisticsTests.close(a, b, relative: relative, absolute: absolute)
    }

    @Test(arguments: StatisticsTests.names)
    func kpssAndSeasonalStrengthMatchStatsmodels(name: String) throws {
        let fixture = try #require(Self.fixtures[name])
        let y = try StatisticsTests.values(name)
        #expect(y.count == fixture.count)
        let difference = (1..<y.count).map { y[$0] - y[$0 - 1] }
        #expect(Self.close(ARIMA.kpssStatistic(y), fixture.kpss[0], 1e-9, 1e-12))
        #expect(Self.close(ARIMA.kpssStatistic(difference), fixture.kpss[1], 1e-9, 1e-12))
        #expect(Self.close(ARIMA.seasonalStrength(y, period: fixture.period), fixture.seasonalStrength, 1e-9, 1e-12))
        let m = fixture.period
        for (x, reference) in zip([y, difference, (m..<y.count).map { y[$0] - y[$0 - m] }], fixture.kpssAuto) {
            let lags = ARIMA.kpssLags(x)
            #expect(Double(lags) == reference[1], "\(name): \(lags) lags against statsmodels' \(reference[1])")
            #expect(Self.close(ARIMA.kpssStatistic(x, lags: lags), reference[0], 1e-9, 1e-12), "\(name)")
        }
    }

    /// A pure AR model's CSS optimum is ordinary least squares: the fit must reach its SSE and
    /// coefficients, and at those coefficients the forecast must be statsmodels' (which for an
    /// AR model depends only on the last p values).
    @Test(arguments: StatisticsTests.names)
    func autoregressionsReachLeastSquaresAndForecastAsStatsmodels(name: String) throws {
        let fixture = try #require(Self.fixtures[name])
        let y = try StatisticsTests.values(name)
        for reference in fixture.ar {
            let order = ARIMAOrder(p: reference.p, d: reference.d, q: 0, includesConstant: true)
            let atReference = ARIMA(values: y, order: order, ar: reference.ar, ma: [], constant: reference.constant,
                                    conditioning: reference.conditioning)
            #expect(Self.close(atReference.sumOfSquaredErrors, reference.sse, 1e-9, 1e-9), "\(name) \(order)")
            for (a, b) in zip(atReference.forecast(horizon: reference.forecast.count), reference.forecast) {
                #expect(Self.close(a, b, 1e-9, 1e-9), "\(name) \(order): \(a) vs \(b)")
            }
            let fitted = try #require(ARIMA.fit(y, order: order, conditioning: reference.conditioning,
                                                    likelihood: .conditional))
            #expect(fitted.sumOfSquaredErrors <= reference.sse * (1 + 1e-6), "\(name) \(order): \(fitted.sumOfSquaredErrors) vs \(reference.sse)")
            for (a, b) in zip(fitted.ar, reference.ar) { #expect(abs(a - b) < 1e-3, "\(name) \(order): φ \(a) vs \(b)") }
        }
        for reference in fixture.arma {
            let order = ARIMAOrder(p: reference.p, d: 0, q: reference.q, includesConstant: true)
            let fitted = try #require(ARIMA.fit(y, order: order, conditioning: reference.conditioning,
                                                    likelihood: .conditional))
            #expect(fitted.sumOfSquaredErrors <= reference.sse * (1 + 1e-4), "\(name) \(order): \(fitted.sumOfSquaredErrors) vs \(reference.sse)")
        }
    }

    /// The Kalman filter's exact likelihood: at statsmodels' coefficients it must give
    /// statsmodels' concentrated log-likelihood and forecast, and the fit must reach (or pass)
    /// statsmodels' optimum.
    @Test(arguments: StatisticsTests.names)
    func exactLikelihoodAndForecastMatchStatsmodels(name: String) throws {
        let fixture = try #require(Self.fixtures[name])
        let y = try StatisticsTests.values(name)
        #expect(!fixture.exact.isEmpty)
        for reference in fixture.exact {
            let order = reference.arimaOrder
            let model = ARIMA(values: y, order: order, ar: reference.ar, seasonalAR: reference.seasonalAR, ma: reference.ma,
                              seasonalMA: reference.seasonalMA, constant: reference.constant, likelihood: .exact)
            // 10⁻⁵: elnino's seasonal MA at −0.999, at the edge of invertibility, differs most (8.6e-4 of 438.7).
            #expect(Self.close(model.logLikelihood, reference.logLikelihood, 1e-5, 1e-6),
                    "\(name) \(order): log L \(model.logLikelihood) vs statsmodels' \(reference.logLikelihood)")
            for (a, b) in zip(model.forecast(horizon: reference.forecast.count), reference.forecast) {
                #expect(Self.close(a, b, 1e-6, 1e-6), "\(name) \(order): forecast \(a) vs \(b)")
            }
            let fitted = try #require(ARIMA.fit(y, order: order))
            #expect(fitted.likelihood == .exact)
            #expect(fitted.logLikelihood >= reference.fittedLogLikelihood - 1e-3,
                    "\(name) \(order): fitted log L \(fitted.logLikelihood) vs statsmodels' \(reference.fittedLogLikelihood)")
        }
    }

    /// The stationary covariance solves P = T·P·Tᵀ + RRᵀ; for an AR(1), P = 1/(1 − φ²).
    @Test func stationaryCovarianceSolvesTheLyapunovEquation() throws {
        let order = ARIMAOrder(p: 2, d: 0, q: 1, seasonalP: 1, seasonalQ: 1, period: 4, includesConstant: false)
        let space = try #require(ARMAStateSpace(ARIMA.Polynomials(order, [0.5, -0.3], [0.6], [0.4], [-0.5])))
        let r = space.size, p = space.initialCovariance
        #expect(r == 6)
        for i in 0..<r {
            for j in 0..<r {
                // (T·P·Tᵀ)[i][j] with T's first column φ and ones above the diagonal.
                func tp(_ i: Int, _ k: Int) -> Double { space.phi[i] * p[k] + (i + 1 < r ? p[(i + 1) * r + k] : 0) }
                let tpt = space.phi[j] * tp(i, 0) + (j + 1 < r ? tp(i, j + 1) : 0)
                #expect(abs(p[i * r + j] - tpt - space.loading[i] * space.loading[j]) < 1e-10 * (1 + abs(p[i * r + j])))
            }
        }
        let ar1 = try #require(ARMAStateSpace(ARIMA.Polynomials(ARIMAOrder(p: 1, d: 0, q: 0, includesConstant: false),
                                                                 [0.8], [], [], [])))
        #expect(abs(ar1.initialCovariance[0] - 1 / (1 - 0.64)) < 1e-12)
        #expect(ARMAStateSpace(ARIMA.Polynomials(ARIMAOrder(p: 1, d: 0, q: 0, includesConstant: false), [1.0], [], [], [])) == nil)
    }

    /// The covariance from the autocovariances equals the doubling's sum, on pure AR, pure MA,
    /// seasonal products (lynx's m = 9 with (p, q) = (5, 5)) and roots near the unit circle.
    @Test func stationaryCovarianceMatchesTheDoublingReference() throws {
        let cases: [(ARIMAOrder, [Double], [Double], [Double], [Double])] = [
            (ARIMAOrder(p: 1, d: 0, q: 0, includesConstant: false), [0.8], [], [], []),
            (ARIMAOrder(p: 0, d: 0, q: 2, includesConstant: false), [], [], [0.5, -0.4], []),
            (ARIMAOrder(p: 2, d: 0, q: 1, seasonalP: 1, seasonalQ: 1, period: 4, includesConstant: false),
             [0.5, -0.3], [0.6], [0.4], [-0.5]),
            (ARIMAOrder(p: 5, d: 0, q: 5, seasonalP: 1, seasonalQ: 1, period: 9, includesConstant: false),
             [1.1, -0.5, 0.1, -0.05, 0.02], [0.4], [0.3, 0.2, -0.1, 0.05, 0.01], [-0.6]),
            (ARIMAOrder(p: 2, d: 0, q: 1, seasonalQ: 1, period: 12, includesConstant: false),
             [1.5, -0.56], [], [-0.3], [-0.999]),
            (ARIMAOrder(p: 1, d: 0, q: 1, includesConstant: false), [0.995], [], [0.9], []),
        ]
        for (order, ar, sar, ma, sma) in cases {
            let poly = ARIMA.Polynomials(order, ar, sar, ma, sma)
            let space = try #require(ARMAStateSpace(poly))
            let reference = try #require(ARMAStateSpace.stationaryCovarianceByDoubling(phi: space.phi, loading: space.loading))
            let largest = reference.map(abs).max()!
            for (a, b) in zip(space.initialCovariance, reference) {
                #expect(abs(a - b) <= 1e-9 * largest, "\(order): \(a) vs \(b)")
            }
        }
        #expect(ARMAStateSpace.stationaryCovariance(phi: [1.2, -0.1], loading: [1, 0]) == nil, "explosive AR(2)")
    }

    /// The Chandrasekhar filter gives the full-covariance filter's sums, standardised errors and
    /// final state, on the same models (a noisy series of 300 values).
    @Test func chandrasekharFilterMatchesTheFullCovarianceFilter() throws {
        var generator = SplitMix(seed: 3)
        var x: [Double] = []
        for t in 0..<300 { x.append(sin(Double(t) / 3) + 0.5 * generator.noise()) }
        let cases: [(ARIMAOrder, [Double], [Double], [Double], [Double])] = [
            (ARIMAOrder(p: 1, d: 0, q: 0, includesConstant: false), [0.8], [], [], []),
            (ARIMAOrder(p: 2, d: 0, q: 1, seasonalP: 1, seasonalQ: 1, period: 4, includesConstant: false),
             [0.5, -0.3], [0.6], [0.4], [-0.5]),
            (ARIMAOrder(p: 5, d: 0, q: 5, seasonalP: 1, seasonalQ: 1, period: 9, includesConstant: false),
             [1.1, -0.5, 0.1, -0.05, 0.02], [0.4], [0.3, 0.2, -0.1, 0.05, 0.01], [-0.6]),
            (ARIMAOrder(p: 2, d: 0, q: 1, seasonalQ: 1, period: 12, includesConstant: false),
             [1.5, -0.56], [], [-0.3], [-0.999]),
        ]
        for (order, ar, sar, ma, sma) in cases {
            let space = try #require(ARMAStateSpace(ARIMA.Polynomials(order, ar, sar, ma, sma)))
            var fast = [Double](repeating: 0, count: x.count), full = fast
            let a = try #require(space.filter(x, standardized: &fast))
            let b = try #require(space.filterByCovariance(x, standardized: &full))
            #expect(abs(a.sumOfSquares - b.sumOfSquares) <= 1e-9 * b.sumOfSquares, "\(order)")
            #expect(abs(a.sumOfLogVariances - b.sumOfLogVariances) <= 1e-9 * (1 + abs(b.sumOfLogVariances)), "\(order)")
            #expect(zip(fast, full).allSatisfy { abs($0 - $1) <= 1e-8 * (1 + abs($1)) }, "\(order)")
            #expect(zip(a.state, b.state).allSatisfy { abs($0 - $1) <= 1e-8 * (1 + abs($1)) }, "\(order)")
        }
    }

    @Test func recoversAKnownAR2AndForecastsItsCycle() {
        // y_t = 1.4·y_{t−1} − 0.8·y_{t−2} + ε (a damped cycle of period ~8.6) around mean 5.
        var generator = SplitMix(seed: 7)
        var y = [5.0, 5.0]
        for t in 2..<600 { y.append(5 + 1.4 * (y[t - 1] - 5) - 0.8 * (y[t - 2] - 5) + 0.1 * generator.noise()) }
        let model = ARIMA.fit(y, order: ARIMAOrder(p: 2, d: 0, q: 0, includesConstant: true))!
        #expect(abs(model.ar[0] - 1.4) < 0.05 && abs(model.ar[1] + 0.8) < 0.05)
        #expect(abs(model.constant - 5) < 0.05)
        let chosen = ARIMA.select(y, period: nil)!
        #expect(chosen.order.d == 0 && chosen.order.p >= 2, "\(chosen.order)")
        // Far ahead the forecast returns to the mean.
        #expect(abs(chosen.forecast(horizon: 200).last! - 5) < 0.1)
    }

    @Test func aRandomWalkIsDifferencedAndASeasonalSeriesSeasonallyDifferenced() {
        var generator = SplitMix(seed: 3)
        var walk = [0.0]
        for _ in 1..<300 { walk.append(walk.last! + generator.noise()) }
        #expect(ARIMA.select(walk, period: nil)!.order.d == 1)
        let season = [3.0, -1, 0, -2]
        let seasonal = (0..<200).map { 10 + season[$0 % 4] + 0.05 * generator.noise() }
        let model = ARIMA.select(seasonal, period: 4)!
        #expect(model.order.seasonalD == 1, "\(model.order)")
        for (h, f) in model.forecast(horizon: 8).enumerated() { #expect(abs(f - (10 + season[(200 + h) % 4])) < 0.3) }
    }

    @Test func aStraightLineIsForecastByItsDrift() {
        let y = (0..<60).map { t -> Double in
            let wiggle = Double(t % 3) - 1
            return 2 + 0.5 * Double(t) + 0.01 * wiggle
        }
        let model = ARIMA.select(y, period: nil)!
        let f = model.forecast(horizon: 10)
        let expected = 2 + 0.5 * 69.0
        #expect(abs(f[9] - expected) < 0.1, "\(model.order): \(f)")
        #expect(ARIMA.select([1, 2, 3], period: nil) == nil)
    }

    @Test func differencingIsUndoneExactly() {
        // With every coefficient 0 and no constant, ARIMA(0,1,0)(0,1,0)₄ forecasts
        // y(n+h) = y(n+h−4) + y(n) − y(n−4) (seasonal naive plus the last year's change).
        let y = (0..<20).map { t -> Double in Double(t * t % 7) }
        let order = ARIMAOrder(p: 0, d: 1, q: 0, seasonalD: 1, period: 4, includesConstant: false)
        let f = ARIMA(values: y, order: order, ar: [], ma: [], constant: 0).forecast(horizon: 4)
        for h in 0..<4 { #expect(abs(f[h] - (y[16 + h] + y[19] - y[15])) < 1e-12) }
    }

    @Test func polynomialsFromPartialAutocorrelationsAndProducts() {
        // Durbin–Levinson: r = (0.5, −0.3) gives φ = (0.5 − (−0.3)·0.5, −0.3) = (0.65, −0.3).
        let phi = CoefficientLayout.coefficients(fromPartial: [0.5, -0.3])
        #expect(abs(phi[0] - 0.65) < 1e-15 && abs(phi[1] + 0.3) < 1e-15)
        let poly = ARIMA.Polynomials(ARIMAOrder(p: 1, d: 0, q: 1, seasonalP: 1, seasonalQ: 1, period: 4,
                                                includesConstant: false), [0.5], [0.3], [0.2], [0.4])
        // (1 − 0.5B)(1 − 0.3B⁴) = 1 − 0.5B − 0.3B⁴ + 0.15B⁵;  (1 + 0.2B)(1 + 0.4B⁴) = 1 + 0.2B + 0.4B⁴ + 0.08B⁵.
        #expect(poly.ar.map(\.0) == [1, 4, 5] && zip(poly.ar.map(\.1), [0.5, 0.3, -0.15]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(poly.ma.map(\.0) == [1, 4, 5] && zip(poly.ma.map(\.1), [0.2, 0.4, 0.08]).allSatisfy { abs($0 - $1) < 1e-12 })
    }
}
