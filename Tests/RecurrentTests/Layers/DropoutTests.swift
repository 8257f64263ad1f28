import Testing
@testable import Recurrent

@Suite struct DropoutTests {
    @Test func identityWhenOff() {
        var g = RandomGenerator(seed: 1)
        let x = LayerTestSupport.random(6, 5, &g)
        for dropout in [Dropout(0), { let d = Dropout(0.5); d.isTraining = false; return d }()] {
            let before = g
            let y = dropout.forward(x, generator: &g)
            #expect(y.toArray() == x.toArray())
            #expect(g == before)
            let dy = LayerTestSupport.random(6, 5, &g)
            #expect(dropout.backward(dy).toArray() == dy.toArray())
        }
    }

    @Test func invertedScalingAndMaskedGradient() {
        var g = RandomGenerator(seed: 2)
        let p: Float = 0.25
        let x = Matrix(rows: 200, cols: 50)
        x.fill(1)
        let dropout = Dropout(p)
        let y = dropout.forward(x, generator: &g).toArray()
        let kept = y.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == 1 / (1 - p) })
        let dropRate = 1 - Double(kept.count) / Double(y.count)
        #expect(abs(dropRate - Double(p)) < 0.02)   // 10,000 draws: σ ≈ 0.004
        let dx = dropout.backward(x).toArray()       // ∂L/∂y = 1 → ∂L/∂x = mask
        #expect(dx == y)
    }

    @Test func sameSeedSameMask() {
        var g1 = RandomGenerator(seed: 9), g2 = RandomGenerator(seed: 9)
        var gx = RandomGenerator(seed: 1)
        let x = LayerTestSupport.random(8, 8, &gx)
        let a = Dropout(0.5).forward(x, generator: &g1).toArray()
        let b = Dropout(0.5).forward(x, generator: &g2).toArray()
        #expect(a == b)
        #expect(a.contains(0) && a.contains { $0 != 0 })
    }

    @Test func probabilityOneZeroesEverything() {
        var g = RandomGenerator(seed: 3)
        let x = LayerTestSupport.random(4, 4, &g)
        let d = Dropout(1)
        #expect(d.forward(x, generator: &g).toArray().allSatisfy { $0 == 0 })
        #expect(d.backward(x).toArray().allSatisfy { $0 == 0 })
    }
}
