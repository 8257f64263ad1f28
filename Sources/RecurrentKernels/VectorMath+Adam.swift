import CVectorMath

extension VectorMath {
    /// One Adam update of `count` contiguous parameters without weight decay or amsgrad, lane
    /// by lane the same IEEE operations as the scalar loop in `Adam` (no fused multiply-add),
    /// so every path gives the same floats (`kernel`: nil runs `VectorMathKernel.current`):
    ///
    ///     m ← m + w1·(g − m)       v ← v·b2 + (w2·g)·g       θ ← θ + (negativeStep·m) / (√v / bc2 + eps)
    package static func adamUpdate(count: Int, theta: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
                                   m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                                   w1: Float, b2: Float, w2: Float, bc2: Float, eps: Float, negativeStep: Float,
                                   kernel: VectorMathKernel? = nil) {
        rk_vm_adam_update(path(kernel), count, theta, gradient, m, v, w1, b2, w2, bc2, eps, negativeStep)
    }
}
