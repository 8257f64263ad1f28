import Testing
@testable import RecurrentKernels

/// Every kernel path this machine supports, with 1 and 2 threads, against the naive reference.
@Suite struct GemmTests {
    typealias S = GemmTestSupport

    /// Sizes: the 1, 3, 7, 17, 33, 1000 plus sizes around the tiles (MR 6/8/12,
    /// NR 8/12/16/32) that leave partial tiles, and K around the kernels' K blocks.
    static let sizes = [1, 2, 3, 5, 7, 11, 12, 13, 17, 31, 32, 33, 47, 50, 65, 100, 1000]

    @Test(arguments: GemmKernel.available, [1, 2])
    func matchesReferenceOnRandomShapes(kernel: GemmKernel, threads: Int) throws {
        var rng = RandomGenerator(seed: 1000 + UInt64(kernel.code) * 10 + UInt64(threads))
        var cases = 0
        while cases < 40 {
            let m = Self.sizes[rng.integer(below: Self.sizes.count)]
            let n = Self.sizes[rng.integer(below: Self.sizes.count)]
            let k = Self.sizes[rng.integer(below: Self.sizes.count)]
            if m * n * k > 2_000_000 { continue }  // keep the Double reference quick in debug
            let (ta, tb) = S.transposes[cases % 4]
            let alpha: Float = [1, -0.5, 2.25][rng.integer(below: 3)]
            let beta: Float = [0, 1, 0.75][rng.integer(below: 3)]
            try check(m, n, k, ta, tb, alpha: alpha, beta: beta, strided: rng.integer(below: 2) == 1,
                      kernel: kernel, threads: threads, &rng)
            cases += 1
        }
    }

    /// 1000 in each position, K deep enough to cross several K blocks (kc is a few hundred),
    /// and a tall M with a shared packed A. (Many row, K and column blocks, whatever the
    /// caches: GemmBlockingTests.anyBlockingGivesTheProduct.)
    @Test(arguments: GemmKernel.available, [1, 2])
    func largeDimensions(kernel: GemmKernel, threads: Int) throws {
        var rng = RandomGenerator(seed: 7)
        for (i, (m, n, k)) in [(1000, 33, 17), (7, 1000, 33), (17, 3, 1000), (65, 130, 1000), (1600, 40, 300)].enumerated() {
            let (ta, tb) = S.transposes[i % 4]
            try check(m, n, k, ta, tb, alpha: 1, beta: i % 2 == 0 ? 0 : 1, strided: i == 3,
                      kernel: kernel, threads: threads, &rng)
        }
    }

    /// The LSTM shapes: h(t)·W_hhᵀ for a batch of 50 and for sampling one sequence.
    @Test(arguments: GemmKernel.available)
    func recurrentShapes(kernel: GemmKernel) throws {
        var rng = RandomGenerator(seed: 11)
        try check(50, 2048, 512, .none, .transposed, alpha: 1, beta: 1, strided: false,
                  kernel: kernel, threads: 2, &rng)
        try check(1, 2048, 512, .none, .transposed, alpha: 1, beta: 0, strided: false,
                  kernel: kernel, threads: 2, &rng)
    }

    func check(_ m: Int, _ n: Int, _ k: Int, _ ta: Transpose, _ tb: Transpose, alpha: Float,
               beta: Float, strided: Bool, kernel: GemmKernel, threads: Int,
               _ rng: inout RandomGenerator) throws {
        let (ar, ac) = S.shape(ta, m, k), (br, bc) = S.shape(tb, k, n)
        let a = S.random(ar, ac, strided: strided, &rng)
        let b = S.random(br, bc, strided: strided, &rng)
        let c = S.random(m, n, strided: strided, &rng)
        if beta == 0 { c.fill(.nan) }  // beta = 0 must not read c
        let c0 = c.copy()
        let reference = c.copy()
        gemmReference(reference, a, ta, b, tb, alpha: alpha, beta: beta)
        gemm(c, a, ta, b, tb, alpha: alpha, beta: beta, kernel: kernel, threads: threads)
        let ratio = S.worstErrorRatio(result: c, reference: reference, a: a, ta, b: b, tb, c0: c0,
                                      alpha: alpha, beta: beta)
        #expect(ratio <= 1, "\(kernel) ×\(threads) \(m)×\(n)×\(k) \(ta)/\(tb) α=\(alpha) β=\(beta) strided=\(strided): error/bound \(ratio)")
        if strided { #expect(S.paddingIntact(c), "wrote outside the view of c") }
    }

    @Test(arguments: GemmKernel.available)
    func packedMatchesUnpacked(kernel: GemmKernel) throws {
        var rng = RandomGenerator(seed: 21)
        for (m, n, k) in [(1, 1, 1), (3, 33, 17), (50, 200, 64), (13, 65, 700), (64, 31, 5)] {
            for tb in [Transpose.none, .transposed] {
                for ta in [Transpose.none, .transposed] {
                    let (ar, ac) = S.shape(ta, m, k), (br, bc) = S.shape(tb, k, n)
                    let a = S.random(ar, ac, strided: true, &rng), b = S.random(br, bc, strided: true, &rng)
                    let packed = PackedMatrix(b, tb, kernel: kernel)
                    #expect(packed.rows == k && packed.cols == n)
                    for threads in [1, 2] {
                        let viaPacked = S.random(m, n, strided: true, &rng)
                        let direct = viaPacked.copy()
                        gemm(viaPacked, a, ta, packed, alpha: 0.5, beta: 1, threads: threads)
                        gemm(direct, a, ta, b, tb, alpha: 0.5, beta: 1, kernel: kernel, threads: threads)
                        // Same kernel, same K blocking, each element computed by one thread in
                        // the same order: the results are identical, not merely close.
                        #expect(viaPacked.toArray() == direct.toArray(), "\(kernel) \(m)×\(n)×\(k) \(ta)/\(tb) ×\(threads)")
                        #expect(S.paddingIntact(viaPacked))
                    }
                }
            }
        }
    }

    @Test(arguments: GemmKernel.available)
    func repackReusesTheBufferAndTracksNewWeights(kernel: GemmKernel) {
        var rng = RandomGenerator(seed: 31)
        let w1 = S.random(96, 40, &rng), w2 = S.random(96, 40, &rng)  // (N, K), used transposed
        let h = S.random(5, 40, &rng)
        let packed = PackedMatrix(w1, .transposed, kernel: kernel)
        let before = packed.pointer
        packed.pack(w2, .transposed)
        #expect(packed.pointer == before)
        let got = Matrix(rows: 5, cols: 96), want = Matrix(rows: 5, cols: 96)
        gemm(got, h, packed)
        gemm(want, h, .none, w2, .transposed, kernel: kernel, threads: 1)
        #expect(got.toArray() == want.toArray())
    }

    @Test func resultDoesNotDependOnThreadCount() {
        var rng = RandomGenerator(seed: 41)
        let a = S.random(77, 300, &rng), b = S.random(300, 123, &rng)
        let results = [1, 2, 3].map { threads in
            let c = Matrix(rows: 77, cols: 123)
            gemm(c, a, .none, b, .none, kernel: nil, threads: threads)
            return c.toArray()
        }
        #expect(results[0] == results[1] && results[1] == results[2])
    }

    @Test func emptyAndDegenerateShapes() {
        for kernel in GemmKernel.available {
            // K = 0: c = beta · c; beta = 0 clears even NaN.
            let c = Matrix(rows: 3, cols: 4)
            c.fill(2)
            gemm(c, Matrix(rows: 3, cols: 0), .none, Matrix(rows: 0, cols: 4), .none, beta: 0.5, kernel: kernel, threads: 2)
            #expect(c.toArray().allSatisfy { $0 == 1 })
            c.fill(.nan)
            gemm(c, Matrix(rows: 3, cols: 0), .none, Matrix(rows: 0, cols: 4), .none, beta: 0, kernel: kernel, threads: 1)
            #expect(c.toArray().allSatisfy { $0 == 0 })
            // alpha = 0 does not read a or b (NaN there does not propagate).
            let nanA = Matrix(rows: 3, cols: 5), nanB = Matrix(rows: 5, cols: 4)
            nanA.fill(.nan); nanB.fill(.nan)
            c.fill(4)
            gemm(c, nanA, .none, nanB, .none, alpha: 0, beta: 0.25, kernel: kernel, threads: 2)
            #expect(c.toArray().allSatisfy { $0 == 1 })
            // M = 0 or N = 0: nothing to do.
            gemm(Matrix(rows: 0, cols: 4), Matrix(rows: 0, cols: 5), .none, nanB, .none, kernel: kernel, threads: 2)
            gemm(Matrix(rows: 3, cols: 0), nanA, .none, Matrix(rows: 5, cols: 0), .none, kernel: kernel, threads: 2)
        }
    }

    @Test func disjointColumnViewsOfOneBufferMayBeCombined() {
        // A GRU-style layout: read columns 0..<8 and write columns 8..<12 of the same buffer.
        var rng = RandomGenerator(seed: 51)
        let buffer = S.random(6, 12, &rng)
        let a = buffer.columns(0..<8), c = buffer.columns(8..<12)
        let b = S.random(8, 4, &rng)
        let want = Matrix(rows: 6, cols: 4)
        gemmReference(want, a.copy(), .none, b, .none)
        gemm(c, a, .none, b, .none)
        for i in 0..<6 { for j in 0..<4 { #expect(abs(c[i, j] - want[i, j]) <= 1e-5) } }
        #expect(!c.overlaps(a) && c.overlaps(buffer) && buffer.row(2).overlaps(c) && !buffer.row(2).columns(0..<8).overlaps(c))
    }

    @Test func concurrentCallersShareThePoolSafely() async {
        // Several tasks call gemm at once: one gets the pool, the others run on their own
        // thread; all must be right.
        var rng = RandomGenerator(seed: 61)
        let a = S.random(40, 64, &rng), b = S.random(64, 96, &rng)
        let want = Matrix(rows: 40, cols: 96)
        gemmReference(want, a, .none, b, .none)
        let expected = want.toArray()
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<20).allSatisfy { _ in
                        let c = Matrix(rows: 40, cols: 96)
                        gemm(c, a, .none, b, .none, kernel: nil, threads: 2)
                        return zip(c.toArray(), expected).allSatisfy { abs($0 - $1) <= 1e-4 }
                    }
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}

/// Process-wide settings: serialized so one test's change does not race another's read.
@Suite(.serialized) struct GemmConfigurationTests {
    @Test func kernelSelection() {
        let available = GemmKernel.available
        #expect(available.contains(.portable))
        #expect(available.contains(GemmKernel.best))
        #expect(GemmKernel.best != .portable || available == [.portable])
        let saved = GemmKernel.current
        defer { GemmKernel.current = saved }
        for kernel in available {
            GemmKernel.current = kernel
            #expect(GemmKernel.current == kernel)
            let tile = kernel.tile
            #expect(tile.rows >= 1 && tile.columns >= 4)
            // The default path now runs this kernel; its result must still be right.
            let a = Matrix(rows: 2, cols: 3, values: [1, 2, 3, 4, 5, 6])
            let b = Matrix(rows: 3, cols: 2, values: [1, 0, 0, 1, 1, 1])
            let c = Matrix(rows: 2, cols: 2)
            gemm(c, a, b)
            #expect(c.toArray() == [4, 5, 10, 11])
        }
        #if arch(x86_64)
        #expect(!GemmKernel.neon.isSupported)
        #elseif arch(arm64)
        #expect(GemmKernel.neon.isSupported && !GemmKernel.avx2.isSupported)
        #endif
    }

    @Test func threadCountAndParallelFor() {
        #expect(ThreadPool.availableCores >= 1)
        let saved = ThreadPool.threadCount
        defer { ThreadPool.threadCount = saved }
        if ThreadPool.environmentThreadCount == nil { #expect(saved == ThreadPool.availableCores) }
        ThreadPool.threadCount = 3
        #expect(ThreadPool.threadCount == 3)
        ThreadPool.threadCount = 10_000
        #expect(ThreadPool.threadCount == ThreadPool.maximumThreadCount)

        // Every index exactly once, with any thread count; nesting runs inline, no deadlock.
        for threads in [1, 2, 4] {
            let hits = Matrix(rows: 1, cols: 1000)
            ThreadPool.parallelFor(1000, threads: threads) { i in
                hits[0, i] += 1
                if i % 250 == 0 { ThreadPool.parallelFor(4) { _ in } }
            }
            #expect(hits.toArray().allSatisfy { $0 == 1 })
        }
    }
}
