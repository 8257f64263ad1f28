import Testing
import Recurrent
@testable import RecurrentText

/// `StreamBatcher` over a `TokenArray` (its strided-copy fast path) and the text session's
/// batchers.
@Suite struct TokenArrayBatchingTests {
    /// Tokens 0, 1, 2, … so every id says where it came from.
    func counting(_ n: Int) -> TokenArray { TokenArray(0..<n, vocabularySize: max(n, 1)) }

    /// Batch `k` of `source` as (inputs, targets), each (T·B) time-major.
    func batch(_ source: some TokenBatchSource, _ k: Int) -> (inputs: [Int32], targets: [Int32]) {
        var inputs = [Int32](repeating: -1, count: source.batchSize * source.sequenceLength), targets = inputs
        inputs.withUnsafeMutableBufferPointer { x in
            targets.withUnsafeMutableBufferPointer { y in source.fillBatch(k, inputs: x, targets: y) }
        }
        return (inputs, targets)
    }

    @Test func shapesAndTimeMajorLayout() throws {
        // N = 100, B = 3, T = 4: K = ⌊99 / 12⌋ = 8 batches, streams of L = 32.
        let batcher = try #require(StreamBatcher(tokens: counting(100), batchSize: 3, sequenceLength: 4))
        #expect(batcher.batchesPerEpoch == 8 && batcher.streamLength == 32)
        let (inputs, targets) = batch(batcher, 2)
        for t in 0..<4 {
            for b in 0..<3 {
                #expect(inputs[t * 3 + b] == Int32(b * 32 + 2 * 4 + t))
                #expect(targets[t * 3 + b] == Int32(b * 32 + 2 * 4 + t) + 1)
            }
        }
    }

    @Test func consecutiveBatchesContinueEachStream() throws {
        let batcher = try #require(StreamBatcher(tokens: counting(1_000), batchSize: 5, sequenceLength: 7))
        for k in 1..<batcher.batchesPerEpoch {
            let previous = batch(batcher, k - 1), current = batch(batcher, k)
            for b in 0..<5 {
                // Step 0 of this batch follows step T−1 of the previous one in the same stream.
                #expect(current.inputs[b] == previous.targets[6 * 5 + b])
            }
        }
        // Every target is within the tokens; the last one is token B·L.
        #expect(batch(batcher, batcher.batchesPerEpoch - 1).targets.last == Int32(5 * batcher.streamLength))
    }

    /// The strided copy of 8-, 16- and 32-bit storage gives exactly the generic path's batches.
    @Test func fastPathMatchesTheGenericPath() throws {
        let ids = (0..<500).map { ($0 * 37) % 251 }
        let reference = try #require(StreamBatcher(tokens: ids.map(Int32.init), batchSize: 4, sequenceLength: 8))
        for vocabulary in [251, 60_000, 100_000] {
            let tokens = TokenArray(ids, vocabularySize: vocabulary)
            let batcher = try #require(StreamBatcher(tokens: tokens, batchSize: 4, sequenceLength: 8))
            for k in 0..<batcher.batchesPerEpoch { #expect(batch(batcher, k) == batch(reference, k)) }
        }
    }

    @Test func validationSliceBatches() throws {
        let corpus = Corpus(tokenizer: ByteTokenizer(), tokens: TokenArray(0..<256, vocabularySize: 256), byteCount: 256)
        let (_, validation) = corpus.split(validationFraction: 0.25)
        let batcher = try TextTrainingSession.batcher(validation, batchSize: 2, sequenceLength: 4, part: "validation")
        #expect(batch(batcher, 0).inputs.first == 192)
    }

    @Test func tooShortSaysHowManyTokensAreNeeded() throws {
        #expect(throws: TextError.corpusTooShort(part: "training", tokenCount: 50, needed: 51, batchSize: 5, sequenceLength: 10)) {
            try TextTrainingSession.batcher(counting(50), batchSize: 5, sequenceLength: 10, part: "training")
        }
        #expect(try TextTrainingSession.batcher(counting(51), batchSize: 5, sequenceLength: 10, part: "training").batchesPerEpoch == 1)
        let message = TextError.corpusTooShort(part: "validation", tokenCount: 9, needed: 2_501, batchSize: 50, sequenceLength: 50).description
        #expect(message.contains("validation") && message.contains("2501") && message.contains("--seq-length") && message.contains("--batch-size"))
        #expect(throws: TextError.self) { try TextTrainingSession.batcher(counting(0), batchSize: 1, sequenceLength: 1, part: "training") }
    }
}
