import RecurrentKernels

/// The V-long passes of `DecoderSampler` for one stream or a group of streams, on raw buffers
/// the sampler owns (row i of each is stream i's), so that groups of streams can run on the
/// thread pool: each call writes only its own streams' rows. Every pass is a vector kernel
/// (`VectorMath.proposalBounds`, `proposalWeights`, `rowSumsInDouble`, `drawCumulative`) whose
/// floats for a stream do not depend on the other streams.
struct DecoderStreamPasses: @unchecked Sendable {
    let vocabularySize: Int, hiddenSize: Int
    let proposals: UnsafeMutablePointer<Float>        // (streams, V): z̃ → u → weights
    let bias: UnsafePointer<Float>?                   // (V)
    let errorL1: UnsafeMutablePointer<Float>, errorL2: UnsafeMutablePointer<Float>
    let magnitude: UnsafeMutablePointer<Float>
    let proposalErrors: UnsafeMutablePointer<Float>   // per stream: h's rounding in the int8 product
    let tops: UnsafeMutablePointer<Float>             // per stream: max u, NaN for the plain path
    let totals: UnsafeMutablePointer<Double>          // per stream: Σ of the weights
    let targets: UnsafeMutablePointer<Double>         // per stream: the first draw's target
    let firsts: UnsafeMutablePointer<Int>             // per stream: the first draw's candidate

    /// For each stream i in `range` (row i of `hidden`, H floats at hidden + i·rowStride):
    /// z̃ in proposal row i → the upper bounds u → the weights exp((u_v − max u)/τ) (raised by
    /// a hair, see below), `tops[i]` = max u (NaN: h or its bounds are not finite, draw on the
    /// plain path), and `totals[i]`, the weights' Double sum in index order.
    func prepare(_ range: Range<Int>, hidden: UnsafePointer<Float>, rowStride: Int, inverseTemperature: Float) {
        let v = vocabularySize
        for i in range {
            let proposal = proposals + i * v
            guard let top = upperBounds(hidden + i * rowStride, proposal: proposal, hError: proposalErrors[i]) else {
                tops[i] = .nan
                continue
            }
            tops[i] = top
            // Proposal weights exp((u_v − max u)/τ) ≈ (0, 1]. u_v is raised by a hair first, more
            // than the roundings of the subtraction and scaling, so the weight's exponent is never
            // below (z_v − max u)/τ.
            VectorMath.proposalWeights(proposal, count: v, top: top, inverseTemperature: inverseTemperature)
        }
        guard !range.isEmpty else { return }
        VectorMath.rowSumsInDouble(proposals + range.lowerBound * v, rows: range.count, count: v, rowStride: v,
                                   into: totals + range.lowerBound)
    }

    /// `firsts[i]`: stream i's candidate for `targets[i]` (skipped on the plain path).
    func searchFirst(_ i: Int) {
        guard !tops[i].isNaN else { return }
        firsts[i] = VectorMath.drawCumulative(proposals + i * vocabularySize, count: vocabularySize, target: targets[i])
    }

    /// Turns z̃ = s ⊙ (Q·h) in `proposal` into the upper bounds u_v ≥ z_v for h (H floats) and
    /// returns max u, or nil when h or the bounds are not finite (see `DecoderSampler` for ε).
    func upperBounds(_ h: UnsafePointer<Float>, proposal: UnsafeMutablePointer<Float>, hError: Float) -> Float? {
        let k = hiddenSize
        var infinity = 0.0, squares = 0.0
        for j in 0..<k {
            let x = Double(h[j])
            infinity = max(infinity, abs(x))
            squares += x * x
        }
        let hInf = Float(infinity), hTwo = Float(squares.squareRoot() * (1 + 1e-6)).nextUp
        guard hInf.isFinite && hTwo.isFinite else { return nil }
        // z̃ = s ⊙ (Q·h) (+ b), then u = z̃ + ε. The kernel may round h to int16 steps first:
        // its rounding e adds (A_v + E1_v)·e.
        let u = Float.ulpOfOne / 2
        let rounding = 2 * Float(k + 8) * u * hInf + hError
        let top = VectorMath.proposalBounds(proposal, count: vocabularySize, bias: bias, errorL1: errorL1,
                                            errorL2: errorL2, magnitude: magnitude, hInf: hInf, hTwo: hTwo,
                                            rounding: rounding, biasFactor: 8 * u)
        return top.isFinite ? top : nil
    }
}
