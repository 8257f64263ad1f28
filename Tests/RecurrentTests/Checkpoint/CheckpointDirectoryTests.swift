import Foundation
import Testing
@testable import Recurrent

@Suite struct CheckpointDirectoryTests {
    static func checkpoint(step: Int) -> SafeTensors {
        var file = SafeTensors(metadata: ["step": String(step)])
        file.put("w", floats: [Float(step), 1, 2], shape: [3])
        return file
    }

    static func step(of path: String) throws -> String? {
        try SafeTensors.readHeader(contentsOf: path).metadata["step"]
    }

    @Test func namingScheme() {
        #expect(CheckpointDirectory.fileName(step: 123) == "step-000123.safetensors")
        #expect(CheckpointDirectory.fileName(step: 0) == "step-000000.safetensors")
        #expect(CheckpointDirectory.fileName(step: 12_345_678) == "step-12345678.safetensors")
        #expect(CheckpointDirectory.step(fromFileName: "step-000123.safetensors") == 123)
        #expect(CheckpointDirectory.step(fromFileName: "step-12345678.safetensors") == 12_345_678)
        for name in ["step-.safetensors", "step-12a.safetensors", "step-1.safetensors.bak", "latest.safetensors",
                     "xstep-1.safetensors", "step--1.safetensors", "step-+1.safetensors"] {
            #expect(CheckpointDirectory.step(fromFileName: name) == nil, "\(name)")
        }
    }

    @Test func keepsTheLastKPlusLatestAndBest() throws {
        let dir = TemporaryDirectory()
        let run = CheckpointDirectory(path: dir.file("run"), keepLast: 2)  // created on first save
        let losses = [3.0, 2.0, 2.5, 1.0, 1.5]
        var bests: [Bool] = []
        for (i, loss) in losses.enumerated() {
            let step = (i + 1) * 100
            let result = try run.save(Self.checkpoint(step: step), step: step, validationLoss: loss)
            #expect(result.path == run.path(step: step))
            bests.append(result.isBest)
        }
        #expect(bests == [true, true, false, true, false])
        #expect(try TemporaryDirectoryListing(run.path) == [
            "best.safetensors", "latest.safetensors", "step-000400.safetensors", "step-000500.safetensors",
        ])
        #expect(try run.stepCheckpoints().map(\.step) == [400, 500])
        #expect(try Self.step(of: run.latestPath) == "500")
        #expect(try Self.step(of: run.bestPath) == "400")
        #expect(run.bestValidationLoss() == 1.0)
        // latest and best are complete, readable checkpoints with their losses recorded.
        let latest = try SafeTensors(contentsOf: run.latestPath)
        #expect(try latest.floats("w") == [500, 1, 2])
        #expect(latest.metadata[CheckpointDirectory.validationLossKey] == "1.5")
        #expect(Bytes.read(run.latestPath) == Bytes.read(run.path(step: 500)))
    }

    @Test func bestSurvivesAcrossRunsAndPruningReportsRemovals() throws {
        let dir = TemporaryDirectory()
        let first = CheckpointDirectory(path: dir.path, keepLast: 1)
        try first.save(Self.checkpoint(step: 1), step: 1, validationLoss: 0.5)
        // A resumed run (a new value for the same directory) sees the earlier best.
        let resumed = CheckpointDirectory(path: dir.path, keepLast: 1)
        #expect(resumed.bestValidationLoss() == 0.5)
        let result = try resumed.save(Self.checkpoint(step: 2), step: 2, validationLoss: 0.75)
        #expect(!result.isBest)
        #expect(result.removed == [dir.file("step-000001.safetensors")])
        #expect(try Self.step(of: resumed.bestPath) == "1")
        #expect(try Self.step(of: resumed.latestPath) == "2")
    }

    @Test func lossesThatCannotBeBest() throws {
        let dir = TemporaryDirectory()
        let run = CheckpointDirectory(path: dir.path, keepLast: 3)
        #expect(try !run.save(Self.checkpoint(step: 1), step: 1).isBest)
        #expect(try !run.save(Self.checkpoint(step: 2), step: 2, validationLoss: .nan).isBest)
        #expect(try !run.save(Self.checkpoint(step: 3), step: 3, validationLoss: .infinity).isBest)
        #expect(!FileManager.default.fileExists(atPath: run.bestPath))
        // A stale loss in the metadata is removed when no loss is given.
        var stale = Self.checkpoint(step: 4)
        stale.metadata[CheckpointDirectory.validationLossKey] = "0.1"
        try run.save(stale, step: 4)
        #expect(try SafeTensors.readHeader(contentsOf: run.latestPath).metadata[CheckpointDirectory.validationLossKey] == nil)
        #expect(try run.save(Self.checkpoint(step: 5), step: 5, validationLoss: 9).isBest)
    }

    @Test func keepLastZeroKeepsOnlyLatestAndBest() throws {
        let dir = TemporaryDirectory()
        let run = CheckpointDirectory(path: dir.path, keepLast: 0)
        try run.save(Self.checkpoint(step: 7), step: 7, validationLoss: 1)
        try run.save(Self.checkpoint(step: 8), step: 8, validationLoss: 2)
        #expect(dir.listing() == ["best.safetensors", "latest.safetensors"])
        #expect(try Self.step(of: run.latestPath) == "8")
        #expect(try Self.step(of: run.bestPath) == "7")
    }

    @Test func deletesOnlyItsOwnFiles() throws {
        let dir = TemporaryDirectory()
        let run = CheckpointDirectory(path: dir.path, keepLast: 1)
        let others = ["notes.txt", "step-abc.safetensors", "step-000001.safetensors.bak", "model.safetensors",
                      ".hidden.tmp-notanumber"]
        for name in others { Bytes.write([1, 2, 3], to: dir.file(name)) }
        // A temporary file of a killed writer (no such process) is removed; one of a live
        // process (this one) may still be in use and is kept.
        let abandoned = ".step-000009.safetensors.tmp-2147483646-deadbeef"
        let live = ".step-000010.safetensors.tmp-\(getpid())-cafe"
        Bytes.write([0], to: dir.file(abandoned))
        Bytes.write([0], to: dir.file(live))
        for step in 1...3 { try run.save(Self.checkpoint(step: step), step: step, validationLoss: Double(step)) }
        let expected = (others + [live, "best.safetensors", "latest.safetensors", "step-000003.safetensors"]).sorted()
        #expect(dir.listing() == expected)
    }

    @Test func savingTheSameStepAgainReplacesIt() throws {
        let dir = TemporaryDirectory()
        let run = CheckpointDirectory(path: dir.path, keepLast: 2)
        try run.save(Self.checkpoint(step: 5), step: 5)
        var again = Self.checkpoint(step: 5)
        again.metadata["second"] = "yes"
        try run.save(again, step: 5)
        #expect(try SafeTensors.readHeader(contentsOf: run.path(step: 5)).metadata["second"] == "yes")
        #expect(try run.stepCheckpoints().count == 1)
    }
}

/// Names in `path`, sorted.
func TemporaryDirectoryListing(_ path: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
}
