/// Batches of token ids for truncated backpropagation through time.
///
/// An epoch is `batchesPerEpoch` batches; batch i holds time steps `i·T ..< (i+1)·T` of each
/// of B streams, so consecutive batches continue each stream where the previous one stopped
/// and a hidden state carried from batch i to batch i+1 is the right context (char-rnn style).
/// Batches are addressed by index, so a resumed run restarts exactly at its position.
public protocol TokenBatchSource {
    /// B: streams per batch.
    var batchSize: Int { get }
    /// T: time steps per batch.
    var sequenceLength: Int { get }
    /// Batches in one pass over the data (≥ 1).
    var batchesPerEpoch: Int { get }
    /// Writes batch `index` time-major: position `t·B + b` holds step t of stream b in
    /// `inputs`, and the token that follows it in `targets`. Both hold T·B ids.
    func fillBatch(_ index: Int, inputs: UnsafeMutableBufferPointer<Int32>, targets: UnsafeMutableBufferPointer<Int32>)
}

/// Token storage that copies a run of ids to a strided destination itself, faster than
/// element by element through a generic collection (e.g. ids packed in 8 or 16 bits).
/// `StreamBatcher` uses it when its tokens provide it.
public protocol StridedTokenCopying {
    /// Writes ids `start ..< start + count` (0-based) to `destination[k · stride]`.
    func copy(from start: Int, count: Int, to destination: UnsafeMutablePointer<Int32>, stride: Int)
}

/// The package's one batcher for truncated BPTT (char-rnn, torch-rnn), over any random-access
/// token sequence: the first `B·T·batches + 1`
/// tokens are cut into B contiguous streams, each of `T·batches` inputs (+1 for the last
/// target); batch i is columns `i·T ..< (i+1)·T` of every stream. The ≤ B·T tokens left over
/// at the end of the data are not used.
public struct StreamBatcher<Tokens: RandomAccessCollection & Sendable>: TokenBatchSource, Sendable
where Tokens.Element: BinaryInteger, Tokens.Index == Int {
    public let tokens: Tokens
    public let batchSize: Int
    public let sequenceLength: Int
    public let batchesPerEpoch: Int
    /// Tokens per stream (`T · batchesPerEpoch`).
    public let streamLength: Int

    /// Nil when `tokens` is too short for one batch (fewer than B·T + 1 tokens).
    public init?(tokens: Tokens, batchSize: Int, sequenceLength: Int) {
        precondition(batchSize > 0 && sequenceLength > 0, "StreamBatcher needs positive sizes")
        let usable = tokens.count - 1
        let batches = usable / (batchSize * sequenceLength)
        guard batches >= 1 else { return nil }
        self.tokens = tokens
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.batchesPerEpoch = batches
        self.streamLength = batches * sequenceLength
    }

    public func fillBatch(_ index: Int, inputs: UnsafeMutableBufferPointer<Int32>, targets: UnsafeMutableBufferPointer<Int32>) {
        precondition(index >= 0 && index < batchesPerEpoch, "batch \(index) outside 0..<\(batchesPerEpoch)")
        let b = batchSize, t = sequenceLength
        precondition(inputs.count == t * b && targets.count == t * b, "fillBatch needs \(t * b) slots")
        if let store = tokens as? any StridedTokenCopying, tokens.startIndex == 0 {
            for stream in 0..<b {
                let first = stream * streamLength + index * t
                store.copy(from: first, count: t, to: inputs.baseAddress! + stream, stride: b)
                store.copy(from: first + 1, count: t, to: targets.baseAddress! + stream, stride: b)
            }
            return
        }
        let start = tokens.startIndex
        for stream in 0..<b {
            let first = start + stream * streamLength + index * t
            for step in 0..<t {
                inputs[step * b + stream] = Int32(tokens[first + step])
                targets[step * b + stream] = Int32(tokens[first + step + 1])
            }
        }
    }
}

/// A batch source that can fill any range of a batch's streams alone: how a data-parallel rank
/// reads only its share. The tokens of stream s in batch i are a function of (i, s) only — a
/// global sequence index — whatever the range asked for.
public protocol StreamRangeBatchSource: TokenBatchSource {
    /// Writes streams `streams` of batch `index` time-major with `streams.count` columns:
    /// position `t·b + j` holds step t of stream `streams.lowerBound + j` (b = streams.count).
    func fillBatch(_ index: Int, streams: Range<Int>, inputs: UnsafeMutableBufferPointer<Int32>,
                   targets: UnsafeMutableBufferPointer<Int32>)
}

extension StreamBatcher: StreamRangeBatchSource {
    public func fillBatch(_ index: Int, streams: Range<Int>, inputs: UnsafeMutableBufferPointer<Int32>,
                          targets: UnsafeMutableBufferPointer<Int32>) {
        precondition(index >= 0 && index < batchesPerEpoch, "batch \(index) outside 0..<\(batchesPerEpoch)")
        precondition(streams.lowerBound >= 0 && streams.upperBound <= batchSize && !streams.isEmpty,
                     "streams \(streams) outside 0..<\(batchSize)")
        let b = streams.count, t = sequenceLength
        precondition(inputs.count == t * b && targets.count == t * b, "fillBatch needs \(t * b) slots")
        let start = tokens.startIndex
        let store = start == 0 ? tokens as? any StridedTokenCopying : nil
        for (j, stream) in streams.enumerated() {
            let first = stream * streamLength + index * t
            if let store {
                store.copy(from: first, count: t, to: inputs.baseAddress! + j, stride: b)
                store.copy(from: first + 1, count: t, to: targets.baseAddress! + j, stride: b)
                continue
            }
            for step in 0..<t {
                inputs[step * b + j] = Int32(tokens[start + first + step])
                targets[step * b + j] = Int32(tokens[start + first + step + 1])
            }
        }
    }
}
