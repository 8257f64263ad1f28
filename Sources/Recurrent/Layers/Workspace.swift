/// A grow-only float buffer handing out matrix views of the size asked for.
///
/// Layers keep one per cache or scratch array: the first call of a given size allocates, later
/// calls with the same or a smaller size reuse the storage (so the last, shorter batch of an
/// epoch does not allocate either). Views handed out earlier keep their old storage alive if
/// the buffer has to grow.
final class Workspace {
    private var storage = Storage(count: 0)

    /// A `(rows, cols)` contiguous view; its contents are whatever was there before.
    func matrix(rows: Int, cols: Int) -> Matrix {
        let needed = rows * cols
        if storage.count < needed { storage = Storage(count: needed) }
        return Matrix(storage: storage, offset: 0, rows: rows, cols: cols)
    }

    /// A `(rows, cols)` view filled with zeros.
    func zeros(rows: Int, cols: Int) -> Matrix {
        let m = matrix(rows: rows, cols: cols)
        m.fill(0)
        return m
    }
}

/// Copies a sequence between the two row layouts: time-major row `t·B + b` ⇄ batch-major row
/// `b·T + t`. `toTimeMajor` says which way; `source` and `destination` are `(T·B, F)`.
func copySequence(_ source: Matrix, into destination: Matrix, steps: Int, batchSize: Int, toTimeMajor: Bool) {
    precondition(source.rows == steps * batchSize && destination.rows == source.rows && destination.cols == source.cols,
                 "copySequence: \(source.rows)×\(source.cols) into \(destination.rows)×\(destination.cols) for T=\(steps), B=\(batchSize)")
    let cols = source.cols
    for t in 0..<steps {
        for b in 0..<batchSize {
            let timeMajor = t * batchSize + b, batchMajor = b * steps + t
            let (from, to) = toTimeMajor ? (batchMajor, timeMajor) : (timeMajor, batchMajor)
            (destination.pointer + to * destination.rowStride)
                .update(from: source.pointer + from * source.rowStride, count: cols)
        }
    }
}
