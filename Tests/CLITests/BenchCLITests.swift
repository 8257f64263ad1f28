import Foundation
import Testing

/// `recurrent bench`: every line is one JSON object that names the machine it ran on (CPU,
/// caches, GEMM kernel and blocking), so figures from different CPUs are never compared blind.
/// (Speed itself is never asserted: benchmarks prove speed, tests prove behaviour.)
@Suite(.serialized) struct BenchCLITests {
    static func objects(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func everyLineNamesTheMachineAndTheBlocking() throws {
        let d = try CLI.temporaryDirectory("bench-lines")
        let gemm = try CLI.run(["bench", "gemm", "--shapes", "8x8x8", "--kernels", "default", "--threads", "1",
                                "--transposes", "NT", "--repetitions", "1"], in: d)
        let train = try CLI.run(["bench", "train", "--config", "small", "--cell", "rnn", "--steps", "1", "--warmup", "0",
                                 "--seq-length", "4", "--batch-size", "2"], in: d)
        let sample = try CLI.run(["bench", "sample", "--config", "char", "--streams", "3", "--tokens", "2", "--warmup", "0"], in: d)
        for result in [gemm, train, sample] {
            #expect(result.succeeded, "\(result.stderr)")
            let lines = try Self.objects(result.stdout)
            #expect(lines.count == 1)
            for line in lines {
                for key in ["cpu", "cores", "kernel", "mr", "nr", "mc", "kc", "nc"] { #expect(line[key] != nil, "\(key)") }
                #if os(Linux)
                #expect((line["l1d_kib"] as? Int ?? 0) > 0 && (line["l2_kib"] as? Int ?? 0) > 0)
                #endif
            }
        }
        let trained = try Self.objects(train.stdout)[0], sampled = try Self.objects(sample.stdout)[0]
        #expect(trained["cell"] as? String == "rnn" && trained["hidden_size"] as? Int == 64)
        // The traced step: at least one recurrent multiplication per time step forward and back.
        #expect((trained["gemm_calls_per_step"] as? Int ?? 0) >= 2 * 4)
        #expect((trained["gflops"] as? Double ?? 0) > 0 && (trained["gemm_ms_per_step"] as? Double ?? 0) > 0)
        // A number, but not asserted > 0: at this toy size, under load, it rounds to 0 when printed.
        #expect(trained["gemm_rate_fraction"] is Double || trained["gemm_rate_fraction"] is Int)
        #expect(sampled["streams"] as? Int == 3)
        // Char (V 65, E 65, 2 × LSTM(512)), Float32 decoder: per step the stack's 3,287,040
        // parameters and the decoder's 33,345 once, an embedding row per stream; over 3 streams.
        let charStep = 4.0 * (3_287_040 + 33_345 + 3 * 65)
        #expect(abs((sampled["bytes_per_token"] as? Double ?? 0) - charStep / 3) < 1)
        let rate = sampled["gb_per_second"] as? Double ?? 0
        #expect(rate > 0 && rate.isFinite)
    }

    /// Word (V 21,388, E 256): rejection sampling reads the int8 proposal rows (one byte per
    /// weight, 4 bounds and a bias per row) and a Float32 row per candidate (≥ 1 per token).
    @Test func sampleBytesFollowTheSampler() throws {
        let d = try CLI.temporaryDirectory("bench-bytes")
        let result = try CLI.run(["bench", "sample", "--config", "word", "--tokens", "2", "--warmup", "0"], in: d)
        #expect(result.succeeded, "\(result.stderr)")
        let line = try #require(try Self.objects(result.stdout).first)
        #expect(line["sampler"] as? String == "rejection")
        let stackWeights: Int = 4 * 512 * (256 + 512) + 4 * 512 * (512 + 512) + 4 * 4 * 512
        let proposalBytes: Int = 21_388 * 512 + 5 * 4 * 21_388
        let fixed = Double(4 * stackWeights + 4 * 256 + proposalBytes), row = Double(4 * 513)
        let bytes = line["bytes_per_token"] as? Double ?? 0
        #expect(bytes >= fixed + row - 1)
        #expect(bytes <= fixed + 10 * row)
    }
}
