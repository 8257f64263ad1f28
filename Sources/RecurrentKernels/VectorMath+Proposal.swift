import CVectorMath

/// The V-long passes of exact rejection sampling from an int8 proposal (`DecoderSampler`), as
/// vector kernels: the bounds, the proposal weights, and the Double sums of the draw. Each
/// gives the same floats for a row whichever other rows are computed with it.
extension VectorMath {
    /// The upper bounds u_v ≥ z_v in place of z̃ = s ⊙ (Q·h) in `proposal` (V): with b = bias[v]
    /// (0 when nil), z = z̃_v + b and
    ///
    ///     u_v = z + (min(E1_v·hInf, E2_v·hTwo) + rounding·M_v + biasFactor·|b| + 2⁻²¹·|z| + 10⁻⁵)
    ///
    /// added left to right with no fused multiply-add. Returns max u (NaN entries passed over).
    package static func proposalBounds(_ proposal: UnsafeMutablePointer<Float>, count v: Int, bias: UnsafePointer<Float>?,
                                       errorL1: UnsafePointer<Float>, errorL2: UnsafePointer<Float>,
                                       magnitude: UnsafePointer<Float>, hInf: Float, hTwo: Float, rounding: Float,
                                       biasFactor: Float, kernel: VectorMathKernel? = nil) -> Float {
        rk_vm_proposal_bounds(path(kernel), v, proposal, bias, errorL1, errorL2, magnitude, hInf, hTwo, rounding,
                              biasFactor)
    }

    /// The proposal weights in place of the bounds u (V): exp(((u + 2⁻²⁰(|u| + |top|)) − top) · inverse).
    package static func proposalWeights(_ proposal: UnsafeMutablePointer<Float>, count v: Int, top: Float,
                                        inverseTemperature: Float, kernel: VectorMathKernel? = nil) {
        rk_vm_proposal_weights(path(kernel), v, proposal, top, inverseTemperature)
    }

    /// totals[s] = Σ_v Double(w[s·stride + v]) for s < rows, each sum in index order.
    package static func rowSumsInDouble(_ w: UnsafePointer<Float>, rows: Int, count v: Int, rowStride: Int,
                                        into totals: UnsafeMutablePointer<Double>) {
        rk_vm_row_sums_double(rows, v, w, rowStride, totals)
    }

    /// The first v whose cumulative Double sum of the positive weights (index order) exceeds
    /// `target`, else the last positive v (0 when none is positive).
    package static func drawCumulative(_ w: UnsafePointer<Float>, count v: Int, target: Double) -> Int {
        rk_vm_draw_cumulative(v, w, target)
    }
}
