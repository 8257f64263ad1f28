import Testing
@testable import RecurrentSeries

/// Statistics over many origins: at most `RefitSchedule.maximumFits` searches, the latest fit
/// run on at the other origins, nothing read from after an origin.
@Suite struct RefitScheduleTests {
    @Test func fewOriginsAreEachRefittedAndManyAtMostTheMaximum() {
        #expect(RefitSchedule(origins: Array(10..<34)).refits == [Bool](repeating: true, count: 24))
        let many = RefitSchedule(origins: Array(10..<110))
        #expect(many.refits.filter { $0 }.count == RefitSchedule.maximumFits && many.refits[0])
        // Evenly spread: 100 origins over 24 fits are 4 or 5 apart.
        let positions = many.refits.indices.filter { many.refits[$0] }
        #expect(Set(zip(positions.dropFirst(), positions).map { $0 - $1 }) == [4, 5])
        #expect(RefitSchedule(origins: Array((10..<110).reversed())).refits.allSatisfy { $0 })   // out of order
    }

    /// Refitted origins forecast as a fit there would; the others as the latest fit run over
    /// the longer history; changing the values after an origin changes none of its forecasts.
    /// With 2 fits over 5 origins (refitted at the 1st and 3rd, each fit run on over one and
    /// two longer histories): the schedule's logic, without the 24 searches of the default.
    @Test(arguments: [ForecastMethodKind.ets, .arima])
    func statisticsRefitOnScheduleAndReadOnlyThePast(kind: ForecastMethodKind) throws {
        let y = ModelChoiceTests.seasonal()
        let method: any ForecastMethod = kind == .ets ? StatisticalMethod.ets(period: 12, maximumFits: 2)
            : ARIMAMethod(period: 12, maximumFits: 2)
        let origins = Array(stride(from: 60, to: 70, by: 2))
        let schedule = RefitSchedule(origins: origins, maximumFits: 2)
        #expect(schedule.refits == [true, false, true, false, false])
        let forecasts = method.forecasts(y, origins: origins, horizon: 4)
        var latest = 0
        for (i, origin) in origins.enumerated() {
            if schedule.refits[i] {
                latest = origin
                #expect(forecasts[i] == method.forecast(y, origin: origin, horizon: 4), "origin \(origin)")
                continue
            }
            let history = Array(y[..<origin]), fitted = Array(y[..<latest])
            let expected: [Double]
            if kind == .ets {
                expected = try #require(ExponentialSmoothing.select(fitted, period: 12)).applied(to: history).forecast(horizon: 4)
            } else {
                expected = try #require(ARIMA.select(fitted, period: 12)).applied(to: history).forecast(horizon: 4)
            }
            #expect(forecasts[i] == expected, "origin \(origin), refitted at \(latest)")
        }
        var changed = y
        for t in origins.last!..<y.count { changed[t] += 100 }
        #expect(method.forecasts(changed, origins: origins, horizon: 4) == forecasts)
    }

    @Test func statisticsRefitAtMostTwentyFourTimesByDefault() {
        #expect(ARIMAMethod(period: 12).maximumFits == RefitSchedule.maximumFits)
        #expect(StatisticalMethod.ets(period: 12) == .ets(period: 12, maximumFits: RefitSchedule.maximumFits))
    }

    /// `forecast train --statistics-fits n` reaches ETS and ARIMA through the problem's baselines.
    @Test func aProblemCapsItsStatisticsFits() throws {
        var problem = try ForecastProblem(series: Synthetic.seasonalSeries(), lookback: 12, horizon: 3)
        #expect(problem.statisticsFits == RefitSchedule.maximumFits)
        problem.statisticsFits = 3
        let methods = problem.baselineMethods
        #expect(methods.compactMap { $0 as? ARIMAMethod }.map(\.maximumFits) == [3])
        #expect(methods.compactMap { $0 as? StatisticalMethod }.contains(.ets(period: problem.season, maximumFits: 3)))
    }
}
