import Foundation

/// The scalar activations and their derivatives: the naive references the vectorised kernels
/// (`VectorMath`) are tested against. Namespaced so that `tanh` and friends do not shadow the
/// standard library's for every importer.
public enum ScalarActivation {
    // Derivatives take the activation's *output* (y = σ(x) ⇒ σ'(x) = y(1−y); y = tanh(x) ⇒
    // tanh'(x) = 1−y²), which is what a forward cache holds.

    /// σ(x) = 1 / (1 + e^(−x)), safe for any input: the exponent is never positive, so it cannot
    /// overflow; ±∞ give exactly 0 and 1, NaN stays NaN.
    @inlinable
    public static func sigmoid(_ x: Float) -> Float {
        if x >= 0 {
            return 1 / (1 + expf(-x))
        } else {
            let e = expf(x)
            return e / (1 + e)
        }
    }

    /// tanh(x); saturates to ±1 for large |x| (libm's tanhf never overflows).
    @inlinable
    public static func tanh(_ x: Float) -> Float { tanhf(x) }

    /// max(0, x).
    @inlinable
    public static func relu(_ x: Float) -> Float { x > 0 ? x : 0 }

    /// dσ/dx from y = σ(x).
    @inlinable
    public static func sigmoidDerivative(output y: Float) -> Float { y * (1 - y) }

    /// dtanh/dx from y = tanh(x).
    @inlinable
    public static func tanhDerivative(output y: Float) -> Float { 1 - y * y }

    /// drelu/dx from y = relu(x) (0 at x = 0, as PyTorch).
    @inlinable
    public static func reluDerivative(output y: Float) -> Float { y > 0 ? 1 : 0 }
}
