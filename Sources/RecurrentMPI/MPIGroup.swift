#if MPI
import COpenMPI
#endif
import Foundation
import Recurrent

#if MPI
/// The ranks of an MPI job (MPI_COMM_WORLD) as a `DataParallelGroup`.
///
/// Sums are `MPI_Iallreduce(MPI_IN_PLACE, …, MPI_FLOAT, MPI_SUM)`: `startAllReduceSum` starts
/// one and returns, `progressSums` tests them (`MPI_Testall`; Open MPI advances them only inside
/// MPI calls), `waitForSums` polls them every 50 µs until done or until `timeout` seconds pass —
/// a heartbeat in effect, since every rank waits once per step; `allReduceSum` is a start and a
/// wait. Errors are returned (MPI_ERRORS_RETURN), not fatal, so a failed or timed-out sum
/// becomes a `DataParallelError` naming the rank; the caller then ends the job with `abort`.
/// Open MPI's in-place nonblocking sum (libnbc: a binomial tree, reduce then broadcast) adds
/// each element in an order fixed by the job's size and gives every rank the same bits, so the
/// ranks' weights stay identical.
public final class MPIGroup: DataParallelGroup {
    public let rank: Int
    public let size: Int
    /// Longest wait for the other ranks in one collective (seconds; `.infinity`: no limit).
    public var timeout: Double
    /// Sums started so far and the wall-clock seconds this rank spent waiting for them to finish
    /// (`waitForSums`), waiting for the slowest rank included: the part of the sums the
    /// backward pass did not hide.
    public private(set) var sums = 0, sumSeconds = 0.0
    /// The requests of the sums started and not yet waited for (grown on first use, then reused).
    private var requests: UnsafeMutablePointer<MPI_Request?>
    private var capacity = 8, pending = 0

    init(timeout: Double) throws(DistributedLaunchError) {
        let rc = recurrent_mpi_init()
        guard rc == MPI_SUCCESS else { throw .initialization(Self.describe(rc)) }
        rank = Int(recurrent_mpi_rank())
        size = Int(recurrent_mpi_size())
        self.timeout = timeout
        requests = .allocate(capacity: capacity)
    }

    deinit { requests.deallocate() }

    /// The MPI library's name and version, e.g. "Open MPI v4.1.4".
    public var libraryVersion: String {
        let capacity = Int(recurrent_mpi_max_library_version())
        var text = [CChar](repeating: 0, count: capacity)
        return text.withUnsafeMutableBufferPointer { buffer in
            String(cString: recurrent_mpi_library_version(buffer.baseAddress, Int32(capacity)))
        }.split(separator: ",").first.map(String.init) ?? "MPI"
    }

    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(DataParallelError) {
        try startAllReduceSum(buffer)
        try waitForSums()
    }

    public func startAllReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(DataParallelError) {
        // MPI counts are Int32: sum in pieces of at most 2³⁰ floats.
        var start = 0
        repeat {
            let count = min(buffer.count - start, 1 << 30)
            if pending == capacity {
                let grown = UnsafeMutablePointer<MPI_Request?>.allocate(capacity: 2 * capacity)
                grown.moveInitialize(from: requests, count: pending)
                requests.deallocate()
                requests = grown
                capacity *= 2
            }
            let rc = recurrent_mpi_iallreduce_sum(buffer.baseAddress! + start, Int32(count), requests + pending)
            guard rc == MPI_SUCCESS else { throw failure("the gradient sum could not start: \(Self.describe(rc))") }
            pending += 1
            sums += 1
            start += count
        } while start < buffer.count
    }

    public func progressSums() throws(DataParallelError) {
        guard pending > 0 else { return }
        var done: Int32 = 0
        let rc = recurrent_mpi_testall(Int32(pending), requests, &done)
        guard rc == MPI_SUCCESS else { throw failure("the gradient sum failed: \(Self.describe(rc))") }
        if done != 0 { pending = 0 }
    }

    public func waitForSums() throws(DataParallelError) {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = timeout.isFinite ? start + .milliseconds(Int64(timeout * 1000)) : nil
        defer {
            let spent = start.duration(to: clock.now).components
            sumSeconds += Double(spent.seconds) + Double(spent.attoseconds) * 1e-18
        }
        while pending > 0 {
            try progressSums()
            if pending == 0 { return }
            if let deadline, clock.now > deadline {
                throw failure("no answer from the other \(size - 1) process\(size == 2 ? "" : "es") for \(Self.seconds(timeout)): "
                              + "one died or hangs (a full disk, a killed process, a lost node). "
                              + "Stopping; the last checkpoint is intact — resume from it, with any number of processes")
            }
            usleep(50)
        }
    }

    /// Waits for every rank, then shuts MPI down (the end of a run that finished).
    public func finish() {
        _ = recurrent_mpi_barrier()
        _ = recurrent_mpi_finalize()
    }

    /// Ends every process of the job with `code` (after a failure: a pending collective would
    /// make `finish` wait forever).
    public func abort(code: Int32) -> Never {
        recurrent_mpi_abort(code)
        exit(code)
    }

    private func failure(_ text: String) -> DataParallelError {
        DataParallelError("rank \(rank) of \(size): \(text)")
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    static func describe(_ code: Int32) -> String {
        let capacity = Int(recurrent_mpi_max_error_string())
        var text = [CChar](repeating: 0, count: capacity)
        return text.withUnsafeMutableBufferPointer { buffer in
            _ = recurrent_mpi_error_string(code, buffer.baseAddress, Int32(capacity))
            return String(cString: buffer.baseAddress!)
        } + " (MPI error \(code))"
    }
}
#else
/// Stands in for the MPI group in a build without the `MPI` trait: it cannot be made
/// (`DistributedLaunch.join` throws first).
public final class MPIGroup: DataParallelGroup {
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var timeout: Double = 0
    public var sums: Int { 0 }
    public var sumSeconds: Double { 0 }
    public var libraryVersion: String { "none" }
    private init() {}
    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(DataParallelError) {}
    public func startAllReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws(DataParallelError) {}
    public func progressSums() throws(DataParallelError) {}
    public func waitForSums() throws(DataParallelError) {}
    public func finish() {}
    public func abort(code: Int32) -> Never { exit(code) }
}
#endif
