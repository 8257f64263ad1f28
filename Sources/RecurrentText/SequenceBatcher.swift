/// Where a `SequenceBatcher` is: the epoch and the batch within it. Stored in a checkpoint so
/// a resumed run sees the same batches in the same order.
public struct BatchPosition: Codable, Sendable, Equatable, Hashable {
    /// Completed passes over the data (0 during the first).
    public var epoch: Int
    /// The next batch to hand out, in `0..<batchesPerEpoch`.
    public var index: Int

    public init(epoch: Int = 0, index: Int = 0) {
        self.epoch = epoch
        self.index = index
    }

    public static let start = BatchPosition()
}

/// One training batch: B streams of T consecutive tokens, time-major, and the same tokens
/// shifted one step as targets.
public struct Batch: Sendable, Equatable {
    /// (T, B) time-major: `inputs[t * batchSize + b]` is stream b's token at step t.
    public var inputs: [Int32]
    /// (T, B): `targets[t * batchSize + b]` is the token after `inputs[t * batchSize + b]`.
    public var targets: [Int32]
    public let sequenceLength: Int
    public let batchSize: Int
    /// Where this batch is: `position.index` is its index in the epoch.
    public var position: BatchPosition

    /// True for the first batch of an epoch: the streams start over, so the trainer resets
    /// the hidden state instead of carrying it.
    public var startsEpoch: Bool { position.index == 0 }

    public init(sequenceLength: Int, batchSize: Int) {
        self.sequenceLength = sequenceLength
        self.batchSize = batchSize
        inputs = [Int32](repeating: 0, count: sequenceLength * batchSize)
        targets = inputs
        position = .start
    }

    /// Stream `b`'s input token at step `t`.
    public func input(t: Int, b: Int) -> Int32 { inputs[t * batchSize + b] }
    /// Stream `b`'s target token at step `t`.
    public func target(t: Int, b: Int) -> Int32 { targets[t * batchSize + b] }
}

/// Batches for truncated backpropagation through time, as in char-rnn and torch-rnn.
///
/// The N tokens are cut into B contiguous streams of L = K·T tokens each, where
/// K = ⌊(N − 1) / (B·T)⌋ is the number of batches per epoch (the last N − 1 − B·L tokens are
/// unused; the −1 leaves room for the last target). Batch k holds, for every stream b and
/// step t,
///
///     input[t, b]  = tokens[b·L + k·T + t]
///     target[t, b] = tokens[b·L + k·T + t + 1]
///
/// so batch k + 1 continues each stream exactly where batch k stopped, and the hidden state
/// after batch k is the right initial state for batch k + 1. The order is fixed (carrying
/// state needs it): no shuffling. After the last batch the position wraps to the next epoch,
/// where the streams start over (`Batch.startsEpoch`).
public struct SequenceBatcher: Sendable {
    public let tokens: TokenArray
    /// B, the number of parallel streams.
    public let batchSize: Int
    /// T, the time steps per batch (the truncation length of BPTT).
    public let sequenceLength: Int
    /// K, the number of batches in one pass over the tokens.
    public let batchesPerEpoch: Int
    /// L = K·T, the length of each stream.
    public var streamLength: Int { batchesPerEpoch * sequenceLength }
    /// The next batch `next()` returns.
    public var position: BatchPosition

    /// Throws `TextError.corpusTooShort` if `tokens` cannot fill one batch (fewer than
    /// B·T + 1 tokens); `part` names the tokens in that message ("training", "validation").
    public init(tokens: TokenArray, batchSize: Int, sequenceLength: Int, position: BatchPosition = .start,
                part: String = "training") throws(TextError) {
        precondition(batchSize > 0 && sequenceLength > 0, "batchSize and sequenceLength must be positive")
        let batches = tokens.count > 0 ? (tokens.count - 1) / (batchSize * sequenceLength) : 0
        guard batches > 0 else {
            throw .corpusTooShort(part: part, tokenCount: tokens.count, needed: batchSize * sequenceLength + 1,
                                  batchSize: batchSize, sequenceLength: sequenceLength)
        }
        precondition(position.epoch >= 0 && (0..<batches).contains(position.index),
                     "batch position \(position) outside an epoch of \(batches) batches")
        self.tokens = tokens
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.batchesPerEpoch = batches
        self.position = position
    }

    /// Batch `index` of any epoch (the same tokens every epoch).
    public func batch(at index: Int) -> Batch {
        var batch = Batch(sequenceLength: sequenceLength, batchSize: batchSize)
        fill(&batch, at: BatchPosition(epoch: 0, index: index))
        return batch
    }

    /// Writes the batch at `position` into `batch`, reusing its buffers.
    public func fill(_ batch: inout Batch, at position: BatchPosition) {
        precondition(batch.batchSize == batchSize && batch.sequenceLength == sequenceLength, "batch shape does not match the batcher")
        precondition((0..<batchesPerEpoch).contains(position.index), "batch index \(position.index) outside 0..<\(batchesPerEpoch)")
        let length = streamLength
        let first = position.index * sequenceLength
        batch.inputs.withUnsafeMutableBufferPointer { inputs in
            for b in 0..<batchSize {
                tokens.copy(from: b * length + first, count: sequenceLength, to: inputs.baseAddress! + b, stride: batchSize)
            }
        }
        batch.targets.withUnsafeMutableBufferPointer { targets in
            for b in 0..<batchSize {
                tokens.copy(from: b * length + first + 1, count: sequenceLength, to: targets.baseAddress! + b, stride: batchSize)
            }
        }
        batch.position = position
    }

    /// The batch at `position`, then advances `position` (to the next epoch after the last).
    public mutating func next() -> Batch {
        var batch = Batch(sequenceLength: sequenceLength, batchSize: batchSize)
        next(into: &batch)
        return batch
    }

    /// `next()` into an existing batch, reusing its buffers.
    public mutating func next(into batch: inout Batch) {
        fill(&batch, at: position)
        position.index += 1
        if position.index == batchesPerEpoch {
            position.index = 0
            position.epoch += 1
        }
    }
}
