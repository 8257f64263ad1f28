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
