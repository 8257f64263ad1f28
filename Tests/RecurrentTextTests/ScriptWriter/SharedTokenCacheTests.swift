import Foundation
import Recurrent
@testable import RecurrentText
import Testing

/// A data-parallel run's sessions (`TextTrainingSession.make(_:sharingTokensOver:)`): rank 0
/// reads the corpus into the token cache; the other ranks map that file and never open the
/// corpus — here rank 1 is given a corpus path that names no file at all.
@Suite struct SharedTokenCacheTests {
    static let text = DemoCorpus.generate(seed: 7, byteCount: 6_000)

    /// Two ranks run one after the other: rank 0's sums are recorded, and rank 1's calls get
    /// them in the same order (rank 0's contribution plus rank 1's zeros), as an allreduce would.
    final class RecordedGroup: DataParallelGroup {
        final class Tape { var sums: [[Float]] = []; var replayed = 0 }
        let rank: Int
        let tape: Tape
        var size: Int { 2 }
        init(rank: Int, tape: Tape) { self.rank = rank; self.tape = tape }
        func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(DataParallelError) {
            if rank == 0 { tape.sums.append(Array(buffer)); return }
            guard tape.replayed < tape.sums.count, tape.sums[tape.replayed].count == buffer.count else {
                throw DataParallelError("rank 1: no matching sum of rank 0 (call \(tape.replayed))")
            }
            for i in buffer.indices { buffer[i] += tape.sums[tape.replayed][i] }
            tape.replayed += 1
        }
    }

    static func options(corpus: String, output: String, rank: Int) -> TextTrainingOptions {
        var o = TextTrainingOptions(corpusPath: corpus)
        o.level = .word
        o.hiddenSize = 8
        o.layers = 1
        o.embeddingSize = 4
        o.sequenceLength = 8
        o.batchSize = 4
        o.steps = 2
        o.outputDirectory = output
        o.writesNothing = rank != 0
        return o
    }

    static func batch(_ session: TextTrainingSession, _ index: Int) -> [Int32] {
        let n = session.training.batchSize * session.training.sequenceLength
        var inputs = [Int32](repeating: 0, count: n), targets = inputs
        inputs.withUnsafeMutableBufferPointer { i in
            targets.withUnsafeMutableBufferPointer { t in session.training.fillBatch(index, inputs: i, targets: t) }
        }
        return inputs + targets
    }

    /// A new run and a resumed one: rank 1 maps rank 0's cache (same file, fingerprint,
    /// vocabulary and batches) without the corpus.
    @Test func otherRanksMapTheCacheRankZeroMade() throws {
        let file = try TemporaryFile(text: Self.text)
        defer { file.cleanUp() }
        let output = file.directory.appendingPathComponent("run").path
        let missing = file.directory.appendingPathComponent("not-on-this-node.txt").path

        for resume in [false, true] {
            var zero = Self.options(corpus: file.path, output: output, rank: 0)
            var one = Self.options(corpus: missing, output: output, rank: 1)
            if resume {
                zero.resume = output + "/latest.safetensors"; one.resume = zero.resume
                zero.steps = 4; one.steps = 4
            }
            let tape = RecordedGroup.Tape()
            let first = try TextTrainingSession.make(zero, sharingTokensOver: RecordedGroup(rank: 0, tape: tape))
            let second = try TextTrainingSession.make(one, sharingTokensOver: RecordedGroup(rank: 1, tape: tape))
            #expect(tape.replayed == tape.sums.count && tape.sums.count == 2, "one broadcast: a length and the bytes")
            #expect(first.tokenCacheOrigin == (resume ? .reused : .built(reason: "no token cache yet")))
            #expect(second.tokenCacheOrigin == .shared)
            #expect(second.tokenCache.path == first.tokenCache.path)
            #expect(second.tokenCache.fingerprint == first.tokenCache.fingerprint)
            #expect(second.tokenizer.configuration == first.tokenizer.configuration)
            #expect(second.model.configuration == first.model.configuration)
            for index in [0, first.training.batchesPerEpoch - 1] { #expect(Self.batch(second, index) == Self.batch(first, index)) }
            if !resume { _ = try first.run() }       // rank 0 alone: the checkpoint to resume from
        }
    }

    /// A rank that sees no cache, or another one, at the path says the folder must be shared.
    @Test func aCacheOtherRanksCannotSeeIsNamed() throws {
        let file = try TemporaryFile(text: Self.text)
        defer { file.cleanUp() }
        let output = file.directory.appendingPathComponent("run").path
        var one = Self.options(corpus: file.path, output: output, rank: 1)
        one.sharedTokenCache = "12:0123456789abcdef"
        for made in [false, true] {
            if made { _ = try TextTrainingSession.make(Self.options(corpus: file.path, output: output, rank: 0)) }
            do {
                _ = try TextTrainingSession.make(one)
                Issue.record("a cache that is \(made ? "another" : "missing") was accepted")
            } catch let error as TextTrainingError {
                #expect(error.description.contains("a file system all of them share"), "\(error)")
                #expect(error.description.contains(made ? "not the 12:0123456789abcdef that rank 0 made" : "tokens.cache"), "\(error)")
            }
        }
    }
}
