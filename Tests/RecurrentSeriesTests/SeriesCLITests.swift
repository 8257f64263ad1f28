import Foundation
import RecurrentSeries
import Testing

/// The `recurrent forecast` and `recurrent classify` commands, run as the built binary
/// (`swift build --build-tests` / `swift test` build it next to the test bundle).
@Suite struct SeriesCLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func binary() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("recurrent"),
            TestData.packageRoot.appendingPathComponent(".build/debug/recurrent"),
        ]
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                            "build the recurrent executable first (swift build)")
    }

    static func run(_ arguments: [String]) throws -> Run {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let out = directory.appendingPathComponent("stdout"), err = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                   stderr: try String(contentsOf: err, encoding: .utf8))
    }

    static func seasonalCSV() throws -> String {
        let series = Synthetic.seasonalSeries(count: 120)
        let rows = zip(series.dates!, series.values).map { "\($0),\($1)" }
        return try TestData.temporaryFile("date,y\n" + rows.joined(separator: "\n") + "\n", name: "seasonal.csv")
    }

    @Test func forecastTrainThenPredictAndBacktest() throws {
        let data = try Self.seasonalCSV()
        let output = URL(fileURLWithPath: data).deletingLastPathComponent().appendingPathComponent("run").path
        let train = try Self.run(["forecast", "train", data, "--column", "y", "--lookback", "12", "--horizon", "3",
                                  "--epochs", "2", "--hidden", "4", "--output", output])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("LSTM") && train.stdout.contains("seasonal naive (m=6)") && train.stdout.contains("MASE"))
        #expect(train.stdout.contains("ETS (AICc)") && train.stdout.contains("theta") && train.stdout.contains("recommended: "))
        #expect(train.stderr.contains("season: 6 (detected)") && train.stderr.contains("epoch    2"))
        for file in ["forecast.safetensors", "test-metrics.csv", "test-forecast.svg"] {
            #expect(FileManager.default.fileExists(atPath: output + "/" + file))
        }
        let predict = try Self.run(["forecast", "predict", output + "/forecast.safetensors", data, "--horizon", "2",
                                    "--model", "network", "--output", output + "/f.csv", "--plot", output + "/f.svg"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let lines = try String(contentsOfFile: output + "/f.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines[0] == "date,forecast")
        #expect(lines[1].hasPrefix("2010-01-01,") && lines[2].hasPrefix("2010-02-01,"))   // data end 2009-12-01
        #expect(try String(contentsOfFile: output + "/f.svg", encoding: .utf8).contains("<svg"))
        let backtest = try Self.run(["forecast", "predict", output + "/forecast.safetensors", data, "--backtest",
                                     "--output", output + "/b.csv", "--plot", output + "/b.svg"])
        #expect(backtest.status == 0, "\(backtest.stderr)")
        for method in ["LSTM", "last value", "seasonal naive (m=6)", "ETS (AICc)", "theta", "5 origins × horizon 3"] {
            #expect(backtest.stdout.contains(method), "\(backtest.stdout)")
        }
        // 5 origins, 2 apart (half the horizon, rounded up), the last ending at 2009-12-01.
        let rows = try String(contentsOfFile: output + "/b.csv", encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 1 + 5 * 3 && rows[0] == "date,forecast,actual,origin")
        #expect(rows.last!.hasPrefix("2009-12-01,") && rows.last!.hasSuffix(",2009-10-01"))
        #expect(rows[1].hasPrefix("2009-02-01,") && rows[1].hasSuffix(",2009-02-01"))
        let network = try Self.run(["forecast", "predict", output + "/forecast.safetensors", data, "--model", "network",
                                    "--horizon", "4"])
        #expect(network.status != 0 && network.stderr.contains("at most 3 values"))
        // Statistics forecast any horizon.
        let theta = try Self.run(["forecast", "predict", output + "/forecast.safetensors", data, "--model", "theta",
                                  "--horizon", "8", "--output", output + "/t.csv", "--plot", output + "/t.svg"])
        #expect(theta.status == 0 && theta.stderr.contains("model: theta."), "\(theta.stderr)")
        #expect(try String(contentsOfFile: output + "/t.csv", encoding: .utf8).split(separator: "\n").count == 9)
        let bad = try Self.run(["forecast", "predict", output + "/forecast.safetensors", data, "--model", "prophet"])
        #expect(bad.status == 64)
    }

    @Test func aMissingForecastCheckpointNamesTheForecastCommand() throws {
        let data = try Self.seasonalCSV()
        let run = try Self.run(["forecast", "predict", "nope.safetensors", data])
        #expect(run.status == 1)
        #expect(run.stderr.contains("`recurrent forecast train`") && !run.stderr.contains("`recurrent train`"))
        let classify = try Self.run(["classify", "predict", "nope.safetensors", data])
        #expect(classify.stderr.contains("`recurrent classify train`"))
    }

    @Test func badForecastInputIsAReadableErrorWithNonZeroExit() throws {
        let data = try Self.seasonalCSV()
        let missing = try Self.run(["forecast", "train", data, "--column", "nope", "--lookback", "4", "--horizon", "2"])
        #expect(missing.status == 1 && missing.stderr.contains("no column 'nope'. Columns are: 'date', 'y'."))
        let bad = try TestData.temporaryFile("date,y\n2000-01-01,1\n2000-02-01,2\n2000-03-01,x3\n")
        let nonNumeric = try Self.run(["forecast", "train", bad, "--column", "y", "--lookback", "1", "--horizon", "1"])
        #expect(nonNumeric.status == 1 && nonNumeric.stderr.contains("row 4, column 'y' holds 'x3'"))
        let short = try TestData.temporaryFile("date,y\n2000-01-01,1\n2000-02-01,2\n2000-03-01,3\n")
        let tooFew = try Self.run(["forecast", "train", short, "--column", "y", "--lookback", "3", "--horizon", "2"])
        #expect(tooFew.status == 1 && tooFew.stderr.contains("3 usable values; 5 are needed (lookback 3 + horizon 2)"))
        let empty = try TestData.temporaryFile("")
        let nothing = try Self.run(["forecast", "train", empty, "--column", "y", "--lookback", "3", "--horizon", "2"])
        #expect(nothing.status == 1 && nothing.stderr.contains("has no data rows"))
        let usage = try Self.run(["forecast", "train", data, "--column", "y", "--lookback", "0", "--horizon", "2"])
        #expect(usage.status == 64 && usage.stderr.contains("--lookback must be at least 1"))
        let noFits = try Self.run(["forecast", "train", data, "--column", "y", "--lookback", "4", "--horizon", "2",
                                   "--statistics-fits", "0"])
        #expect(noFits.status == 64 && noFits.stderr.contains("--statistics-fits must be at least 1"), "\(noFits.stderr)")
    }

    @Test func classifyTrainPredictAndBadLabels() throws {
        let shapes = Synthetic.shapes(count: 60)
        let rows = zip(shapes.inputs, shapes.labels).map { x, y in x.map { String($0) }.joined(separator: ",") + "," + shapes.classNames[y] }
        let data = try TestData.temporaryFile(rows.joined(separator: "\n") + "\n", name: "shapes.csv")
        let output = URL(fileURLWithPath: data).deletingLastPathComponent().appendingPathComponent("run").path
        let train = try Self.run(["classify", "train", data, "--label-last", "--steps", "6", "--hidden", "4", "--epochs", "2",
                                  "--bidirectional", "--pooling", "mean", "--output", output])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("test accuracy:") && train.stdout.contains("true\\pred"))
        let predict = try Self.run(["classify", "predict", output + "/classifier.safetensors", data, "--output", output + "/p.csv"])
        #expect(predict.status == 0 && predict.stdout.contains("accuracy:"), "\(predict.stderr)")
        let lines = try String(contentsOfFile: output + "/p.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 61 && lines[0] == "example,predicted,probability,true")

        let single = try TestData.temporaryFile("x,y,label\n1,2,a\n3,4,a\n")
        let one = try Self.run(["classify", "train", single, "--label-column", "label"])
        #expect(one.status == 1 && one.stderr.contains("every example in column 'label' has the label 'a'"))
        let nowhere = try Self.run(["classify", "train", single])
        #expect(nowhere.status == 64 && nowhere.stderr.contains("--label-column NAME or --label-last"))
        let text = try TestData.temporaryFile(Synthetic.sentimentTSV(count: 40), name: "s.tsv")
        let textRun = try Self.run(["classify", "train", text, "--text", "--hidden", "4", "--epochs", "1", "--output", output + "-text"])
        #expect(textRun.status == 0 && textRun.stderr.contains("40 lines, 2 classes"), "\(textRun.stderr)")
    }

    /// The series commands' help shows the library's defaults (`ForecastTrainingOptions.Defaults`,
    /// `ClassifierTrainingOptions.Defaults`, `SeriesTrainingDefaults`), and no help a default twice.
    @Test func helpShowsTheLibrarysDefaults() throws {
        func help(_ command: [String]) throws -> String {
            let r = try Self.run(command + ["--help"])
            #expect(r.status == 0)
            return r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")    // unwrapped
        }
        let forecast = try help(["forecast", "train"]), classify = try help(["classify", "train"])
        typealias F = ForecastTrainingOptions.Defaults
        typealias C = ClassifierTrainingOptions.Defaults
        typealias S = SeriesTrainingDefaults
        for (text, expected) in [
            (forecast, "--epochs <epochs> Maximum number of epochs. (default: \(F.epochs))"),
            (forecast, "Hidden units of the recurrent layer. (default: \(F.hiddenSize))"),
            (forecast, "--layers <layers> Stacked recurrent layers. (default: \(F.layers))"),
            (forecast, "validation loss. (default: \(F.patience))"),
            (forecast, "for the test part. (default: \(F.testFraction))"),
            (forecast, "for validation. (default: \(F.validationFraction))"),
            (forecast, "Windows per training step. (default: \(S.batchSize))"),
            (forecast, "Default: \(Int(HybridConfiguration.defaultLevelPenalty(season: 12))) (Smyl's value"),
            (classify, "--epochs <epochs> Maximum number of epochs. (default: \(C.epochs))"),
            (classify, "Hidden units per direction. (default: \(C.hiddenSize))"),
            (classify, "validation loss. (default: \(C.patience))"),
            (classify, "for the test part. (default: \(C.testFraction))"),
            (classify, "(early stopping). (default: \(C.validationFraction))"),
            (classify, "size of the word vectors. (default: \(C.embeddingSize))"),
            (classify, "Adam learning rate. (default: \(S.learningRate))"),
        ] {
            #expect(text.contains(expected), "\(expected)")
        }
        // No option states its default twice (--distributed-timeout did: "(default: 60) (default: 60.0)").
        for text in [forecast, classify, try help(["forecast", "predict"]), try help(["classify", "predict"]), try help(["train"])] {
            #expect(!text.contains(") (default: "), "a default shown twice")
        }
    }
}
