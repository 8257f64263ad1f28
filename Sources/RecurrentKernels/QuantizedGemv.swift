import CKernels

/// y[j] ≈ scale[j] · Σ_p Q[j, p]·x[p] for j < N: int8 rows Q (N, K) with row stride `ldq`,
/// Float32 x (K), scales (N) and y (N), rows split over the thread pool. The proposal step of
/// exact rejection sampling from a large decoder (`DecoderSampler`).
///
/// Returns e ≥ 0 such that the products used x' with |x'_p − x_p| ≤ e (0 when x is used as is;
/// the AVX-512BW path rounds x to int16 steps of max|x|/32767 first), for the caller's error
/// bound.
package func quantizedGemv(_ y: UnsafeMutablePointer<Float>, rows n: Int, columns k: Int, x: UnsafePointer<Float>,
                           quantized q: UnsafePointer<Int8>, rowStride ldq: Int, scales: UnsafePointer<Float>) -> Float {
    rk_qgemv(-1, 0, n, k, x, q, ldq, scales, y)
}

/// `quantizedGemv` for `streams` inputs at once: y + s·ldy from x + s·ldx, each int8 row read
/// from memory once for all streams (N-stream sampling); `errors[s]` is what `quantizedGemv`
/// returns for stream s, and each stream's y is, float for float, the one it gets alone.
package func quantizedGemv(streams: Int, _ y: UnsafeMutablePointer<Float>, outputStride ldy: Int, rows n: Int,
                           columns k: Int, x: UnsafePointer<Float>, inputStride ldx: Int,
                           quantized q: UnsafePointer<Int8>, rowStride ldq: Int, scales: UnsafePointer<Float>,
                           errors: UnsafeMutablePointer<Float>) {
    rk_qgemv_streams(-1, 0, streams, n, k, x, ldx, q, ldq, scales, y, ldy, errors)
}

/// Lets the AVX-512BW int16 path of `quantizedGemv` use AVX512-VNNI where the CPU has it (the
/// default) or not; returns whether it will. Both compute the same integers (tests).
@discardableResult
package func quantizedGemvAllowsVNNI(_ allow: Bool) -> Bool {
    rk_qgemv_allow_vnni(allow ? 1 : 0) != 0
}
