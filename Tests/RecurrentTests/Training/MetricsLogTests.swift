import Foundation
import Recurrent
import Testing

@Suite struct MetricsLogTests {
    static func path() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-log-\(UUID().uuidString)")
        return folder.appendingPathComponent("run/metrics.jsonl").path
    }

    static func record(_ step: Int, validation: Double? = nil) -> MetricsRecord {
        MetricsRecord(step: step, epoch: 1, trainingLoss: 4 - Double(step) / 10, validationLoss: validation,
                      learningRate: 0.002, gradientNorm: 0.5, tokens: step * 64, tokensPerSecond: 1000,
                      elapsedSeconds: Double(step))
    }

    @Test func roundTripsOneLinePerRecordWithSnakeCaseKeys() throws {
        let path = try Self.path()
        let log = try MetricsLog(path: path)
        for step in 1...3 { try log.append(Self.record(step, validation: step == 3 ? 3.5 : nil)) }
        #expect(try MetricsLog.read(path: path) == (1...3).map { Self.record($0, validation: $0 == 3 ? 3.5 : nil) })
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        for key in ["\"step\":3", "\"epoch\":1", "\"train_loss\":", "\"val_loss\":3.5", "\"learning_rate\":0.002",
                    "\"grad_norm\":0.5", "\"tokens\":192", "\"tokens_per_sec\":1000", "\"elapsed_sec\":3"] {
            #expect(lines[2].contains(key), "\(key)")
        }
        #expect(!lines[0].contains("val_loss"))
        // A fresh run into the same folder starts a new file.
        _ = try MetricsLog(path: path)
        #expect(try MetricsLog.read(path: path).isEmpty)
    }

    /// A process killed after step 7 with its checkpoint at step 5, mid-way through writing line 8.
    @Test func resumingDropsLinesPastTheCheckpointAndAPartialLine() throws {
        let path = try Self.path()
        let log = try MetricsLog(path: path)
        for step in 1...7 { try log.append(Self.record(step)) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"step\":8,\"train_lo".utf8))
        try handle.close()

        let resumed = try MetricsLog(path: path, resumingAfter: 5)
        #expect(try MetricsLog.read(path: path).map(\.step) == [1, 2, 3, 4, 5])
        try resumed.append(Self.record(6))
        #expect(try MetricsLog.read(path: path) == (1...6).map { Self.record($0) })
    }

    @Test func damagedAndMissingFilesAreNamed() throws {
        let path = try Self.path()
        #expect(throws: MetricsLogError.missing(path: path)) { try MetricsLog.read(path: path) }
        let log = try MetricsLog(path: path)
        try log.append(Self.record(1))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"step\":\"two\"}\n".utf8))
        try handle.close()
        do {
            _ = try MetricsLog.read(path: path)
            Issue.record("a damaged line was read")
        } catch {
            #expect(error.description.hasPrefix("\(path), line 2: not a metrics record"), "\(error)")
        }
    }

    @Test func nonFiniteLossesSurviveTheRoundTrip() throws {
        let path = try Self.path()
        var diverged = Self.record(1)
        diverged.trainingLoss = .nan
        diverged.gradientNorm = .infinity
        try MetricsLog(path: path).append(diverged)
        let back = try #require(try MetricsLog.read(path: path).first)
        #expect(back.trainingLoss.isNaN && back.gradientNorm == .infinity)
    }
}
