import Foundation

/// The project's one source of randomness: xoshiro256** (Blackman & Vigna, 2018), its 256-bit
/// state seeded from a 64-bit seed by SplitMix64.
///
/// Integer arithmetic only up to the final conversion, so the same seed gives the same
/// numbers on every platform. The state can be saved and restored (`state`), which is how a
/// resumed training run continues bit for bit.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    /// The four 64-bit words of xoshiro256** state.
    public var state: [UInt64]

    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = [splitMix(), splitMix(), splitMix(), splitMix()]
    }

    /// Restores a generator from a saved `state` (four words, not all zero).
    public init(state: [UInt64]) {
        precondition(state.count == 4 && state.contains { $0 != 0 }, "xoshiro256** state is four words, not all zero")
        self.state = state
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotl(state[3], 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 random bits (every Float32 multiple of 2⁻²⁴).
    public mutating func uniform() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Writes `count` draws of `uniform()` to `buffer`, in order: the same numbers as `count`
    /// calls, and the generator ends in the same state. The state words are kept in registers
    /// for the whole run instead of being read from and written to the array at every draw
    /// (dropout masks take millions of draws per training step).
    public mutating func fillUniform(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        var s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3]
        for i in 0..<count {
            let result = rotl(s1 &* 5, 7) &* 9
            let t = s1 << 17
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = rotl(s3, 45)
            buffer[i] = Float(result >> 40) * 0x1p-24
        }
        state[0] = s0; state[1] = s1; state[2] = s2; state[3] = s3
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * uniform()
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniformDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Standard normal by the Box–Muller transform (one draw per call; two uniforms consumed).
    public mutating func normal(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        let u1 = 1 - uniformDouble()          // (0, 1]: log is finite
        let u2 = uniformDouble()
        let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return mean + standardDeviation * Float(z)
    }

    /// Uniform integer in `0..<upperBound`, unbiased (Lemire's multiply-and-reject).
    public mutating func integer(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "integer(below:) needs a positive bound")
        let bound = UInt64(upperBound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }

    /// Uniform integer in `range`.
    public mutating func integer(in range: Range<Int>) -> Int {
        range.lowerBound + integer(below: range.count)
    }

    /// An index drawn with probability proportional to `weights` (non-negative, not all zero).
    /// One uniform draw, then a linear scan of the cumulative sum.
    // Inlinable so callers in other modules get it specialised for their collection (a
    // sampler's buffer of V floats): the generic version looks up type metadata per element.
    @inlinable
    public mutating func categorical<C: Collection>(_ weights: C) -> Int where C.Element == Float, C.Index == Int {
        var total: Double = 0
        for w in weights { total += Double(w) }
        precondition(total > 0 && total.isFinite, "categorical needs finite, non-negative weights with a positive sum")
        let target = uniformDouble() * total
        var cumulative: Double = 0
        var last = weights.startIndex
        for i in weights.indices where weights[i] > 0 {
            cumulative += Double(weights[i])
            last = i
            if target < cumulative { return i }
        }
        return last   // rounding left target at the very top: the last positive weight
    }

    /// Fisher–Yates shuffle driven by this generator.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, integer(below: i + 1))
        }
    }
}

