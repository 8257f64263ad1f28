/// A forecasting task, prepared: the gap-free series, its chronological split, the window
/// encoding fitted on the training part, the season, and the windows of each part.
public struct ForecastProblem: Sendable {
    public let series: FilledSeries
    public let file: String
    public let split: ChronologicalSplit
    public let encoding: WindowEncoding
    /// The season m used by the seasonal-naive baseline and MASE; `nil` when none was given or found.
    public let season: Int?
    /// Whether `season` was found by `SeasonDetection` rather than given.
    public let seasonDetected: Bool
    public let trainOrigins: [Int]
    public let validationOrigins: [Int]
    public let testOrigins: [Int]
    /// The MASE denominator from the training part.
    public let maseScale: Double?

    public var lookback: Int { encoding.lookback }
    public var horizon: Int { encoding.horizon }

    /// - Parameters:
    ///   - season: the season length, or `nil` to detect it on the training part.
    ///   - reference: the window encoding's reference; `nil` chooses `.seasonal` when there is a
    ///     season no longer than the lookback, else `.lastValue`.
    public init(series: FilledSeries, file: String = "", lookback: Int, horizon: Int, season: Int? = nil,
                validationFraction: Double = ForecastTrainingOptions.Defaults.validationFraction,
                testFraction: Double = ForecastTrainingOptions.Defaults.testFraction,
                reference: WindowEncoding.Reference? = nil) throws {
        let split = try ChronologicalSplit(count: series.values.count, lookback: lookback, horizon: horizon,
                                           validationFraction: validationFraction, testFraction: testFraction,
                                           file: file, column: series.name)
        let training = Array(series.values[split.train])
        if let season, season < 1 || season >= training.count {
            throw SeriesError.invalidArgument("--season must be between 1 and the \(training.count) training values (got \(season)).")
        }
        let m = season ?? SeasonDetection.detect(training)
        let chosen = reference ?? (m.map { $0 <= lookback } == true ? .seasonal : .lastValue)
        if chosen == .seasonal {
            guard let m else {
                throw SeriesError.invalidArgument("\(file): the seasonal reference needs a season, and none was detected; "
                    + "give --season, or use --reference last.")
            }
            guard m <= lookback else {
                throw SeriesError.invalidArgument("the seasonal reference needs --lookback ≥ the season (\(m)); "
                    + "raise --lookback or use --reference last.")
            }
        }
        self.series = series
        self.file = file
        self.split = split
        self.encoding = WindowEncoding(lookback: lookback, horizon: horizon, training: training, reference: chosen,
                                       season: m)
        self.seasonDetected = season == nil
        self.season = m
        self.trainOrigins = ChronologicalSplit.origins(in: split.train, lookback: lookback, horizon: horizon)
        self.validationOrigins = ChronologicalSplit.origins(in: split.validation, lookback: lookback, horizon: horizon)
        self.testOrigins = ChronologicalSplit.origins(in: split.test, lookback: lookback, horizon: horizon)
        self.maseScale = ForecastAccuracy.maseScale(training: training, season: self.season ?? 1)
    }

    /// The most origins of one set (the test part, the validation origins) at which ETS and
    /// ARIMA are chosen and fitted anew (`RefitSchedule`); the latest fit runs on between them.
    public var statisticsFits = RefitSchedule.maximumFits

    /// Every method a forecast is compared with: last value, seasonal naive (with a season), ETS, theta and ARIMA.
    public var baselineMethods: [any ForecastMethod] { ForecastMethodKind.baselines(season: season, maximumFits: statisticsFits) }

    /// The actual values of the windows at `origins`.
    public func actuals(_ origins: [Int]) -> [[Double]] {
        origins.map { Array(series.values[$0..<($0 + horizon)]) }
    }
}
