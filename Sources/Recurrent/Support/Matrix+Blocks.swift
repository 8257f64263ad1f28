/// Whole-matrix passes over large gradients (a word model's decoder is 11M floats), split
/// over the thread pool in fixed blocks of rows, so the results never depend on the number of
/// threads.
extension Matrix {
    /// Rows per block: about 64K floats, at least one row.
    private var rowsPerBlock: Int { Swift.max(1, 65_536 / Swift.max(cols, 1)) }

    /// Σ x² accumulated in Double: each block left to right, then the block sums in order.
    func sumOfSquaresInBlocks() -> Double {
        let per = rowsPerBlock, blocks = (rows + per - 1) / per
        guard blocks > 1 else { return sumOfSquares() }
        let storage = UnsafeMutableBufferPointer<Double>.allocate(capacity: blocks)
        defer { storage.deallocate() }
        let sums = SharedPointer(storage.baseAddress!), m = self
        ThreadPool.parallelFor(blocks) { block in
            sums[block] = m.rows(block * per..<Swift.min(m.rows, (block + 1) * per)).sumOfSquares()
        }
        var total: Double = 0
        for s in storage { total += s }
        return total
    }

    /// x ← s·x, elementwise (the same floats as `scale(by:)`).
    func scaleInBlocks(by s: Float) {
        let per = rowsPerBlock, blocks = (rows + per - 1) / per
        guard blocks > 1 else { return scale(by: s) }
        let m = self
        ThreadPool.parallelFor(blocks) { block in
            m.rows(block * per..<Swift.min(m.rows, (block + 1) * per)).scale(by: s)
        }
    }
}
