import ArgumentParser
import Recurrent

/// `--threads N`: how many threads the matrix kernels use, on every command that computes.
/// Without it, the `RECURRENT_THREADS` environment variable, else every core.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Threads for the matrix kernels, the calling thread included. (default: $RECURRENT_THREADS, else the number of cores)")
    var threads: Int?

    func validate() throws {
        if let t = threads, !(1...ThreadPool.maximumThreadCount).contains(t) {
            throw ValidationError("--threads must be in 1...\(ThreadPool.maximumThreadCount), got \(t)")
        }
    }

    /// Sets the kernels' thread count when --threads was given.
    func apply() {
        if let threads { ThreadPool.threadCount = threads }
    }

    /// One thread for the kernels (when `condition` holds), unless --threads or
    /// `RECURRENT_THREADS` gives a count. For the experiments: their GEMMs are small
    /// (B × H × 4H), and runs trained side by side, one per core, use the cores better than
    /// each GEMM split across them.
    func useOneThreadPerRun(if condition: Bool = true) {
        if condition && ThreadPool.environmentThreadCount == nil && threads == nil { ThreadPool.threadCount = 1 }
    }
}
