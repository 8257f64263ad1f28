import Foundation
import Recurrent
import RecurrentSeries

/// `--json` results: one JSON document on stdout (pretty-printed, sorted keys), nothing else
/// there; progress and messages stay on stderr. Absent figures are `null`; NaN and ±∞ are the
/// strings "nan", "inf" and "-inf" (as in checkpoint metadata), since JSON has no such numbers.
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        Console.out(try MetadataJSON.document(value) + "\n")
    }
}

/// One method's forecast errors in `--json` output.
struct ForecastScoreJSON: Encodable {
    var method: String
    var mae: Double
    var rmse: Double
    /// nil when the MASE scale is zero or undefined (the text shows "–").
    var mase: Double?
}

extension ForecastScoreJSON {
    init(_ score: ForecastScore) {
        self.init(method: score.method, mae: score.accuracy.mae, rmse: score.accuracy.rmse, mase: score.accuracy.mase)
    }
}
