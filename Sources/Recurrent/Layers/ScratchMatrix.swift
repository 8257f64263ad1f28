/// A layer-owned buffer that hands out `(rows, cols)` views and reallocates only when asked
/// for more rows than it has ever held, so repeated calls with the same (or smaller) batch
/// reuse one allocation.
///
/// Views it returns alias each other: the next request overwrites what the previous one held.
struct ScratchMatrix {
    let cols: Int
    private var storage: Matrix

    init(cols: Int) {
        self.cols = cols
        storage = Matrix(rows: 0, cols: cols)
    }

    /// A contiguous `(rows, cols)` view; contents are unspecified (stale) unless the caller writes them.
    mutating func view(rows: Int) -> Matrix {
        if rows > storage.rows { storage = Matrix(rows: rows, cols: cols) }
        return storage.rows(0..<rows)
    }
}
