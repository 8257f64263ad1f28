import CVectorMath

/// An instruction-set path of the vector-math kernels (`exp`, `sigmoid`, `tanh`, the fused
/// recurrent-cell epilogues, softmax and cross-entropy), chosen at run time like the GEMM.
///
/// Every path computes the same functions with the same algorithms (a Cody-Waite reduced
/// polynomial `exp`, and `sigmoid`/`tanh` built on it); they differ only in vector width and
/// in fused versus separate multiply-add, so results agree to a few ulp across paths.
public enum VectorMathKernel: Int32, CaseIterable, Sendable, CustomStringConvertible {
    /// Generic 4-lane C vectors (SSE2 on x86-64, Advanced SIMD on arm64), no FMA.
    case portable = 0
    /// x86-64 AVX2 + FMA, 8 lanes.
    case avx2 = 1
    /// x86-64 AVX-512F, 16 lanes.
    case avx512 = 2
    /// arm64 Advanced SIMD, 4 lanes.
    case neon = 3

    /// Whether this path is compiled in and the CPU can run it.
    public var isSupported: Bool { rk_vm_path_supported(rawValue) != 0 }

    /// Elements per vector on this path.
    public var lanes: Int { Int(rk_vm_path_width(rawValue)) }

    /// Every path this machine can run, portable first.
    public static var supported: [VectorMathKernel] { allCases.filter(\.isSupported) }

    /// The fastest supported path.
    public static var best: VectorMathKernel { VectorMathKernel(rawValue: rk_vm_path_best()) ?? .portable }

    /// The path used when a kernel is called without one: `RECURRENT_VMATH_KERNEL` (else
    /// `RECURRENT_GEMM_KERNEL`) = `portable|avx2|avx512|neon` when set and supported, else
    /// `best`, unless changed by `select(_:)`.
    public static var current: VectorMathKernel { VectorMathKernel(rawValue: rk_vm_path_current()) ?? .portable }

    /// Makes `kernel` the current path; returns false (and changes nothing) if unsupported.
    @discardableResult
    public static func select(_ kernel: VectorMathKernel) -> Bool { rk_vm_set_path(kernel.rawValue) == 0 }

    public var description: String {
        switch self {
        case .portable: "portable"
        case .avx2: "avx2"
        case .avx512: "avx512"
        case .neon: "neon"
        }
    }
}

/// Vectorised elementwise math for the recurrent layers, backed by the `CVectorMath` kernels.
///
/// Functions take outputs first, then inputs (as llm.c). Each takes an optional `kernel`:
/// `nil` runs `VectorMathKernel.current`; tests pass each supported path explicitly.
/// Outputs may be the same view as the inputs they are computed from (in place), as stated
/// per function; partially overlapping views are not allowed. All kernels run on the calling
/// thread.
///
/// Accuracy against Double over every 97th float of both signs, on every x86 path (the tests
/// check every 4093rd float against bounds of 2, 3 and 2 ulp): `exp` within 1.00 ulp
/// (relative 8.3e-8) wherever the result is a normal float, `sigmoid` within 2.28 ulp
/// (1.7e-7), `tanh` within 1.50 ulp (1.5e-7). Subnormal results of `exp` are rounded, not
/// flushed. Infinite and huge inputs give the limits (exp: +inf and 0; sigmoid: 1 and 0;
/// tanh: ±1) and never NaN; NaN in gives NaN out.
public enum VectorMath {
    /// The C path number for `kernel` (−1: the current path).
    @usableFromInline
    static func path(_ kernel: VectorMathKernel?) -> Int32 {
        guard let kernel else { return -1 }
        precondition(kernel.isSupported, "VectorMath: the \(kernel) path is not supported on this CPU")
        return kernel.rawValue
    }

    // MARK: - Elementwise, pointers

    /// y[k] = eˣ⁽ᵏ⁾ for k < count. `y` may equal `x`.
    public static func exp(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int,
                           kernel: VectorMathKernel? = nil) {
        rk_vm_exp(path(kernel), count, x, y)
    }

    /// y[k] = σ(x[k]) = 1 / (1 + e^(−x[k])). `y` may equal `x`.
    public static func sigmoid(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int,
                               kernel: VectorMathKernel? = nil) {
        rk_vm_sigmoid(path(kernel), count, x, y)
    }

    /// y[k] = tanh(x[k]). `y` may equal `x`.
    public static func tanh(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int,
                            kernel: VectorMathKernel? = nil) {
        rk_vm_tanh(path(kernel), count, x, y)
    }

    // MARK: - Elementwise, matrices

    /// y = eˣ elementwise; y and x have the same shape (any strides). `y` may be `x`.
    public static func exp(_ y: Matrix, _ x: Matrix, kernel: VectorMathKernel? = nil) {
        elementwise(y, x, kernel, "exp", rk_vm_exp)
    }

    /// y = σ(x) elementwise; y and x have the same shape (any strides). `y` may be `x`.
    public static func sigmoid(_ y: Matrix, _ x: Matrix, kernel: VectorMathKernel? = nil) {
        elementwise(y, x, kernel, "sigmoid", rk_vm_sigmoid)
    }

    /// y = tanh(x) elementwise; y and x have the same shape (any strides). `y` may be `x`.
    public static func tanh(_ y: Matrix, _ x: Matrix, kernel: VectorMathKernel? = nil) {
        elementwise(y, x, kernel, "tanh", rk_vm_tanh)
    }

    private static func elementwise(_ y: Matrix, _ x: Matrix, _ kernel: VectorMathKernel?, _ name: String,
                                    _ f: (Int32, Int, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void) {
        precondition(y.rows == x.rows && y.cols == x.cols,
                     "VectorMath.\(name): output \(y.rows)×\(y.cols) for input \(x.rows)×\(x.cols)")
        let p = path(kernel)
        if x.isContiguous && y.isContiguous {
            f(p, x.count, x.pointer, y.pointer)
        } else {
            for r in 0..<x.rows { f(p, x.cols, x.pointer + r * x.rowStride, y.pointer + r * y.rowStride) }
        }
    }
}
