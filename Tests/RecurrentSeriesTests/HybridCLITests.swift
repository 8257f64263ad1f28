import Foundation
import Testing

/// `recurrent forecast train --model hybrid` and `predict` with its checkpoint, run as the binary.
@Suite struct HybridCLITests {
    @Test func hybridTrainPredictWithIntervalColumnsAndBacktestCoverage() throws {
        let data = try SeriesCLITests.seasonalCSV()
        let output = URL(fileURLWithPath: data).deletingLastPathComponent().appendingPathComponent("hybrid").path
        let train = try SeriesCLITests.run(["forecast", "train", data, "--column", "y", "--lookback", "12", "--horizon", "3",
                                            "--model", "hybrid", "--ensemble", "2", "--epochs", "2", "--hidden-size", "4",
                                            "--output", output])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("ES-RNN ×2") && train.stdout.contains("80% interval: ")
                && train.stdout.contains("recommended: "), "\(train.stdout)")
        #expect(train.stderr.contains("member 2  epoch    2"))
        let csvPath = output + "/f.csv"
        let predict = try SeriesCLITests.run(["forecast", "predict", output + "/forecast.safetensors", data, "--model", "hybrid",
                                              "--output", csvPath, "--plot", output + "/f.svg"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let rows = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",") }
        #expect(rows.first == ["date", "forecast", "lower80", "upper80"])
        #expect(rows.count == 4)
        for row in rows.dropFirst() {
            let (f, lower, upper) = (Double(row[1])!, Double(row[2])!, Double(row[3])!)
            #expect(lower <= f && f <= upper, "\(row)")
        }
        #expect(try String(contentsOfFile: output + "/f.svg", encoding: .utf8).contains("<polygon"))

        // The backtest's coverage is the share of the CSV's actual values inside their intervals.
        let backtest = try SeriesCLITests.run(["forecast", "predict", output + "/forecast.safetensors", data, "--model",
                                               "hybrid", "--backtest", "--origins", "4", "--output", csvPath,
                                               "--plot", output + "/b.svg"])
        #expect(backtest.status == 0, "\(backtest.stderr)")
        let lines = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",") }
        #expect(lines.first == ["date", "forecast", "lower80", "upper80", "actual", "origin"])
        let inside = lines.dropFirst().filter { Double($0[2])! <= Double($0[4])! && Double($0[4])! <= Double($0[3])! }.count
        #expect(lines.count - 1 == 12)
        #expect(backtest.stdout.contains("80% interval: \(inside) of 12 backtest values inside"), "\(backtest.stdout)")

        // An LSTM checkpoint has no hybrid in it.
        let lstm = try SeriesCLITests.run(["forecast", "predict", output + "/forecast.safetensors", data, "--model", "network"])
        #expect(lstm.status != 0 && lstm.stderr.contains("--model network is not in this checkpoint"), "\(lstm.stderr)")
    }

    @Test func ensembleNeedsTheHybrid() throws {
        let run = try SeriesCLITests.run(["forecast", "train", "x.csv", "--column", "y", "--lookback", "4", "--horizon", "2",
                                          "--ensemble", "3"])
        #expect(run.status == 64 && run.stderr.contains("--ensemble needs --model hybrid"), "\(run.stderr)")
        let lookbacks = try SeriesCLITests.run(["forecast", "train", "x.csv", "--column", "y", "--lookback", "4", "--horizon", "2",
                                                "--lookbacks", "4,8"])
        #expect(lookbacks.status == 64 && lookbacks.stderr.contains("--lookbacks needs --model hybrid"), "\(lookbacks.stderr)")
        let malformed = try SeriesCLITests.run(["forecast", "train", "x.csv", "--column", "y", "--lookback", "4", "--horizon", "2",
                                                "--model", "hybrid", "--lookbacks", "4,0"])
        #expect(malformed.status == 64 && malformed.stderr.contains("--lookbacks must be whole numbers ≥ 1"), "\(malformed.stderr)")
    }
}
