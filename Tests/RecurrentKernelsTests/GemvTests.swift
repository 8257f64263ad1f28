import Testing
@testable import RecurrentKernels

/// The single-row GEMM x (1, K) · Wᵀ that `gemm` hands to the matrix-vector kernels
/// (`rk_sgemv_t`): every kernel path, 1 and 2 threads, against the naive reference, with
/// K around the vector widths (masked tails) and N around the 4-row blocks.
@Suite struct GemvTests {
    typealias S = GemmTestSupport

    @Test(arguments: GemmKernel.available, [1, 2])
    func singleRowTimesTransposedWeight(kernel: GemmKernel, threads: Int) throws {
        var rng = RandomGenerator(seed: 500 + UInt64(kernel.code) * 10 + UInt64(threads))
        for k in [1, 7, 8, 9, 15, 16, 17, 33, 65, 512, 1000] {
            for n in [1, 3, 4, 5, 65, 300] {
                let x = S.random(1, k, strided: n % 2 == 1, &rng)
                let w = S.random(n, k, strided: k % 2 == 1, &rng)     // (N, K), used as Wᵀ
                for (alpha, beta): (Float, Float) in [(1, 0), (-0.5, 1), (2.25, 0.75)] {
                    let y = S.random(1, n, strided: true, &rng)
                    if beta == 0 { y.fill(.nan) }                      // beta = 0 must not read y
                    let y0 = y.copy(), reference = y.copy()
                    gemmReference(reference, x, .none, w, .transposed, alpha: alpha, beta: beta)
                    gemm(y, x, .none, w, .transposed, alpha: alpha, beta: beta, kernel: kernel, threads: threads)
                    let ratio = S.worstErrorRatio(result: y, reference: reference, a: x, .none, b: w, .transposed,
                                                  c0: y0, alpha: alpha, beta: beta)
                    #expect(ratio <= 1, "\(kernel) ×\(threads) N \(n) K \(k) α \(alpha) β \(beta): error/bound \(ratio)")
                    #expect(S.paddingIntact(y), "wrote outside the view of y")
                }
            }
        }
    }

    /// The sampling shapes (a 512-unit LSTM's W_hh, a 21,388-word decoder): the split over
    /// threads gives the same floats as one thread (each row is one thread's dot product).
    @Test(arguments: GemmKernel.available)
    func threadsDoNotChangeTheResult(kernel: GemmKernel) {
        var rng = RandomGenerator(seed: 77)
        for (n, k) in [(2048, 512), (21_388, 64)] {
            let x = S.random(1, k, &rng), w = S.random(n, k, &rng)
            let one = Matrix(rows: 1, cols: n), two = Matrix(rows: 1, cols: n)
            gemm(one, x, .none, w, .transposed, kernel: kernel, threads: 1)
            gemm(two, x, .none, w, .transposed, kernel: kernel, threads: 2)
            #expect(one.toArray() == two.toArray(), "\(kernel) \(n)×\(k)")
        }
    }
}

/// `gemvSum`: one dispatch, the same floats as the two single-row products it replaces.
@Suite struct GemvSumTests {
    typealias S = GemmTestSupport

    @Test func matchesTwoProducts() {
        var rng = RandomGenerator(seed: 91)
        for (n, k1, k2) in [(1, 1, 1), (5, 3, 17), (65, 65, 512), (2048, 65, 512), (2048, 512, 512)] {
            let x1 = S.random(1, k1, &rng), x2 = S.random(1, k2, &rng)
            let w1 = S.random(n, k1, strided: true, &rng), w2 = S.random(n, k2, strided: true, &rng)
            let fused = Matrix(rows: 1, cols: n), separate = Matrix(rows: 1, cols: n)
            fused.fill(.nan)
            gemvSum(fused, x1, w1, x2, w2)
            gemm(separate, x1, .none, w1, .transposed)
            gemm(separate, x2, .none, w2, .transposed, beta: 1)
            #expect(fused.toArray() == separate.toArray(), "\(n)×(\(k1) + \(k2))")
        }
    }
}

/// `gemvRows` and `gemvSum` with several rows: row i is bit-equal to the product of row i
/// alone (the batch-1 path), whatever the number of rows and the tails of N and K.
@Suite struct GemvRowsTests {
    typealias S = GemmTestSupport

    /// M around the register tiles (2 streams with AVX2, 4 with AVX-512) and their remainders.
    @Test(arguments: GemmKernel.available)
    func eachRowMatchesItsSingleRowProduct(kernel: GemmKernel) {
        var rng = RandomGenerator(seed: 92)
        for (m, n, k) in [(2, 1, 1), (3, 5, 17), (4, 8, 16), (5, 12, 31), (6, 9, 33), (8, 65, 512),
                          (7, 2050, 37), (9, 64, 7), (16, 1030, 512)] {
            let x = S.random(m, k, strided: true, &rng), w = S.random(n, k, strided: true, &rng)
            for beta: Float in [0, 1] {
                let start = S.random(m, n, &rng)
                let rows = start.copy(), single = start.copy()
                if beta == 0 { rows.fill(.nan) }
                gemvRows(rows, x, w, beta: beta, kernel: kernel)
                for i in 0..<m {
                    gemm(single.row(i), x.row(i), .none, w, .transposed, beta: beta, kernel: kernel, threads: nil)
                }
                #expect(rows.toArray() == single.toArray(), "\(kernel) \(m)×\(n)×\(k), beta \(beta)")
            }
        }
    }

    @Test(arguments: GemmKernel.available)
    func sumOfTwoProductsMatchesEachRowAlone(kernel: GemmKernel) {
        var rng = RandomGenerator(seed: 93)
        for (m, n, k1, k2) in [(2, 5, 3, 17), (4, 16, 9, 40), (8, 2048, 65, 512), (5, 1030, 512, 512),
                               (7, 36, 64, 19)] {
            let x1 = S.random(m, k1, strided: true, &rng), x2 = S.random(m, k2, strided: true, &rng)
            let w1 = S.random(n, k1, &rng), w2 = S.random(n, k2, &rng)
            let rows = Matrix(rows: m, cols: n), single = Matrix(rows: m, cols: n)
            rows.fill(.nan)
            gemvSum(rows, x1, w1, x2, w2, kernel: kernel)
            for i in 0..<m { gemvSum(single.row(i), x1.row(i), w1, x2.row(i), w2, kernel: kernel) }
            #expect(rows.toArray() == single.toArray(), "\(kernel) \(m)×\(n)×(\(k1) + \(k2))")
        }
    }
}
