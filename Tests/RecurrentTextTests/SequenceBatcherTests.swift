import Testing
@testable import RecurrentText

@Suite struct SequenceBatcherTests {
    /// Tokens 0, 1, 2, … so every id says where it came from.
    func counting(_ n: Int) -> TokenArray { TokenArray(0..<n, vocabularySize: max(n, 1)) }

    @Test func shapesAndTimeMajorLayout() throws {
        // N = 100, B = 3, T = 4: K = ⌊99 / 12⌋ = 8 batches, streams of L = 32.
        let batcher = try SequenceBatcher(tokens: counting(100), batchSize: 3, sequenceLength: 4)
        #expect(batcher.batchesPerEpoch == 8 && batcher.streamLength == 32)
        let batch = batcher.batch(at: 2)
        #expect(batch.inputs.count == 12 && batch.targets.count == 12)
        for t in 0..<4 {
            for b in 0..<3 {
                let expected = Int32(b * 32 + 2 * 4 + t)
                #expect(batch.inputs[t * 3 + b] == expected)
                #expect(batch.input(t: t, b: b) == expected)
                #expect(batch.target(t: t, b: b) == expected + 1)
            }
        }
    }

    @Test func consecutiveBatchesContinueEachStream() throws {
        var batcher = try SequenceBatcher(tokens: counting(1_000), batchSize: 5, sequenceLength: 7)
        var previous = batcher.next()
        for _ in 1..<batcher.batchesPerEpoch {
            let batch = batcher.next()
            for b in 0..<5 {
                // Step 0 of this batch follows step T−1 of the previous one in the same stream.
                #expect(batch.input(t: 0, b: b) == previous.input(t: 6, b: b) + 1)
                #expect(batch.input(t: 0, b: b) == previous.target(t: 6, b: b))
            }
            previous = batch
        }
        // Every target is within the tokens; the last one is token B·L.
        #expect(previous.target(t: 6, b: 4) == Int32(5 * batcher.streamLength))
    }

    @Test func positionWrapsToTheNextEpochAndResumesExactly() throws {
        let tokens = counting(200)
        var batcher = try SequenceBatcher(tokens: tokens, batchSize: 2, sequenceLength: 10)
        #expect(batcher.batchesPerEpoch == 9)
        var seen: [Batch] = []
        for _ in 0..<12 { seen.append(batcher.next()) }
        #expect(batcher.position == BatchPosition(epoch: 1, index: 3))
        #expect(seen[9].startsEpoch && seen[9].position == BatchPosition(epoch: 1, index: 0))
        #expect(seen[9].inputs == seen[0].inputs)
        #expect(!seen[10].startsEpoch)

        // A batcher restored at a saved position hands out the same batches.
        var resumed = try SequenceBatcher(tokens: tokens, batchSize: 2, sequenceLength: 10, position: BatchPosition(epoch: 0, index: 7))
        for k in 7..<12 {
            #expect(resumed.next() == seen[k])
        }
        // Reusing a buffer gives the same batch.
        var buffer = Batch(sequenceLength: 10, batchSize: 2)
        resumed.next(into: &buffer)
        #expect(buffer == batcher.next())
    }

    @Test func narrowStorageReadsTheSameIDs() throws {
        let ids = (0..<500).map { ($0 * 37) % 251 }
        let narrow = TokenArray(ids, vocabularySize: 251)
        let wide = TokenArray(ids, vocabularySize: 100_000)
        #expect(narrow.bytesPerToken == 1 && wide.bytesPerToken == 4)
        let a = try SequenceBatcher(tokens: narrow, batchSize: 4, sequenceLength: 8)
        let b = try SequenceBatcher(tokens: wide, batchSize: 4, sequenceLength: 8)
        for k in 0..<a.batchesPerEpoch { #expect(a.batch(at: k) == b.batch(at: k)) }
    }

    @Test func validationSliceBatches() throws {
        let corpus = Corpus(tokenizer: ByteTokenizer(), tokens: TokenArray(0..<256, vocabularySize: 256), byteCount: 256)
        let (_, validation) = corpus.split(validationFraction: 0.25)
        let batcher = try SequenceBatcher(tokens: validation, batchSize: 2, sequenceLength: 4, part: "validation")
        #expect(batcher.batch(at: 0).input(t: 0, b: 0) == 192)
    }

    @Test func tooShortSaysHowManyTokensAreNeeded() {
        #expect(throws: TextError.corpusTooShort(part: "training", tokenCount: 50, needed: 51, batchSize: 5, sequenceLength: 10)) {
            try SequenceBatcher(tokens: counting(50), batchSize: 5, sequenceLength: 10)
        }
        #expect((try? SequenceBatcher(tokens: counting(51), batchSize: 5, sequenceLength: 10))?.batchesPerEpoch == 1)
        let message = TextError.corpusTooShort(part: "validation", tokenCount: 9, needed: 2_501, batchSize: 50, sequenceLength: 50).description
        #expect(message.contains("validation") && message.contains("2501") && message.contains("--seq-length") && message.contains("--batch-size"))
        #expect(throws: TextError.self) { try SequenceBatcher(tokens: counting(0), batchSize: 1, sequenceLength: 1) }
    }
}
