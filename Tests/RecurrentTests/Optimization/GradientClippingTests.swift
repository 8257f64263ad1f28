import Foundation
import Testing
import Recurrent

@Suite struct GradientClippingTests {
    /// Gradients (3, 4) and (12): L2 norm 13, infinity norm 12.
    func parameters(_ a: [Float] = [3, 4], _ b: [Float] = [12]) -> [Parameter] {
        [NNTestSupport.parameter("a", rows: 1, cols: a.count, value: a.map { _ in 0 }, gradient: a),
         NNTestSupport.parameter("b", rows: 1, cols: b.count, value: b.map { _ in 0 }, gradient: b)]
    }

    func allGradients(_ ps: [Parameter]) -> [Float] { ps.flatMap { $0.gradient.toArray() } }

    @Test func l2ClippingKeepsTheDirectionAndReturnsTheNormBefore() throws {
        let ps = parameters()
        let norm = try clipGradientNorm(ps, maxNorm: 6.5)
        #expect(norm == 13)
        let c = Float(6.5) / (13 + 1e-6)
        #expect(allGradients(ps) == [3 * c, 4 * c, 12 * c])
        // Same direction: each component keeps its share of the total.
        let g = allGradients(ps), after = g.map { Double($0) }.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(after - 6.5) < 1e-5)
        for (x, y) in zip(g, [3, 4, 12] as [Float]) { #expect(abs(x / y - c) < 1e-7) }
    }

    @Test func belowTheLimitNothingChanges() throws {
        let ps = parameters()
        #expect(try clipGradientNorm(ps, maxNorm: 100) == 13)
        #expect(allGradients(ps) == [3, 4, 12])              // coefficient clamps to exactly 1
    }

    @Test func infinityNorm() throws {
        let ps = parameters([3, -20], [12])
        #expect(gradientNorm(ps, normType: .infinity) == 20)
        let norm = try clipGradientNorm(ps, maxNorm: 10, normType: .infinity)
        #expect(norm == 20)
        let c = Float(10) / (20 + 1e-6)
        #expect(allGradients(ps) == [3 * c, -20 * c, 12 * c])
    }

    @Test(arguments: [GradientNormType.l2, .infinity])
    func nonFiniteNormThrowsWhenAskedAndLeavesGradients(normType: GradientNormType) {
        for bad in [Float.nan, .infinity] {
            let ps = parameters([3, bad], [12])
            #expect(throws: GradientClippingError.self) {
                try clipGradientNorm(ps, maxNorm: 1, normType: normType, errorIfNonfinite: true)
            }
            #expect(allGradients(ps)[0] == 3 && allGradients(ps)[2] == 12)
        }
        let message = GradientClippingError.nonFiniteNorm(norm: .nan, normType: normType).description
        #expect(message.contains("lower the learning rate") && message.contains("clip"))
    }

    @Test func nonFiniteNormWithoutErrorFollowsPyTorch() throws {
        let ps = parameters([3, .nan], [12])
        let norm = try clipGradientNorm(ps, maxNorm: 1)
        #expect(norm.isNaN)
        #expect(allGradients(ps).allSatisfy { $0.isNaN })          // scaled by a NaN coefficient
    }

    @Test func valueClippingClampsElementsAndChangesDirection() {
        let ps = parameters([0.5, -3], [2])
        clipGradientValues(ps, clipValue: 1)
        let g = allGradients(ps)
        #expect(g == [0.5, -1, 1])
        // Not parallel to the original (0.5, −3, 2): the ratios differ.
        #expect(g[0] / 0.5 != g[1] / -3)
    }

    @Test func valueClippingKeepsNaN() {
        let ps = parameters([.nan, 5], [-5])
        clipGradientValues(ps, clipValue: 2)
        let g = allGradients(ps)
        #expect(g[0].isNaN && g[1] == 2 && g[2] == -2)
    }
}
