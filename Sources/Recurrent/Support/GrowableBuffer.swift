/// A grow-only float buffer handing out matrix views of the size asked for.
///
/// The package's one scratch-buffer type. Layers and models keep one per cache or scratch array: the first call of a given size allocates, later
/// calls with the same or a smaller size reuse the storage (so the last, shorter batch of an
/// epoch does not allocate either). Views handed out earlier keep their old storage alive if
/// the buffer has to grow.
public final class GrowableBuffer {
    private var storage = Storage(count: 0)

    public init() {}

    /// A `(rows, cols)` contiguous view; its contents are whatever was there before.
    public func matrix(rows: Int, cols: Int) -> Matrix {
        let needed = rows * cols
        if storage.count < needed { storage = Storage(count: needed) }
        return Matrix(storage: storage, offset: 0, rows: rows, cols: cols)
    }

    /// A `(rows, cols)` view filled with zeros.
    public func zeros(rows: Int, cols: Int) -> Matrix {
        let m = matrix(rows: rows, cols: cols)
        m.fill(0)
        return m
    }
}
