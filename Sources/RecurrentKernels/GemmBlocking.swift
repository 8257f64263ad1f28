import CKernels

/// The GEMM cache blocking: mc rows of A packed at once, K blocks kc deep, nc columns of B per
/// packed block. `GemmKernel.derivedBlocking` is what the analytical model of Low et al. 2016
/// gives from the caches the machine reports (`Sources/CKernels/gemm_blocking.c`); the driver
/// still runs each kernel's fixed blocking, which was faster on Zen 4 (docs/performance.md):
///
///     kc = ⌊(W₁ − 1)/(1 + MR/NR)⌋ · (L1 way) / (4 NR)     a B micro-panel streams past Ã's (L1)
///     nc = (W₂ − 1 − ways of Ã's micro-panel) · (L2 way) / (sharing CPUs · 4 kc)   B̃ in L2
///     mc = (W₃ − 1 − ways of B̃) · (L3 way) / (sharing CPUs · 4 kc)      Ã stays in L3
///
/// A level the machine does not report keeps the kernel's fixed value for its block.
public struct GemmBlocking: Equatable, Sendable, CustomStringConvertible {
    public var mc: Int, kc: Int, nc: Int

    public init(mc: Int, kc: Int, nc: Int) {
        self.mc = mc
        self.kc = kc
        self.nc = nc
    }

    public var description: String { "mc \(mc), kc \(kc), nc \(nc)" }

    /// One cache level: bytes, ways (0: unknown, taken as 8) and the logical CPUs sharing it.
    public struct Cache: Sendable {
        public var bytes: Int, ways: Int, sharing: Int
        public init(bytes: Int, ways: Int = 0, sharing: Int = 1) {
            self.bytes = bytes
            self.ways = ways
            self.sharing = sharing
        }
        var level: rk_cache_level { rk_cache_level(size: bytes, ways: ways, sharing: sharing) }
    }

    /// The blocking the model gives for a micro-tile of `tile` with these caches (nil: not
    /// reported), `fallback` for the blocks whose cache is unknown.
    public static func derived(l1d: Cache?, l2: Cache?, l3: Cache?, tile: (rows: Int, columns: Int),
                               fallback: GemmBlocking) -> GemmBlocking {
        let none = rk_cache_level(size: 0, ways: 0, sharing: 0)
        var caches = rk_cache_hierarchy(l1d: l1d?.level ?? none, l2: l2?.level ?? none, l3: l3?.level ?? none)
        var mc = 0, kc = 0, nc = 0
        rk_gemm_derive_blocking(&caches, Int32(tile.rows), Int32(tile.columns), fallback.mc, fallback.kc,
                                fallback.nc, &mc, &kc, &nc)
        return GemmBlocking(mc: mc, kc: kc, nc: nc)
    }

    /// Runs `body` with the GEMMs it calls on this thread blocked as `blocking` (mc and nc
    /// rounded up to whole tiles): tests of the driver under other blockings, and
    /// `bench gemm --blocking`. Never a tuning knob for a machine.
    public static func withThreadBlocking<R>(_ blocking: GemmBlocking, _ body: () throws -> R) rethrows -> R {
        rk_gemm_set_thread_blocking(blocking.mc, blocking.kc, blocking.nc)
        defer { rk_gemm_set_thread_blocking(0, 0, 0) }
        return try body()
    }
}
