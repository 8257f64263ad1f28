/// A series cut in time into training, validation and test parts — never shuffled across time,
/// so the model is always judged on a future it has not seen.
///
/// The parts hold forecast *targets*: a window whose first forecast step falls in the test part
/// is a test window, even though its lookback reaches back into the validation part (that
/// history is known at forecast time). The standardisation is fitted on `train` only.
public struct ChronologicalSplit: Codable, Equatable, Sendable {
    public let count: Int
    public let trainEnd: Int
    public let validationEnd: Int

    public var train: Range<Int> { 0..<trainEnd }
    public var validation: Range<Int> { trainEnd..<validationEnd }
    public var test: Range<Int> { validationEnd..<count }

    /// Splits `count` values: the last `testFraction` for test, the `validationFraction`
    /// before it for validation, the rest for training.
    ///
    /// Throws `tooFewValues` (naming `file` and `column`) when the series is shorter than
    /// `lookback + horizon`, or when the parts cannot each hold what they need: training at
    /// least one full window (`lookback + horizon`), validation and test at least `horizon`
    /// values each.
    public init(count: Int, lookback: Int, horizon: Int,
                validationFraction: Double = ForecastTrainingOptions.Defaults.validationFraction,
                testFraction: Double = ForecastTrainingOptions.Defaults.testFraction, file: String = "", column: String = "") throws {
        guard lookback >= 1, horizon >= 1 else {
            throw SeriesError.invalidArgument("--lookback and --horizon must be at least 1 (got \(lookback) and \(horizon)).")
        }
        guard validationFraction >= 0, testFraction >= 0, validationFraction + testFraction < 1 else {
            throw SeriesError.invalidArgument("validation and test fractions must be ≥ 0 and leave data to train on "
                + "(got \(validationFraction) and \(testFraction)).")
        }
        guard count >= lookback + horizon else {
            throw SeriesError.tooFewValues(file: file, column: column, count: count, needed: lookback + horizon,
                                           reason: "lookback \(lookback) + horizon \(horizon)")
        }
        let testCount = testFraction > 0 ? max(horizon, Int((Double(count) * testFraction).rounded())) : 0
        let validationCount = validationFraction > 0 ? max(horizon, Int((Double(count) * validationFraction).rounded())) : 0
        let needed = lookback + horizon + (testFraction > 0 ? horizon : 0) + (validationFraction > 0 ? horizon : 0)
        guard count - testCount - validationCount >= lookback + horizon else {
            throw SeriesError.tooFewValues(file: file, column: column, count: count, needed: max(needed, count + 1),
                                           reason: "one training window of lookback \(lookback) + horizon \(horizon) "
                                               + "after \(validationCount) validation and \(testCount) test values")
        }
        self.count = count
        self.trainEnd = count - testCount - validationCount
        self.validationEnd = count - testCount
    }

    /// The forecast origins (index of the first forecast step) of every window whose `horizon`
    /// targets lie inside `part` and whose `lookback` history lies inside the series, in order.
    public static func origins(in part: Range<Int>, lookback: Int, horizon: Int) -> [Int] {
        let first = max(part.lowerBound, lookback)
        let last = part.upperBound - horizon
        return first <= last ? Array(first...last) : []
    }
}
