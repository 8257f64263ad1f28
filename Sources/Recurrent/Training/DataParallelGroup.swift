/// The processes of a data-parallel training run, as the trainer sees them: N ranks that each
/// compute the gradient of their share of every batch and sum them. MPI provides one
/// (`RecurrentMPI`); tests provide one of threads in one process.
///
/// Every rank must call the collective operations in the same order with the same counts.
public protocol DataParallelGroup: AnyObject {
    /// This process, 0 ..< size. Rank 0 writes checkpoints and logs.
    var rank: Int { get }
    /// N: the number of processes.
    var size: Int { get }
    /// Sums `buffer` element-wise over all ranks, in place. Every rank ends with the same bits
    /// (a fixed reduction order), so the ranks' weights stay identical.
    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(DataParallelError)

    /// Starts summing `buffer` in place, like `allReduceSum`, and may return before the sum is
    /// done: `buffer` must not be read or written until `waitForSums()` returns. Sums started
    /// one after another complete as if run in that order, and every rank must start the same
    /// sums (counts) in the same order. (Default: the blocking `allReduceSum`.)
    func startAllReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(DataParallelError)
    /// Lets started sums progress: MPI advances a nonblocking collective only inside its calls.
    /// Cheap; called between time steps of the backward pass. (Default: nothing.)
    func progressSums() throws(DataParallelError)
    /// Returns when every started sum is done. (Default: nothing; the sums were blocking.)
    func waitForSums() throws(DataParallelError)
}

extension DataParallelGroup {
    public func startAllReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(DataParallelError) {
        try allReduceSum(buffer)
    }

    public func progressSums() throws(DataParallelError) {}

    public func waitForSums() throws(DataParallelError) {}

    /// Rank 0's `bytes` on every rank (the others pass anything, e.g. `[]`): two sums, the
    /// length and then the bytes, to which the other ranks add zeros. Bytes and lengths below
    /// 2²⁴ are exact in Float32. For small messages (a file's fingerprint), not for data.
    public func broadcastFromRankZero(_ bytes: [UInt8]) throws(DataParallelError) -> [UInt8] {
        precondition(rank != 0 || bytes.count < 1 << 24, "broadcastFromRankZero: \(bytes.count) bytes is too long")
        let length = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1)
        defer { length.deallocate() }
        length[0] = rank == 0 ? Float(bytes.count) : 0
        try allReduceSum(length)
        guard let count = Int(exactly: length[0]), count >= 0 else {
            throw DataParallelError("rank \(rank) of \(size): a broadcast of \(length[0]) bytes")
        }
        guard count > 0 else { return [] }
        let values = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { values.deallocate() }
        for i in 0..<count { values[i] = rank == 0 && i < bytes.count ? Float(bytes[i]) : 0 }
        try allReduceSum(values)
        return values.map { UInt8(clamping: Int($0)) }
    }
}

/// How a data-parallel step sums the gradients (`recurrent train --allreduce`).
public enum AllReduceMode: String, CaseIterable, Sendable {
    /// One sum per layer group, each started as soon as the backward pass has finished that
    /// group's gradients (output layer, recurrent layers top to bottom, embedding last), all
    /// waited for before clipping: the sums overlap the rest of the backward.
    case overlap
    /// One sum of the whole flat buffer after the backward pass.
    case blocking
}

/// A collective operation failed: another rank died, hangs, or the transport broke.
public struct DataParallelError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Which streams of a global batch of B streams rank r of N computes: `r·B/N ..< (r+1)·B/N`
/// (integer division), so the shares differ by at most one stream when N does not divide B,
/// and each rank's gradient is weighted by its share (b_r / B) before the sum.
public func dataParallelStreams(rank: Int, size: Int, batchSize: Int) -> Range<Int> {
    precondition(size >= 1 && rank >= 0 && rank < size && batchSize >= size,
                 "rank \(rank) of \(size) over \(batchSize) streams")
    return rank * batchSize / size ..< (rank + 1) * batchSize / size
}
