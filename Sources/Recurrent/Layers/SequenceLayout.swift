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
