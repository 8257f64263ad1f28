import Recurrent

/// The text batcher feeds the trainer directly: batch k of a `SequenceBatcher` is batch k of
/// the `TokenBatchSource` (the same char-rnn stream layout), written without an intermediate
/// `Batch`.
extension SequenceBatcher: TokenBatchSource {
    public func fillBatch(_ index: Int, inputs: UnsafeMutableBufferPointer<Int32>, targets: UnsafeMutableBufferPointer<Int32>) {
        precondition((0..<batchesPerEpoch).contains(index), "batch index \(index) outside 0..<\(batchesPerEpoch)")
        precondition(inputs.count == batchSize * sequenceLength && targets.count == inputs.count,
                     "fillBatch needs \(batchSize * sequenceLength) slots")
        let length = streamLength, first = index * sequenceLength
        for b in 0..<batchSize {
            tokens.copy(from: b * length + first, count: sequenceLength, to: inputs.baseAddress! + b, stride: batchSize)
            tokens.copy(from: b * length + first + 1, count: sequenceLength, to: targets.baseAddress! + b, stride: batchSize)
        }
    }
}

extension TokenArray {
    /// "<count>:<FNV-1a 64 of the ids, hex>": tells whether a resumed run trains on the same tokens.
    public func fingerprint() -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var buffer = [Int32](repeating: 0, count: 1 << 16)
        var start = 0
        buffer.withUnsafeMutableBufferPointer { b in
            while start < count {
                let n = Swift.min(b.count, count - start)
                copy(from: start, count: n, to: b.baseAddress!, stride: 1)
                for i in 0..<n {
                    var v = UInt32(bitPattern: b[i])
                    for _ in 0..<4 {
                        hash = (hash ^ UInt64(v & 0xFF)) &* 0x100_0000_01b3
                        v >>= 8
                    }
                }
                start += n
            }
        }
        return "\(count):\(String(hash, radix: 16))"
    }
}
