import Foundation
import Testing

/// `recurrent data` and bundled names: every data-file option takes a bundled name or a path,
/// from any working directory; a path that exists wins; the folders are searched in order.
@Suite(.serialized) struct DataCLITests {
    /// The repository's Data/ folder, found from this file.
    static let dataFolder: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("Data")
    }()

    static let bundledNames = ["anna.txt", "co2.csv", "digits.csv", "elec_equip.csv", "elnino.csv", "tinyshakespeare.txt"]

    @Test func listShowsEveryBundledFileWithSizeAndDescription() throws {
        let d = try CLI.temporaryDirectory("data-list")
        let r = try CLI.run(["data", "list"], in: d)
        #expect(r.succeeded, "\(r.stderr)")
        for name in Self.bundledNames { #expect(r.stdout.contains("  \(name)  "), "\(name) in:\n\(r.stdout)") }
        #expect(r.stdout.contains("1.1 MB") && r.stdout.contains("Mauna Loa weekly atmospheric CO₂"))
        #expect(r.stdout.contains(Self.dataFolder.standardizedFileURL.path + ":"))
        #expect(!r.stdout.contains("README.md") && !r.stdout.contains("SHA256SUMS"))
        // `recurrent data` alone lists too.
        #expect(try CLI.run(["data"], in: d).stdout == r.stdout)
    }

    @Test func pathResolvesNamesFromAnyDirectoryAndAnExistingPathWins() throws {
        let d = try CLI.temporaryDirectory("data-path")
        let bundled = try CLI.run(["data", "path", "co2.csv"], in: d)
        #expect(bundled.succeeded, "\(bundled.stderr)")
        let path = bundled.stdout.trimmingCharacters(in: .newlines)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: Self.dataFolder.appendingPathComponent("co2.csv")))

        try "date,co2\n".write(to: d.appendingPathComponent("co2.csv"), atomically: true, encoding: .utf8)
        let local = try CLI.run(["data", "path", "co2.csv"], in: d)
        #expect(local.stdout.trimmingCharacters(in: .newlines) == d.appendingPathComponent("co2.csv").standardizedFileURL.path)

        let missing = try CLI.run(["data", "path", "nosuch.csv"], in: d)
        #expect(missing.status == 1 && missing.stderr.contains("no such file: nosuch.csv"), "\(missing.stderr)")
        #expect(missing.stderr.contains("co2.csv, digits.csv"), "bundled names listed: \(missing.stderr)")
    }

    /// train, evaluate, inspect, demo --corpus, forecast train/predict, classify train/predict
    /// and experiment (default --data) read bundled names from a directory without the files.
    @Test func everyDataOptionTakesABundledName() throws {
        let d = try CLI.temporaryDirectory("data-names")
        // lynx.csv, the shortest bundled series; ETS and ARIMA chosen once per set of origins
        // (the test is about reading the name: SeriesCLITests scores the statistics).
        let forecast = try CLI.run(["forecast", "train", "lynx.csv", "--column", "lynx", "--lookback", "8", "--horizon", "2",
                                    "--epochs", "1", "--hidden", "4", "--statistics-fits", "1", "--output", "f"], in: d)
        #expect(forecast.succeeded, "\(forecast.stderr)")
        #expect(forecast.stderr.contains("114 values of 'lynx'"), "\(forecast.stderr)")
        // The network forecasts: a recommended ARIMA would search its orders once more.
        let predict = try CLI.run(["forecast", "predict", "f/forecast.safetensors", "lynx.csv", "--horizon", "2",
                                   "--model", "network"], in: d)
        #expect(predict.succeeded, "\(predict.stderr)")

        let classify = try CLI.run(["classify", "train", "digits.csv", "--label-last", "--steps", "8", "--features", "8",
                                    "--epochs", "1", "--hidden", "4", "--output", "c"], in: d)
        #expect(classify.succeeded, "\(classify.stderr)")
        #expect(classify.stderr.contains("1797 examples of 8 steps × 8 features"), "\(classify.stderr)")
        let classified = try CLI.run(["classify", "predict", "c/classifier.safetensors", "digits.csv"], in: d)
        #expect(classified.succeeded && classified.stdout.contains("accuracy"), "\(classified.stderr)")

        let experiment = try CLI.run(["experiment", "sequential-digits", "--pixels-per-step", "8", "--cells", "lstm",
                                      "--seeds", "1", "--steps", "2", "--eval-every", "2", "--hidden", "4"], in: d)
        #expect(experiment.succeeded, "\(experiment.stderr)")
        let named = try CLI.run(["experiment", "sequential-digits", "--data", "digits.csv", "--pixels-per-step", "8",
                                 "--cells", "lstm", "--seeds", "1", "--steps", "2", "--eval-every", "2", "--hidden", "4"], in: d)
        func withoutTimes(_ s: String) -> String {
            s.replacingOccurrences(of: #"\d+\.\d s"#, with: "", options: .regularExpression)
        }
        #expect(named.succeeded && withoutTimes(named.stdout) == withoutTimes(experiment.stdout), "\(named.stderr)")

        // The text commands: a tiny model on the bundled Shakespeare (char level, a few steps).
        let small = ["--hidden-size", "8", "--layers", "1", "--seq-length", "8", "--batch-size", "2", "--steps", "2",
                     "--max-validation-batches", "2"]
        let train = try CLI.run(["train", "tinyshakespeare.txt", "--output", "t"] + small, in: d)
        #expect(train.succeeded, "\(train.stderr)")
        #expect(train.stderr.contains("1115394 bytes"), "\(train.stderr)")
        let evaluate = try CLI.run(["evaluate", "t", "tinyshakespeare.txt"], in: d)
        #expect(evaluate.succeeded && evaluate.stdout.contains("perplexity"), "\(evaluate.stderr)")
        let inspect = try CLI.run(["inspect", "t", "tinyshakespeare.txt", "--max-tokens", "50"], in: d)
        #expect(inspect.succeeded && inspect.stdout.contains("tinyshakespeare.txt"), "\(inspect.stderr)")
        let demo = try CLI.run(["demo", "--corpus", "tinyshakespeare.txt", "--seconds", "0.5", "--hidden-size", "8",
                                "--length", "20"], in: d)
        #expect(demo.succeeded, "\(demo.stderr)")
    }

    @Test func anExistingPathWinsOverABundledName() throws {
        let d = try CLI.temporaryDirectory("data-path-wins")
        let text = String(repeating: "ROMEO: a local file, not the bundled one.\n", count: 40)
        try text.write(to: d.appendingPathComponent("tinyshakespeare.txt"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["train", "tinyshakespeare.txt", "--hidden-size", "8", "--layers", "1", "--seq-length", "8",
                             "--batch-size", "2", "--steps", "1", "--output", "t"], in: d)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(r.stderr.contains("\(text.utf8.count) bytes"), "\(r.stderr)")
    }

    @Test func unknownNamesSayWhatExists() throws {
        let d = try CLI.temporaryDirectory("data-unknown")
        let r = try CLI.run(["forecast", "train", "c02.csv", "--column", "co2", "--lookback", "8", "--horizon", "2"], in: d)
        #expect(!r.signaled && r.status == 1)
        #expect(r.stderr.contains("no such file: c02.csv") && r.stderr.contains("co2.csv") && r.stderr.contains("recurrent data list"),
                "\(r.stderr)")
    }

    /// $RECURRENT_DATA comes first; names it lacks still come from the bundled folder.
    @Test func environmentFolderComesFirst() throws {
        let d = try CLI.temporaryDirectory("data-env")
        let mine = d.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try "x\n1\n".write(to: mine.appendingPathComponent("co2.csv"), atomically: true, encoding: .utf8)
        try "| file | what |\n| --- | --- |\n| co2.csv | my own *CO₂* series |\n"
            .write(to: mine.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let env = ["RECURRENT_DATA": mine.path]
        let list = try CLI.run(["data", "list"], in: d, environment: env)
        #expect(list.succeeded && list.stdout.contains("my own CO₂ series") && list.stdout.contains("digits.csv"), "\(list.stdout)")
        #expect(!list.stdout.contains("Mauna Loa"), "the bundled co2.csv is hidden by the folder's own")
        let path = try CLI.run(["data", "path", "co2.csv"], in: d, environment: env)
        #expect(path.stdout.trimmingCharacters(in: .newlines) == mine.appendingPathComponent("co2.csv").standardizedFileURL.path)
    }

    /// An installed layout: <prefix>/bin/recurrent finds <prefix>/share/recurrent first.
    @Test func shareFolderBesideTheBinaryComesBeforeTheSourceTree() throws {
        let d = try CLI.temporaryDirectory("data-prefix")
        let bin = d.appendingPathComponent("prefix/bin"), share = d.appendingPathComponent("prefix/share/recurrent")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        let installed = bin.appendingPathComponent("recurrent")
        do { try FileManager.default.linkItem(at: CLI.binary, to: installed) }      // a hard link: no copy
        catch { try FileManager.default.copyItem(at: CLI.binary, to: installed) }
        try "only here\n".write(to: share.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try "x\n1\n".write(to: share.appendingPathComponent("co2.csv"), atomically: true, encoding: .utf8)
        let path = try CLI.run(["data", "path", "co2.csv"], in: d, executable: installed)
        #expect(path.stdout.trimmingCharacters(in: .newlines) == share.appendingPathComponent("co2.csv").standardizedFileURL.path,
                "\(path.stdout) \(path.stderr)")
        let list = try CLI.run(["data", "list"], in: d, executable: installed)
        #expect(list.stdout.contains("notes.txt") && list.stdout.contains("(not described in README.md)"))
        #expect(list.stdout.contains("tinyshakespeare.txt"), "names the share folder lacks come from the source tree")
    }
}
