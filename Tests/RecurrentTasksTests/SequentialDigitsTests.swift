import Foundation
import Testing
@testable import RecurrentTasks

@Suite struct SequentialDigitsTests {
    /// `../shared/series/digits.csv` found from this test file (the CI layout too).
    static func task(pixelsPerStep: Int = 1) throws -> SequentialDigitsTask {
        let url = try SharedData.locate("series/digits.csv", sourceFile: #filePath)
        return SequentialDigitsTask(dataset: try DigitsDataset.load(from: url), pixelsPerStep: pixelsPerStep)
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

    @Test func sharedDataIsMissingWhenNoPackageAbove() throws {
        // From a source path with no Package.swift above it and a current directory that may
        // have one, the error (if any) names what it looked for.
        do {
            _ = try SharedData.locate("series/no-such-file.csv", sourceFile: "/nonexistent/a/b.swift")
            Issue.record("expected an error")
        } catch let error as TaskError {
            #expect(error.description.contains("no-such-file.csv"))
        }
    }
}
