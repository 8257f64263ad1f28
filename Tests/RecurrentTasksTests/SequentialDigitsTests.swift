import Foundation
import Testing
@testable import RecurrentTasks

@Suite struct SequentialDigitsTests {
    /// The bundled `Data/digits.csv`, found by walking up from this file to Package.swift.
    static let digitsPath: String = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            precondition(folder.path != "/", "no Package.swift above \(#filePath)")
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("Data").appendingPathComponent(DigitsDataset.bundledName).path
    }()

    static func task(pixelsPerStep: Int = 1) throws -> SequentialDigitsTask {
        try SequentialDigitsTask.load(path: digitsPath, pixelsPerStep: pixelsPerStep)
    }

    @Test func loadsAllDigitsAndSplits() throws {
        let task = try Self.task()
        #expect(task.dataset.count == 1797)
        #expect(task.testIndices.count == 359 && task.trainIndices.count == 1438)
        #expect(Set(task.testIndices).isDisjoint(with: task.trainIndices))
        #expect(task.dataset.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(Set(task.dataset.labels) == Set(0..<10))
    }

    @Test func batchesFeedOnePixelPerStep() throws {
        let task = try Self.task()
        let batch = task.batch(of: [0, 5])
        #expect(batch.sequenceLength == 64 && batch.inputs.rows == 128 && batch.inputs.cols == 1)
        for step in 0..<64 {
            #expect(batch.inputs[step * 2, 0] == task.dataset.pixels[step])
            #expect(batch.inputs[step * 2 + 1, 0] == task.dataset.pixels[5 * 64 + step])
        }
        guard case .lastStepClasses(let labels) = batch.targets else { Issue.record("targets"); return }
        #expect(labels == [task.dataset.labels[0], task.dataset.labels[5]])

        let rows = try Self.task(pixelsPerStep: 8).batch(of: [3])
        #expect(rows.sequenceLength == 8 && rows.inputs.cols == 8)
        #expect(rows.inputs.row(2).toArray() == Array(task.dataset.pixels[(3 * 64 + 16)..<(3 * 64 + 24)]))
    }

    @Test func baselineIsChance() throws {
        let task = try Self.task()
        let e = task.baseline
        #expect(abs(e.loss - log(10)) < 0.03)        // the classes are nearly balanced
        #expect(e.score > 0.05 && e.score < 0.15)
        let tests = try task.testSet()
        #expect(tests.reduce(0) { $0 + $1.batchSize } == 359)
        var rng = RandomGenerator(seed: 1)
        let train = try task.makeBatch(batchSize: 16, generator: &rng)
        #expect(train.batchSize == 16 && train.inputs.rows == 64 * 16)
    }

    @Test func missingAndMalformedFilesGiveReadableErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("digits-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let missing = dir.appendingPathComponent("none.csv")
        #expect(throws: TaskError.self) { try DigitsDataset.load(from: missing) }
        do { _ = try SequentialDigitsTask.load(path: missing.path) } catch let error as TaskError {
            #expect(error.description.contains("none.csv") && error.description.contains("--data"))
        }

        let bad = dir.appendingPathComponent("bad.csv")
        try (Array(repeating: "0", count: 64).joined(separator: ",") + ",3\n1,2,3\n").write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: TaskError.malformedData(path: bad.path, line: 2, message: "expected 65 comma-separated values, found 3")) {
            try DigitsDataset.load(from: bad)
        }
        let outOfRange = dir.appendingPathComponent("range.csv")
        try (Array(repeating: "0", count: 64).joined(separator: ",") + ",12\n").write(to: outOfRange, atomically: true, encoding: .utf8)
        #expect(throws: TaskError.self) { try DigitsDataset.load(from: outOfRange) }
    }

    /// The catalogue names the bundled file the task reads, and without a path it says what to pass.
    @Test func catalogNamesTheDataAndRequiresAPath() throws {
        #expect(TaskCatalog.defaultDataName(for: "sequential-digits") == "digits.csv")
        #expect(TaskCatalog.defaultDataName(for: "adding") == nil)
        do {
            _ = try TaskCatalog.make("sequential-digits", options: TaskOptions())
            Issue.record("expected an error")
        } catch let error as TaskError {
            #expect(error.description.contains("digits CSV") && error.description.contains("Data/digits.csv"))
        }
        let task = try TaskCatalog.make("sequential-digits", options: TaskOptions(dataPath: Self.digitsPath, pixelsPerStep: 8))
        #expect(task.inputSize == 8 && task.name == "sequential-digits")
    }
}
