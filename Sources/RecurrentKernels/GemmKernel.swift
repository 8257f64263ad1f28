import CKernels

/// The GEMM micro-kernel families, chosen at run time from what the CPU supports.
///
/// The default is the fastest supported one (``best``), unless the environment variable
/// `RECURRENT_GEMM_KERNEL` names another supported one (`portable`, `avx2`, `avx512`, `neon`);
/// ``current`` changes it for the whole process. Every path computes the same product up to
/// rounding, so tests run each of ``available`` against the reference.
public enum GemmKernel: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Plain C, vectorised by the compiler for the baseline ISA; runs everywhere.
    case portable
    /// x86-64 with AVX2 and FMA.
    case avx2
    /// x86-64 with AVX-512F.
    case avx512
    /// arm64 Advanced SIMD.
    case neon

    var code: Int32 {
        switch self {
        case .portable: Int32(RK_KERNEL_PORTABLE)
        case .avx2: Int32(RK_KERNEL_AVX2)
        case .avx512: Int32(RK_KERNEL_AVX512)
        case .neon: Int32(RK_KERNEL_NEON)
        }
    }

    init(code: Int32) {
        switch code {
        case Int32(RK_KERNEL_AVX2): self = .avx2
        case Int32(RK_KERNEL_AVX512): self = .avx512
        case Int32(RK_KERNEL_NEON): self = .neon
        default: self = .portable
        }
    }

    public var description: String { rawValue }

    /// Whether this build and this CPU can run the kernel.
    public var isSupported: Bool { rk_gemm_kernel_supported(code) != 0 }

    /// The kernels this machine supports, portable first.
    public static var available: [GemmKernel] { allCases.filter(\.isSupported) }

    /// The fastest supported kernel (what ``current`` is unless overridden).
    public static var best: GemmKernel { GemmKernel(code: rk_gemm_kernel_best()) }

    /// The kernel named by `RECURRENT_GEMM_KERNEL`, if it is set to a kernel's name.
    public static var environmentOverride: GemmKernel? {
        let code = rk_gemm_kernel_from_environment()
        return code < 0 ? nil : GemmKernel(code: code)
    }

    /// The kernel ``gemm(_:_:_:_:_:alpha:beta:)`` uses, for the whole process.
    /// Setting an unsupported kernel is a programmer error: check ``isSupported`` first.
    public static var current: GemmKernel {
        get { GemmKernel(code: rk_gemm_kernel_current()) }
        set {
            precondition(newValue.isSupported,
                         "GEMM kernel \(newValue) is not supported here; available: \(available)")
            _ = rk_gemm_set_kernel(newValue.code)
        }
    }

    /// Rows × columns of C one micro-kernel call computes; packed panels are `columns` wide.
    public var tile: (rows: Int, columns: Int) {
        precondition(isSupported, "GEMM kernel \(self) is not supported here")
        return (Int(rk_gemm_kernel_mr(code)), Int(rk_gemm_kernel_nr(code)))
    }

    /// The cache blocking the driver uses with this kernel on this thread: mc rows of A packed
    /// at once, K blocks kc deep, nc columns of B per packed block — the kernel's fixed
    /// blocking, or the thread's override (`GemmBlocking.withThreadBlocking`).
    public var blocking: (mc: Int, kc: Int, nc: Int) {
        precondition(isSupported, "GEMM kernel \(self) is not supported here")
        var mc = 0, kc = 0, nc = 0
        _ = rk_gemm_kernel_blocking(code, &mc, &kc, &nc)
        return (mc, kc, nc)
    }

    /// The blocking the analytical model derives for this kernel from the machine's caches
    /// (`GemmBlocking.derived`): reported by `bench`, not yet in force (it was slower on Zen 4).
    public var derivedBlocking: GemmBlocking {
        precondition(isSupported, "GEMM kernel \(self) is not supported here")
        var mc = 0, kc = 0, nc = 0
        _ = rk_gemm_kernel_derived_blocking(code, &mc, &kc, &nc)
        return GemmBlocking(mc: mc, kc: kc, nc: nc)
    }
}
