import Foundation
import Recurrent
import Testing

/// `--json` on forecast train/predict and classify train/predict: stdout is exactly one JSON
/// document with the figures the text shows (schema: required keys and their types), and each
/// training run leaves a metrics.jsonl with one line per batch.
@Suite struct SeriesJSONCLITests {
    /// The one JSON object stdout must be (anything else there fails the parse).
    static func document(_ run: SeriesCLITests.Run) throws -> [String: Any] {
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        return try #require(object as? [String: Any], "stdout is not one JSON object: \(run.stdout)")
    }

    /// A JSON number (an integral value such as an accuracy of 1 parses as an integer).
    static func isNumber(_ value: Any?) -> Bool { value is Double || value is Int }

    static func expectScores(_ value: Any?) throws {
        let scores = try #require(value as? [[String: Any]])
        #expect(scores.count >= 2)
        for s in scores {
            #expect(s["method"] is String && Self.isNumber(s["mae"]) && Self.isNumber(s["rmse"]))
        }
        #expect(scores.contains { ($0["method"] as? String) == "LSTM" && Self.isNumber($0["mase"]) })
    }

    @Test func forecastTrainAndPredictJSON() throws {
        let data = try SeriesCLITests.seasonalCSV()
        let output = URL(fileURLWithPath: data).deletingLastPathComponent().appendingPathComponent("json-run").path
        let train = try Self.document(SeriesCLITests.run(["forecast", "train", data, "--column", "y", "--lookback", "12",
                                                          "--horizon", "3", "--epochs", "2", "--hidden", "4",
                                                          "--output", output, "--json"]))
        for key in ["test_windows", "horizon", "epochs_run", "best_epoch"] { #expect(train[key] is Int, "\(key)") }
        #expect(Self.isNumber(train["best_validation_mae"]))
        #expect((train["test_values"] as? [Int])?.count == 2)
        #expect(train["checkpoint"] as? String == output + "/forecast.safetensors")
        try Self.expectScores(train["scores"])
        if let choice = train["choice"] as? [String: Any] {
            #expect(choice["recommended"] is String && choice["verdict"] is String && choice["origins"] is [Int])
        }

        let records = try MetricsLog.read(path: output + "/metrics.jsonl")
        #expect(!records.isEmpty && records.map(\.step) == Array(1...records.count))
        #expect(records.last?.epoch == 2 && records.last?.validationLoss != nil && records.allSatisfy { $0.samples != nil })
        #expect(records.filter { $0.validationLoss != nil }.count == 2)

        let predict = try Self.document(SeriesCLITests.run(["forecast", "predict", output + "/forecast.safetensors", data,
                                                            "--horizon", "2", "--output", output + "/f.csv",
                                                            "--plot", output + "/f.svg", "--json"]))
        let rows = try #require(predict["forecast"] as? [[String: Any]])
        #expect(rows.count == 2)
        for row in rows { #expect(row["step"] is Int && row["date"] is String && Self.isNumber(row["forecast"])) }
        #expect(predict["backtest"] == nil)

        let backtest = try Self.document(SeriesCLITests.run(["forecast", "predict", output + "/forecast.safetensors", data,
                                                             "--backtest", "--output", output + "/b.csv",
                                                             "--plot", output + "/b.svg", "--json"]))
        let held = try #require(backtest["backtest"] as? [String: Any])
        #expect(held["horizon"] as? Int == 3 && held["step"] is Int)
        let origins = try #require(held["origins"] as? [Int])
        #expect(!origins.isEmpty && origins == origins.sorted())
        try Self.expectScores(held["scores"])
        let backtestRows = try #require(backtest["forecast"] as? [[String: Any]])
        #expect(backtestRows.count == 3 * origins.count)
        #expect(backtestRows.allSatisfy { Self.isNumber($0["actual"]) && $0["origin"] is Int })
        #expect(backtest["model"] is String && predict["model"] is String)
    }

    @Test func classifyTrainAndPredictJSON() throws {
        let shapes = Synthetic.shapes(count: 60)
        let rows = zip(shapes.inputs, shapes.labels).map { x, y in x.map { String($0) }.joined(separator: ",") + "," + shapes.classNames[y] }
        let data = try TestData.temporaryFile(rows.joined(separator: "\n") + "\n", name: "shapes.csv")
        let output = URL(fileURLWithPath: data).deletingLastPathComponent().appendingPathComponent("json-run").path
        let train = try Self.document(SeriesCLITests.run(["classify", "train", data, "--label-last", "--steps", "6",
                                                          "--hidden", "4", "--epochs", "2", "--output", output, "--json"]))
        #expect(train["epochs_run"] is Int && train["best_epoch"] is Int && train["metrics"] is String)
        let test = try #require(train["test"] as? [String: Any])
        try Self.expectAccuracy(test, classes: shapes.classNames.count)
        let records = try MetricsLog.read(path: output + "/metrics.jsonl")
        #expect(records.count >= 2 && records.filter { $0.validationLoss != nil }.count == 2)

        let predict = try Self.document(SeriesCLITests.run(["classify", "predict", output + "/classifier.safetensors", data,
                                                            "--output", output + "/p.csv", "--json"]))
        let predictions = try #require(predict["predictions"] as? [[String: Any]])
        #expect(predictions.count == 60)
        for p in predictions {
            #expect(p["example"] is Int && p["predicted"] is String && Self.isNumber(p["probability"]) && p["true"] is String)
        }
        try Self.expectAccuracy(try #require(predict["accuracy"] as? [String: Any]), classes: shapes.classNames.count)
    }

    static func expectAccuracy(_ a: [String: Any], classes: Int) throws {
        #expect(Self.isNumber(a["accuracy"]) && a["correct"] is Int && a["total"] is Int)
        #expect((a["class_names"] as? [String])?.count == classes)
        let confusion = try #require(a["confusion"] as? [[Int]])
        #expect(confusion.count == classes && confusion.allSatisfy { $0.count == classes })
        #expect(confusion.joined().reduce(0, +) == a["total"] as? Int)
    }
}
