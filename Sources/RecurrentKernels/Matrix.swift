/// A row-major Float32 matrix view: `rows × cols` values, row `r` starting `r * rowStride`
/// floats after `offset` in `storage`.
///
/// `Matrix` has reference semantics, like a tensor view: copies of a `Matrix` and views made
/// from it (`row(_:)`, `rows(_:)`, `columns(_:)`) share the same floats, so a layer can write
/// into a view of a larger buffer without copying. Use `copy()` for an independent matrix.
///
/// Sequences are stored time-major as `(T·B, F)` matrices: time step `t` is the contiguous
/// block of rows `t*B ..< (t+1)*B`.
public struct Matrix: @unchecked Sendable {
    public let storage: Storage
    public let offset: Int
    public let rows: Int
    public let cols: Int
    /// Floats between the starts of consecutive rows (≥ `cols`).
    public let rowStride: Int

    /// A new zero matrix.
    public init(rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0, "Matrix shape must be non-negative, got \(rows)×\(cols)")
        self.init(storage: Storage(count: rows * cols), offset: 0, rows: rows, cols: cols, rowStride: cols)
    }

    /// A new matrix holding `values` in row-major order.
    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols, "Matrix(\(rows)×\(cols)) needs \(rows * cols) values, got \(values.count)")
        self.init(rows: rows, cols: cols)
        values.withUnsafeBufferPointer { storage.base.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A view into `storage`. `rowStride` defaults to `cols`.
    public init(storage: Storage, offset: Int = 0, rows: Int, cols: Int, rowStride: Int? = nil) {
        let stride = rowStride ?? cols
        precondition(offset >= 0 && stride >= cols, "invalid view: offset \(offset), stride \(stride) < cols \(cols)")
        precondition(rows == 0 || cols == 0 || offset + (rows - 1) * stride + cols <= storage.count,
                     "view \(rows)×\(cols) (stride \(stride)) at \(offset) exceeds storage of \(storage.count)")
        self.storage = storage
        self.offset = offset
        self.rows = rows
        self.cols = cols
        self.rowStride = stride
    }

    /// Number of elements (`rows * cols`).
    public var count: Int { rows * cols }

    /// True when the rows follow one another with no gap, so the view is one block of `count` floats.
    public var isContiguous: Bool { rowStride == cols || rows <= 1 }

    /// Pointer to element (0, 0). For kernels: callers respect `rowStride` and bounds.
    package var pointer: UnsafeMutablePointer<Float> { storage.base + offset }

    public subscript(row: Int, col: Int) -> Float {
        get {
            assert(row >= 0 && row < rows && col >= 0 && col < cols, "index (\(row), \(col)) outside \(rows)×\(cols)")
            return pointer[row * rowStride + col]
        }
        nonmutating set {
            assert(row >= 0 && row < rows && col >= 0 && col < cols, "index (\(row), \(col)) outside \(rows)×\(cols)")
            pointer[row * rowStride + col] = newValue
        }
    }

    /// Row `index` as a `1 × cols` view.
    public func row(_ index: Int) -> Matrix {
        precondition(index >= 0 && index < rows, "row \(index) outside 0..<\(rows)")
        return Matrix(storage: storage, offset: offset + index * rowStride, rows: 1, cols: cols, rowStride: rowStride)
    }

    /// Rows `range` as a view.
    public func rows(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) outside 0..<\(rows)")
        return Matrix(storage: storage, offset: offset + range.lowerBound * rowStride,
                      rows: range.count, cols: cols, rowStride: rowStride)
    }

    /// Columns `range` of every row as a (strided) view.
    public func columns(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= cols, "columns \(range) outside 0..<\(cols)")
        return Matrix(storage: storage, offset: offset + range.lowerBound, rows: rows, cols: range.count,
                      rowStride: rowStride)
    }

    /// The same contiguous floats seen as `rows × cols`.
    public func reshaped(rows newRows: Int, cols newCols: Int) -> Matrix {
        precondition(isContiguous, "reshaped(rows:cols:) needs a contiguous view")
        precondition(newRows * newCols == count, "cannot reshape \(rows)×\(cols) to \(newRows)×\(newCols)")
        return Matrix(storage: storage, offset: offset, rows: newRows, cols: newCols)
    }

    /// The values in row-major order.
    public func toArray() -> [Float] {
        var out = [Float]()
        out.reserveCapacity(count)
        for r in 0..<rows {
            let p = pointer + r * rowStride
            for c in 0..<cols { out.append(p[c]) }
        }
        return out
    }

    /// An independent contiguous copy.
    public func copy() -> Matrix {
        let result = Matrix(rows: rows, cols: cols)
        result.assign(self)
        return result
    }

    /// Copies `source` (same shape) into this view.
    public func assign(_ source: Matrix) {
        precondition(source.rows == rows && source.cols == cols,
                     "assign: shape \(source.rows)×\(source.cols) into \(rows)×\(cols)")
        for r in 0..<rows {
            (pointer + r * rowStride).update(from: source.pointer + r * source.rowStride, count: cols)
        }
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) {
        for r in 0..<rows { (pointer + r * rowStride).update(repeating: value, count: cols) }
    }

    /// Calls `body` with each row as a mutable buffer of `cols` floats.
    public func forEachRow(_ body: (Int, UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        for r in 0..<rows {
            try body(r, UnsafeMutableBufferPointer(start: storage.base + offset + r * rowStride, count: cols))
        }
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        let shown = (0..<min(rows, 6)).map { r in
            (0..<min(cols, 8)).map { c in String(self[r, c]) }.joined(separator: " ") + (cols > 8 ? " …" : "")
        }
        return "Matrix(\(rows)×\(cols))[\n  " + shown.joined(separator: "\n  ") + (rows > 6 ? "\n  …" : "") + "\n]"
    }
}
