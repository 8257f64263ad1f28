import Foundation

/// How the next token is chosen from a row of logits.
public struct SamplingOptions: Sendable, Equatable, Codable {
    /// τ > 0: probabilities ∝ exp(logit / τ). Below 1 is more conservative, above 1 more varied.
    public var temperature: Double
    /// Keep only the k most likely tokens (nil: all).
    public var topK: Int?
    /// Keep the smallest set of most likely tokens whose probabilities sum to at least p
    /// (nucleus sampling; nil: all).
    public var topP: Double?
    /// Always take the most likely token (argmax); no randomness. Overrides the others.
    public var greedy: Bool

    public init(temperature: Double = 1, topK: Int? = nil, topP: Double? = nil, greedy: Bool = false) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.greedy = greedy
    }

    /// The problems with these options, one message each (empty when valid).
    public func problems() -> [String] {
        var out: [String] = []
        if !(temperature > 0 && temperature.isFinite) { out.append("temperature must be a positive number, got \(temperature)") }
        if let k = topK, k < 1 { out.append("top-k must be at least 1, got \(k)") }
        if let p = topP, !(p > 0 && p <= 1) { out.append("top-p must be in (0, 1], got \(p)") }
        return out
    }
}

/// Draws token ids from logits: temperature, top-k, top-p (nucleus) or greedy, with one
/// buffer of V floats allocated up front, so sampling a token allocates nothing.
///
/// With logits z (V), temperature τ:
///
///     p_v = exp((z_v − max z) / τ) / Σ exp(…)
///     top-k: p_v = 0 unless p_v ≥ the k-th largest p
///     top-p: p_v = 0 unless p_v ≥ t*, the largest t with Σ_{p_u ≥ t} p_u ≥ p
///     token ~ categorical(p)      (one `uniformDouble()` from the generator)
///
/// Greedy returns argmax z (the lowest id among ties) and draws nothing.
public struct TokenSampler {
    public var options: SamplingOptions
    private let probabilities: UnsafeMutableBufferPointer<Float>
    private let scratch: UnsafeMutableBufferPointer<Float>
    /// (2, V): row 0 holds `probabilities`, row 1 `scratch`; keeps their storage alive.
    private let buffers: Matrix

    public init(vocabularySize: Int, options: SamplingOptions = SamplingOptions()) {
        precondition(vocabularySize > 0, "TokenSampler needs a positive vocabulary size")
        buffers = Matrix(rows: 2, cols: vocabularySize)
        probabilities = UnsafeMutableBufferPointer(start: buffers.pointer, count: vocabularySize)
        scratch = UnsafeMutableBufferPointer(start: buffers.pointer + vocabularySize, count: vocabularySize)
        self.options = options
    }

    /// The next token for logits `(1, V)`.
    public func sample(_ logits: Matrix, generator: inout RandomGenerator) -> Int {
        let v = probabilities.count
        precondition(logits.rows == 1 && logits.cols == v, "TokenSampler: logits \(logits.rows)×\(logits.cols), expected 1×\(v)")
        let z = logits.pointer
        if options.greedy {
            var best = 0
            for i in 1..<v where z[i] > z[best] { best = i }
            return best
        }
        var m = -Float.infinity
        for i in 0..<v { m = max(m, z[i]) }
        guard m.isFinite else { return sampleDegenerate(z, maximum: m, generator: &generator) }
        let inverseTemperature = Float(1 / options.temperature)
        var total: Double = 0
        for i in 0..<v {
            let e = expf((z[i] - m) * inverseTemperature)
            probabilities[i] = e.isNaN ? 0 : e
            total += Double(probabilities[i])
        }
        let norm = Float(1 / total)
        for i in 0..<v { probabilities[i] *= norm }
        if let k = options.topK, k < v { keepTop(k) }
        if let p = options.topP, p < 1 { keepNucleus(mass: p) }
        return generator.categorical(probabilities)
    }

    /// Logits with no finite maximum (a damaged or overflowing model: weights near Float's
    /// limit give ±inf and NaN): softmax's limit — uniform over the +inf logits, or over every
    /// token when all are −inf or NaN. NaN logits get no probability otherwise.
    private func sampleDegenerate(_ z: UnsafeMutablePointer<Float>, maximum m: Float,
                                  generator: inout RandomGenerator) -> Int {
        let v = probabilities.count
        for i in 0..<v { probabilities[i] = m == .infinity ? (z[i] == .infinity ? 1 : 0) : 1 }
        return generator.categorical(probabilities)
    }

    /// Zeroes every probability below the k-th largest (quickselect on a copy).
    private func keepTop(_ k: Int) {
        let v = probabilities.count
        scratch.baseAddress!.update(from: probabilities.baseAddress!, count: v)
        let threshold = kthLargest(k)
        for i in 0..<v where probabilities[i] < threshold { probabilities[i] = 0 }
    }

    /// The k-th largest value of `scratch` (1-based), reordering `scratch` (Hoare quickselect).
    private func kthLargest(_ k: Int) -> Float {
        var lo = 0, hi = scratch.count - 1
        let target = k - 1                      // index in descending order
        while lo < hi {
            let pivot = scratch[(lo + hi) / 2]
            var i = lo, j = hi
            while i <= j {
                while scratch[i] > pivot { i += 1 }
                while scratch[j] < pivot { j -= 1 }
                if i <= j { scratch.swapAt(i, j); i += 1; j -= 1 }
            }
            if target <= j { hi = j } else if target >= i { lo = i } else { return scratch[target] }
        }
        return scratch[target]
    }

    /// Keeps the tokens with p_v ≥ t*, the largest threshold whose kept mass is still ≥ `mass`,
    /// found by bisection on t (60 halvings: exact to far below Float resolution).
    private func keepNucleus(mass: Double) {
        let v = probabilities.count
        func kept(_ t: Float) -> Double {
            var s: Double = 0
            for i in 0..<v where probabilities[i] >= t { s += Double(probabilities[i]) }
            return s
        }
        var lo: Float = 0, hi: Float = 0
        for i in 0..<v { hi = max(hi, probabilities[i]) }
        // Invariant: kept(lo) ≥ mass. The most likely token alone is always kept.
        if kept(hi) >= mass { lo = hi } else {
            for _ in 0..<60 {
                let mid = lo + (hi - lo) / 2
                if mid <= lo || mid >= hi { break }
                if kept(mid) >= mass { lo = mid } else { hi = mid }
            }
        }
        for i in 0..<v where probabilities[i] < lo { probabilities[i] = 0 }
    }
}
