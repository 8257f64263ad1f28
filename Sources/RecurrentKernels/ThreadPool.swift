import CKernels

/// The process-wide pool of worker threads behind ``gemm(_:_:_:_:_:alpha:beta:)`` and
/// ``parallelFor(_:threads:_:)``.
///
/// Workers are created once, on first need, and persist; a call hands them work through shared
/// memory and they spin briefly before sleeping, so the many small GEMMs of a recurrent loop do
/// not pay for thread creation or a kernel wake-up each. The pool runs one job at a time: a
/// call made while it is busy (from another thread, or from inside a parallel task) runs
/// serially on its own thread instead of waiting, so nesting never deadlocks.
public enum ThreadPool {
    /// The most threads a job can use.
    public static let maximumThreadCount = Int(RK_MAX_THREADS)

    /// Threads a job uses by default, the calling thread included. Starts as
    /// `RECURRENT_THREADS` when that is a positive integer, else ``availableCores``.
    public static var threadCount: Int {
        get { Int(rk_thread_count()) }
        set {
            precondition(newValue >= 1, "thread count must be at least 1, got \(newValue)")
            rk_set_thread_count(Int32(min(newValue, maximumThreadCount)))
        }
    }

    /// CPUs this process may run on.
    public static var availableCores: Int { Int(rk_available_cores()) }

    /// `RECURRENT_THREADS`, when set to a positive integer.
    public static var environmentThreadCount: Int? {
        let n = rk_thread_count_from_environment()
        return n > 0 ? Int(n) : nil
    }

    /// Calls `body(i)` for every `i` in `0 ..< count`, spread over up to `threads` threads
    /// (default ``threadCount``), the caller included; returns when all calls have returned.
    /// Calls may run concurrently and in any order.
    public static func parallelFor(_ count: Int, threads: Int? = nil, _ body: @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        let threads = Int32(clamping: threads ?? 0)
        withoutActuallyEscaping(body) { escapable in
            var task = escapable
            withUnsafeMutablePointer(to: &task) { pointer in
                rk_parallel_for(threads, count, { context, index in
                    context!.assumingMemoryBound(to: (@Sendable (Int) -> Void).self).pointee(index)
                }, pointer)
            }
        }
    }
}
