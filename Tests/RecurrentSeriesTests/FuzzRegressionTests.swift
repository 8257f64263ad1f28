import Foundation
import Recurrent
import Testing
@testable import RecurrentSeries

/// Inputs the fuzz targets found crashes with (FuzzTesting/Regressions/), and the damaged
/// metadata they point at: each is now an error for the user, never a crash.
@Suite struct FuzzRegressionTests {
    static func files(_ folder: String) -> [URL] {
        let directory = TestData.packageRoot.appendingPathComponent("FuzzTesting/" + folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.appendingPathComponent($0) }
    }

    static func seed(_ target: String, _ name: String) throws -> SafeTensors {
        try SafeTensors(contentsOf: TestData.packageRoot.appendingPathComponent("FuzzTesting/Seeds/\(target)/\(name)").path)
    }

    /// `dropout: 5` in a forecast checkpoint's model reached a precondition in RecurrentStack.
    @Test func forecastCheckpointCrashes() throws {
        let inputs = Self.files("Regressions/FuzzForecastCheckpoint")
        #expect(!inputs.isEmpty)
        for url in inputs {
            let file = try SafeTensors(bytes: Array(try Data(contentsOf: url)))
            #expect(throws: SeriesError.self, "\(url.lastPathComponent)") { try ForecastCheckpoint(file) }
        }
    }

    /// The seeds load; with a dropout outside [0, 1) or a size the file's tensors cannot hold,
    /// they are errors naming the file.
    @Test func damagedModelSizesAreErrors() throws {
        let forecast = try Self.seed("FuzzForecastCheckpoint", "co2.safetensors")
        _ = try ForecastCheckpoint(forecast)
        let classifier = try Self.seed("FuzzClassifierCheckpoint", "text.safetensors")
        _ = try ClassifierCheckpoint(classifier)
        for (key, value) in [("\"dropout\":0", "\"dropout\":1"), ("\"dropout\":0", "\"dropout\":-0.5"),
                             ("\"hiddenSize\":4", "\"hiddenSize\":1000000000"), ("\"numLayers\":1", "\"numLayers\":4000000")] {
            var f = forecast, c = classifier
            f.metadata["model"] = f.metadata["model"]!.replacingOccurrences(of: key, with: value)
            c.metadata["model"] = c.metadata["model"]!.replacingOccurrences(of: key, with: value)
            #expect(f.metadata["model"] != forecast.metadata["model"] && c.metadata["model"] != classifier.metadata["model"])
            #expect(throws: SeriesError.self, "\(value)") { try ForecastCheckpoint(f) }
            #expect(throws: SeriesError.self, "\(value)") { try ClassifierCheckpoint(c) }
        }
    }
}
