import Testing
@testable import RecurrentKernels

/// The blocking derived from cache sizes (Low et al. 2016, `GemmBlocking`), and the driver's
/// results under blockings other than the one in force.
@Suite struct GemmBlockingTests {
    typealias Cache = GemmBlocking.Cache
    static let kib = 1024, mib = 1024 * 1024
    static let fixed = GemmBlocking(mc: 1536, kc: 384, nc: 480)

    /// AMD Zen 4 (this project's machine): L1d 32 KiB 8-way, L2 1 MiB 8-way, L3 32 MiB 16-way
    /// shared by the 2 CPUs. AVX-512 tile 12 × 32: the B micro-panel gets ⌊7/(1 + 12/32)⌋ = 5
    /// of the 4 KiB ways, kc = 5·4096/128 = 160; B̃ gets 8 − 1 − 1 ways of 128 KiB, nc =
    /// ⌊6·131072/640⌋ = 1228 → 1216; Ã gets 16 − 1 − 1 ways of 2 MiB over 2 CPUs, mc = 22,932.
    @Test func zen4() {
        let b = GemmBlocking.derived(l1d: Cache(bytes: 32 * Self.kib, ways: 8), l2: Cache(bytes: Self.mib, ways: 8),
                                     l3: Cache(bytes: 32 * Self.mib, ways: 16, sharing: 2),
                                     tile: (12, 32), fallback: Self.fixed)
        #expect(b == GemmBlocking(mc: 22_932, kc: 160, nc: 1216))
        // AVX2's 6 × 16 tile: the same share of L1 for a tile half as wide, so twice as deep.
        let avx2 = GemmBlocking.derived(l1d: Cache(bytes: 32 * Self.kib, ways: 8), l2: Cache(bytes: Self.mib, ways: 8),
                                        l3: Cache(bytes: 32 * Self.mib, ways: 16, sharing: 2),
                                        tile: (6, 16), fallback: Self.fixed)
        #expect(avx2 == GemmBlocking(mc: 11_466, kc: 320, nc: 608))
    }

    /// Intel Xeon (Sapphire Rapids): L1d 48 KiB 12-way, L2 2 MiB 16-way, L3 105 MiB 15-way.
    /// ⌊11/(1 + 12/32)⌋ = 8 ways of 4 KiB: kc = 256; 14 ways of 128 KiB: nc = 1792.
    @Test func intelWithTheLargerL2() {
        let b = GemmBlocking.derived(l1d: Cache(bytes: 48 * Self.kib, ways: 12), l2: Cache(bytes: 2 * Self.mib, ways: 16),
                                     l3: Cache(bytes: 105 * Self.mib, ways: 15, sharing: 2),
                                     tile: (12, 32), fallback: Self.fixed)
        #expect(b == GemmBlocking(mc: 46_584, kc: 256, nc: 1792))
    }

    /// Apple M-series as sysctl reports it: L1d 128 KiB, L2 16 MiB for a cluster of 4, no
    /// associativity (8 ways assumed), no L3 (mc keeps its fallback). NEON tile 8 × 12:
    /// ⌊7/(1 + 8/12)⌋ = 4 ways of 16 KiB, kc = 4·16384/48 = 1365; B̃ in 6 of 8 ways of 2 MiB
    /// over 4 cores, nc = ⌊3·2 MiB/5460⌋ = 576.
    @Test func appleWithoutL3() {
        let b = GemmBlocking.derived(l1d: Cache(bytes: 128 * Self.kib), l2: Cache(bytes: 16 * Self.mib, sharing: 4),
                                     l3: nil, tile: (8, 12), fallback: Self.fixed)
        #expect(b == GemmBlocking(mc: 1536, kc: 1365, nc: 576))
    }

    /// Nothing reported, or caches too small or too simple for the model: the fixed blocking.
    @Test func unknownCachesKeepTheFallback() {
        #expect(GemmBlocking.derived(l1d: nil, l2: nil, l3: nil, tile: (12, 32), fallback: Self.fixed) == Self.fixed)
        let direct = GemmBlocking.derived(l1d: Cache(bytes: 32 * Self.kib, ways: 1), l2: Cache(bytes: 0),
                                          l3: Cache(bytes: 4 * Self.kib, ways: 4), tile: (12, 32), fallback: Self.fixed)
        #expect(direct == Self.fixed)
        // Only L2 known: nc from it, with the fallback kc.
        let l2Only = GemmBlocking.derived(l1d: nil, l2: Cache(bytes: Self.mib, ways: 8), l3: nil,
                                          tile: (12, 32), fallback: Self.fixed)
        #expect(l2Only == GemmBlocking(mc: 1536, kc: 384, nc: 512))
    }

    /// The blocking in force and the one derived from what the machine reports are usable:
    /// whole tiles, positive.
    @Test(arguments: GemmKernel.available)
    func inForceAndDerivedAreWholeTiles(kernel: GemmKernel) {
        let tile = kernel.tile, inForce = kernel.blocking, derived = kernel.derivedBlocking
        for b in [GemmBlocking(mc: inForce.mc, kc: inForce.kc, nc: inForce.nc), derived] {
            #expect(b.kc >= 16 && b.mc >= tile.rows && b.nc >= tile.columns)
            #expect(b.mc % tile.rows == 0 && b.nc % tile.columns == 0)
        }
    }

    /// Small blocks force many row, K and column blocks (and ragged last ones) through every
    /// path — shared packed A, per-task packing, pre-packed B — on every kernel: still the
    /// product, within the reference's bound.
    @Test(arguments: GemmKernel.available, [GemmBlocking(mc: 24, kc: 40, nc: 64), GemmBlocking(mc: 100, kc: 17, nc: 33)])
    func anyBlockingGivesTheProduct(kernel: GemmKernel, blocking: GemmBlocking) throws {
        var rng = RandomGenerator(seed: 21)
        let suite = GemmTests(), inForce = kernel.blocking
        try GemmBlocking.withThreadBlocking(blocking) {
            let b = kernel.blocking, tile = kernel.tile
            #expect(b.kc == blocking.kc && b.mc % tile.rows == 0 && b.nc % tile.columns == 0)
            for (i, (m, n, k)) in [(130, 70, 90), (37, 300, 129), (300, 45, 61)].enumerated() {
                let (ta, tb) = GemmTestSupport.transposes[i % 4]
                for threads in [1, 2] {
                    try suite.check(m, n, k, ta, tb, alpha: 1, beta: i % 2 == 0 ? 0 : 0.5, strided: i == 1,
                                    kernel: kernel, threads: threads, &rng)
                }
            }
            let a = GemmTestSupport.random(90, 200, strided: false, &rng), w = GemmTestSupport.random(150, 200, strided: false, &rng)
            let viaPacked = Matrix(rows: 90, cols: 150), direct = Matrix(rows: 90, cols: 150)
            gemm(viaPacked, a, .none, PackedMatrix(w, .transposed, kernel: kernel), threads: 2)
            gemm(direct, a, .none, w, .transposed, kernel: kernel, threads: 2)
            #expect(viaPacked.toArray() == direct.toArray())
        }
        let after = kernel.blocking
        #expect(after.mc == inForce.mc && after.kc == inForce.kc && after.nc == inForce.nc)
    }
}
