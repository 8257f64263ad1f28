import Foundation
import Testing
@testable import RecurrentKernels

@Suite struct RandomGeneratorTests {
    @Test func knownAnswerForSeed42() {
        // SplitMix64(42) seeds xoshiro256**; these first outputs pin the algorithm so a change
        // to it (which would silently change every seeded run) fails here.
        var rng = RandomGenerator(seed: 42)
        let first = (0..<4).map { _ in rng.next() }
        #expect(first == RandomGeneratorTests.expectedSeed42)
    }

    // Cross-checked against an independent Python implementation of SplitMix64 + xoshiro256**.
    static let expectedSeed42: [UInt64] = [1546998764402558742, 6990951692964543102,
                                           12544586762248559009, 17057574109182124193]

    @Test func sameSeedSameSequenceAndStateRestores() {
        var a = RandomGenerator(seed: 7)
        for _ in 0..<10 { _ = a.next() }
        var b = RandomGenerator(state: a.state)
        #expect((0..<100).map { _ in a.uniform() } == (0..<100).map { _ in b.uniform() })
    }

    @Test func uniformMomentsAndRange() {
        var rng = RandomGenerator(seed: 1)
        let n = 200_000
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<n {
            let u = Double(rng.uniform())
            #expect(u >= 0 && u < 1)
            sum += u; sumSq += u * u
        }
        let mean = sum / Double(n), variance = sumSq / Double(n) - mean * mean
        #expect(abs(mean - 0.5) < 0.005)          // σ of the mean ≈ 0.00065
        #expect(abs(variance - 1.0 / 12) < 0.002)
    }

    @Test func normalMoments() {
        var rng = RandomGenerator(seed: 2)
        let n = 200_000
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<n { let z = Double(rng.normal()); sum += z; sumSq += z * z }
        let mean = sum / Double(n), variance = sumSq / Double(n) - mean * mean
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.02)
    }

    @Test func integersAreUniformOverTheirRange() {
        var rng = RandomGenerator(seed: 3)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.integer(below: 7)] += 1 }
        // Chi-squared with 6 degrees of freedom; 22.5 is the 0.999 quantile.
        let chi2 = counts.reduce(0.0) { $0 + pow(Double($1) - 10_000, 2) / 10_000 }
        #expect(chi2 < 22.5)
        #expect((0..<1000).allSatisfy { _ in (5..<9).contains(rng.integer(in: 5..<9)) })
    }

    @Test func categoricalFollowsWeightsAndNeverPicksZeroWeight() {
        var rng = RandomGenerator(seed: 4)
        let weights: [Float] = [0.1, 0, 0.6, 0.3]
        var counts = [Int](repeating: 0, count: 4)
        for _ in 0..<100_000 { counts[rng.categorical(weights)] += 1 }
        #expect(counts[1] == 0)
        #expect(abs(Double(counts[0]) / 100_000 - 0.1) < 0.006)
        #expect(abs(Double(counts[2]) / 100_000 - 0.6) < 0.006)
    }
}
