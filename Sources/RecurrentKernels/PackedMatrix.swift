import CKernels

/// A right-hand GEMM operand packed once into the micro-kernel's panel layout, for many
/// multiplications: `c = alpha · op(a) · B + beta · c` with ``gemm(_:_:_:_:alpha:beta:)``.
///
/// Packing copies op(b) (K, N) into column panels as wide as the kernel's tile (K × NR floats
/// each, the last zero-padded), so each multiplication skips that copy. An LSTM packs W_hhᵀ
/// once per batch and multiplies h(t) (B, H) by it at every one of the T steps:
///
/// ```swift
/// let recurrent = PackedMatrix(weightHH, .transposed)   // W_hh (4H, H) → op = W_hhᵀ (H, 4H)
/// for t in 0..<T { gemm(gates.rows(t*B..<(t+1)*B), h, recurrent, beta: 1) }  // (B, 4H)
/// ```
///
/// After an optimizer step changes the weight, ``pack(_:_:)`` refreshes the same buffer in
/// place without allocating. A packed matrix belongs to the ``kernel`` it was packed for (the
/// layout differs between kernels) and keeps using it even if ``GemmKernel/current`` changes.
/// Not safe to re-pack while another thread multiplies by it.
public final class PackedMatrix: @unchecked Sendable {
    /// K: rows of op(b), the inner dimension of the product.
    public let rows: Int
    /// N: columns of op(b), the columns of the product.
    public let cols: Int
    /// The micro-kernel whose layout the panels follow.
    public let kernel: GemmKernel
    /// Floats in the packed buffer (`ceil(N / NR) · NR · K`).
    public let count: Int
    private let buffer: UnsafeMutablePointer<Float>

    /// An empty (all-zero) packed operand of op(b)'s shape (K, N) = (`rows`, `cols`); fill it
    /// with ``pack(_:_:)``.
    public init(rows: Int, cols: Int, kernel: GemmKernel = .current) {
        precondition(rows >= 0 && cols >= 0, "PackedMatrix shape must be non-negative, got \(rows)×\(cols)")
        precondition(kernel.isSupported, "GEMM kernel \(kernel) is not supported here")
        self.rows = rows
        self.cols = cols
        self.kernel = kernel
        count = rk_packed_b_size(kernel.code, rows, cols)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 16) * MemoryLayout<Float>.stride,
                                                   alignment: 64)
        buffer = raw.bindMemory(to: Float.self, capacity: max(count, 16))
        buffer.initialize(repeating: 0, count: max(count, 16))
    }

    /// Packs op(`b`): `b` as stored (`.none`, shape (K, N)) or its transpose (`.transposed`,
    /// `b` stored (N, K), as a PyTorch weight used in `x · Wᵀ`).
    public convenience init(_ b: Matrix, _ transpose: Transpose = .none, kernel: GemmKernel = .current) {
        let (k, n) = transpose == .none ? (b.rows, b.cols) : (b.cols, b.rows)
        self.init(rows: k, cols: n, kernel: kernel)
        pack(b, transpose)
    }

    deinit { UnsafeMutableRawPointer(buffer).deallocate() }

    /// Re-packs op(`b`), which must have this matrix's shape (K, N), into the existing buffer:
    /// no allocation, so it can follow every optimizer step.
    public func pack(_ b: Matrix, _ transpose: Transpose = .none) {
        pack(b, transpose, threads: nil)
    }

    /// ``pack(_:_:)`` on an explicit number of threads.
    package func pack(_ b: Matrix, _ transpose: Transpose = .none, threads: Int?) {
        let (k, n) = transpose == .none ? (b.rows, b.cols) : (b.cols, b.rows)
        precondition(k == rows && n == cols,
                     "PackedMatrix.pack: op(b) is \(k)×\(n), the packed matrix \(rows)×\(cols)")
        rk_pack_b(kernel.code, Int32(clamping: threads ?? 0), transpose == .none ? 0 : 1, k, n,
                  b.pointer, b.rowStride, buffer)
    }

    /// The packed floats, for kernels.
    package var pointer: UnsafePointer<Float> { UnsafePointer(buffer) }
}

/// `c = alpha · op(a) · B + beta · c` with B pre-packed: op(a) (M, K), B (K, N), c (M, N).
/// Same conventions as ``gemm(_:_:_:_:_:alpha:beta:)`` (`beta = 0` does not read `c`), run with
/// the kernel `b` was packed for.
public func gemm(_ c: Matrix, _ a: Matrix, _ transposeA: Transpose = .none, _ b: PackedMatrix,
                 alpha: Float = 1, beta: Float = 0) {
    gemm(c, a, transposeA, b, alpha: alpha, beta: beta, threads: nil)
}

/// `c = alpha · a · B + beta · c` with B pre-packed and `a` as stored.
public func gemm(_ c: Matrix, _ a: Matrix, _ b: PackedMatrix, alpha: Float = 1, beta: Float = 0) {
    gemm(c, a, .none, b, alpha: alpha, beta: beta, threads: nil)
}

/// Pre-packed ``gemm(_:_:_:_:alpha:beta:)`` on an explicit number of threads.
package func gemm(_ c: Matrix, _ a: Matrix, _ transposeA: Transpose = .none, _ b: PackedMatrix,
                  alpha: Float = 1, beta: Float = 0, threads: Int?) {
    let (m, k) = transposeA == .none ? (a.rows, a.cols) : (a.cols, a.rows)
    precondition(k == b.rows && c.rows == m && c.cols == b.cols,
                 "gemm shapes: op(a) \(m)×\(k), packed b \(b.rows)×\(b.cols), c \(c.rows)×\(c.cols)")
    precondition(!c.overlaps(a), "gemm: c must not overlap a")
    if let threads { precondition(threads >= 1, "gemm: threads must be at least 1, got \(threads)") }
    rk_sgemm_packed(b.kernel.code, Int32(clamping: threads ?? 0), transposeA == .none ? 0 : 1,
                    m, b.cols, k, alpha, a.pointer, a.rowStride, b.pointer, beta, c.pointer,
                    c.rowStride)
}
