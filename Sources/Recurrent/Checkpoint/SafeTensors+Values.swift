// Conversions between tensors and Swift values: [Float], [Int64], [Int32], Matrix, Parameter.

extension SafeTensors.Tensor {
    /// An F32 tensor of `floats` (row-major) with PyTorch shape `shape`.
    ///
    /// - Precondition: the shape's element count equals `floats.count`.
    public init(floats: [Float], shape: [Int]) {
        self.init(dtype: .float32, shape: shape, bytes: littleEndianBytes(of: floats.map(\.bitPattern)))
    }

    /// An I64 tensor (e.g. token ids, step counters, RNG state words).
    public init(int64s: [Int64], shape: [Int]) {
        self.init(dtype: .int64, shape: shape, bytes: littleEndianBytes(of: int64s))
    }

    /// An I32 tensor.
    public init(int32s: [Int32], shape: [Int]) {
        self.init(dtype: .int32, shape: shape, bytes: littleEndianBytes(of: int32s))
    }

    /// An F32 tensor holding `matrix` (any view, strided or not) under PyTorch shape `shape`
    /// (default `[rows, cols]`; a bias stored as a 1×n matrix would pass `[n]`).
    ///
    /// - Precondition: the shape's element count equals `matrix.count`.
    public init(matrix: Matrix, shape: [Int]? = nil) {
        let shape = shape ?? [matrix.rows, matrix.cols]
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == matrix.count,
                     "shape \(shape) does not hold a \(matrix.rows)×\(matrix.cols) matrix")
        var bytes = [UInt8](repeating: 0, count: matrix.count * 4)
        bytes.withUnsafeMutableBytes { out in
            let rowBytes = matrix.cols * 4
            for r in 0..<matrix.rows {
                let source = UnsafeRawBufferPointer(start: matrix.pointer + r * matrix.rowStride, count: rowBytes)
                UnsafeMutableRawBufferPointer(rebasing: out[(r * rowBytes)..<((r + 1) * rowBytes)]).copyMemory(from: source)
            }
            #if _endian(big)
            let words = out.bindMemory(to: UInt32.self)
            for i in words.indices { words[i] = words[i].littleEndian }
            #endif
        }
        self.init(dtype: .float32, shape: shape, bytes: bytes)
    }

    /// The values as `Float`, row-major, for F32, F16, BF16 and F64 tensors (F64 rounds to
    /// nearest); nil for other dtypes.
    public func floatValues() -> [Float]? {
        switch dtype {
        case .float32: return littleEndianIntegers(UInt32.self).map(Float.init(bitPattern:))
        case .float16: return littleEndianIntegers(UInt16.self).map(floatFromHalf)
        case .bfloat16: return littleEndianIntegers(UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }
        case .float64: return littleEndianIntegers(UInt64.self).map { Float(Double(bitPattern: $0)) }
        default: return nil
        }
    }

    /// The values as `Int64`, row-major, for integer and BOOL tensors; nil for other dtypes
    /// and for U64 values above `Int64.max`.
    public func integerValues() -> [Int64]? {
        switch dtype {
        case .bool, .uint8: return bytes.map { Int64($0) }
        case .int8: return bytes.map { Int64(Int8(bitPattern: $0)) }
        case .int16: return littleEndianIntegers(Int16.self).map(Int64.init)
        case .uint16: return littleEndianIntegers(UInt16.self).map(Int64.init)
        case .int32: return littleEndianIntegers(Int32.self).map(Int64.init)
        case .uint32: return littleEndianIntegers(UInt32.self).map(Int64.init)
        case .int64: return littleEndianIntegers(Int64.self)
        case .uint64:
            let values = littleEndianIntegers(UInt64.self)
            guard values.allSatisfy({ $0 <= UInt64(Int64.max) }) else { return nil }
            return values.map { Int64($0) }
        default: return nil
        }
    }

    /// A new contiguous matrix of the values: shape `[a, b, c…]` becomes `a × (b·c…)`, `[n]`
    /// becomes `1 × n`, a scalar `1 × 1`. Nil for non-float dtypes.
    public func matrixValue() -> Matrix? {
        guard let values = floatValues() else { return nil }
        let rows = shape.count >= 2 ? shape[0] : 1
        let cols = shape.count >= 2 ? shape.dropFirst().reduce(1, *) : (shape.first ?? 1)
        return Matrix(rows: rows, cols: cols, values: values)
    }

    /// The bytes reinterpreted as little-endian `T`s.
    private func littleEndianIntegers<T: FixedWidthInteger>(_: T.Type) -> [T] {
        var out = [T](repeating: 0, count: bytes.count / MemoryLayout<T>.size)
        out.withUnsafeMutableBytes { dst in bytes.withUnsafeBytes { src in dst.copyMemory(from: src) } }
        #if _endian(big)
        for i in out.indices { out[i] = T(littleEndian: out[i]) }
        #endif
        return out
    }
}

private func littleEndianBytes<T: FixedWidthInteger>(of values: [T]) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: values.count * MemoryLayout<T>.size)
    bytes.withUnsafeMutableBytes { dst in
        values.map(\.littleEndian).withUnsafeBytes { src in dst.copyMemory(from: src) }
    }
    return bytes
}

/// IEEE 754 binary16 → binary32, exactly (every half value is a float). Written out rather
/// than using `Float16`, which is unavailable on macOS on Intel.
func floatFromHalf(_ h: UInt16) -> Float {
    let sign = UInt32(h >> 15) << 31
    let exponent = UInt32(h >> 10) & 0x1F
    let mantissa = UInt32(h) & 0x3FF
    switch exponent {
    case 0:
        // Zero or subnormal: mantissa · 2⁻²⁴, exact in binary32.
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    case 0x1F:
        // Infinity or NaN (payload kept).
        return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    default:
        return Float(bitPattern: sign | (exponent + 127 - 15) << 23 | mantissa << 13)
    }
}

extension SafeTensors {
    /// Stores `floats` as an F32 tensor under PyTorch shape `shape`, replacing any tensor named `name`.
    public mutating func put(_ name: String, floats: [Float], shape: [Int]) {
        self[name] = Tensor(floats: floats, shape: shape)
    }

    /// Stores `matrix` as an F32 tensor under PyTorch shape `shape` (default `[rows, cols]`).
    public mutating func put(_ name: String, matrix: Matrix, shape: [Int]? = nil) {
        self[name] = Tensor(matrix: matrix, shape: shape)
    }

    /// Stores `values` as an I64 tensor.
    public mutating func put(_ name: String, int64s: [Int64], shape: [Int]) {
        self[name] = Tensor(int64s: int64s, shape: shape)
    }

    /// Stores `values` as an I32 tensor.
    public mutating func put(_ name: String, int32s: [Int32], shape: [Int]) {
        self[name] = Tensor(int32s: int32s, shape: shape)
    }

    /// Stores a parameter's value under its name and PyTorch shape, as F32.
    public mutating func put(_ parameter: Parameter) {
        put(parameter.name, matrix: parameter.value, shape: parameter.shape)
    }

    /// The float values of tensor `name` (F32, F16, BF16 or F64), checking its shape when
    /// `shape` is given.
    public func floats(_ name: String, shape: [Int]? = nil) throws(SafeTensorsError) -> [Float] {
        let t = try tensor(name, shape: shape)
        guard let values = t.floatValues() else { throw wrongDType(name, t, wanted: "floating-point values") }
        return values
    }

    /// The integer values of tensor `name` (any integer dtype or BOOL) as `Int64`, checking
    /// its shape when `shape` is given.
    public func int64s(_ name: String, shape: [Int]? = nil) throws(SafeTensorsError) -> [Int64] {
        let t = try tensor(name, shape: shape)
        guard t.dtype.isInteger else { throw wrongDType(name, t, wanted: "integers") }
        guard let values = t.integerValues() else {
            throw SafeTensorsError(file: origin, problem: .valueOutOfRange(name: name))
        }
        return values
    }

    /// Tensor `name` as a new matrix (see ``Tensor/matrixValue()`` for how shapes map),
    /// checking its shape when `shape` is given.
    public func matrix(_ name: String, shape: [Int]? = nil) throws(SafeTensorsError) -> Matrix {
        let t = try tensor(name, shape: shape)
        guard let m = t.matrixValue() else { throw wrongDType(name, t, wanted: "floating-point values") }
        return m
    }

    /// Copies tensor `name`, which must have exactly PyTorch shape `shape`, into `matrix`
    /// (any view with `shape`'s element count, e.g. a parameter inside a flat allocation).
    public func load(_ name: String, into matrix: Matrix, shape: [Int]) throws(SafeTensorsError) {
        precondition(shape.reduce(1, *) == matrix.count,
                     "shape \(shape) does not fit a \(matrix.rows)×\(matrix.cols) matrix")
        let values = try floats(name, shape: shape)
        var i = 0
        matrix.forEachRow { _, row in
            for c in row.indices { row[c] = values[i]; i += 1 }
        }
    }

    /// Copies the tensor named like `parameter` into its value, checking the PyTorch shape.
    public func load(into parameter: Parameter) throws(SafeTensorsError) {
        try load(parameter.name, into: parameter.value, shape: parameter.shape)
    }

    private func tensor(_ name: String, shape: [Int]?) throws(SafeTensorsError) -> Tensor {
        let t = try tensor(name)
        if let shape, shape != t.shape {
            throw SafeTensorsError(file: origin, problem: .shapeMismatch(name: name, expected: shape, found: t.shape))
        }
        return t
    }

    private func wrongDType(_ name: String, _ t: Tensor, wanted: String) -> SafeTensorsError {
        SafeTensorsError(file: origin, problem: .wrongDType(name: name, found: t.dtype.rawValue, wanted: wanted))
    }
}
