import Foundation

/// Draws a token from softmax((h·Wᵀ + b)/τ) for one hidden state h — exactly that
/// distribution — while reading a quarter of the decoder's bytes: batch-1 sampling from a
/// word-level model, where streaming the (V, H) Float32 weight from memory for every token is
/// most of the cost.
///
/// Rejection sampling with a proposal from an int8 copy of the weight (one scale per row):
///
///     z_v  = W_v·h + b_v                    the Float32 logits (what `Linear` computes)
///     z̃_v  = s_v (Q_v·h) + b_v              int8 rows Q_v ≈ W_v / s_v, read 4× faster
///     u_v  = z̃_v + ε_v ≥ z_v                ε_v: a proven bound on |z_v − z̃_v| (below)
///     propose v ∝ exp(u_v / τ),  accept with probability exp((z_v − u_v) / τ) ≤ 1
///
/// An accepted v has probability ∝ exp(u_v/τ) · exp((z_v − u_v)/τ) = exp(z_v/τ): the softmax
/// of the Float32 logits, whatever the quantisation error — the bound only has to hold, and
/// it costs acceptance rate, not accuracy. Only the candidates' logits z_v are computed in
/// Float32 (one H-long dot product each, the same kernel and order as the full product).
///
/// The bound, with e_v = W_v − s_v Q_v, A_v = Σ|W_vj|, E1_v = Σ|e_vj|, E2_v = ‖e_v‖₂, K = H
/// and u = 2⁻²⁴ the Float32 unit roundoff:
///
///     |z_v − z̃_v| ≤ min(E1_v ‖h‖∞, E2_v ‖h‖₂)                  (the quantisation error)
///                 + (2(K + 8)u ‖h‖∞ + e) (A_v + E1_v) + 8u|b_v|  (rounding in both dots;
///                                                                 e: h rounded to int16)
///                 + 2⁻²¹ |z̃_v| + 10⁻⁵                          (rounding of u_v and of exp)
///
/// For a 512-unit LSTM (|h_j| < 1) ε is ~0.02, so about 98 % of candidates are accepted.
/// Random draws: one `uniformDouble()` per candidate plus one per acceptance test, so the
/// text for a seed differs from `TokenSampler`'s (which draws once from the full softmax);
/// the distribution is the same. Top-k, top-p and greedy need every logit: use
/// `TokenSampler` for those.
///
/// The int8 copy is made from the decoder's weight at `init`: make a new sampler after the
/// weights change (generation runs on fixed weights). Allocates nothing per token.
public final class DecoderSampler {
    /// V.
    public let vocabularySize: Int
    /// H.
    public let hiddenSize: Int

    private let weight: Matrix                    // (V, H), the live decoder weight
    private let bias: Matrix?                     // (1, V)
    private let quantized: UnsafeMutablePointer<Int8>   // (V, H)
    private let scales: UnsafeMutablePointer<Float>     // s_v
    private let errorL1: UnsafeMutablePointer<Float>    // E1_v, rounded up
    private let errorL2: UnsafeMutablePointer<Float>    // E2_v, rounded up
    private let magnitude: UnsafeMutablePointer<Float>  // A_v + E1_v, rounded up
    private let proposals: UnsafeMutablePointer<Float>  // z̃ → u → weights, (streams, V)
    private let proposalErrors: UnsafeMutablePointer<Float>  // per stream: h's rounding in the int8 product
    private let tops: UnsafeMutablePointer<Float>       // per stream: max u, NaN for the plain path
    private let totals: UnsafeMutablePointer<Double>    // per stream: Σ of the proposal weights
    private let targets: UnsafeMutablePointer<Double>   // per stream: the first draw's target
    private let firsts: UnsafeMutablePointer<Int>       // per stream: the first draw's candidate
    private let passes: DecoderStreamPasses             // the V-long passes over these buffers
    /// How many streams `sample(hidden:temperature:generators:into:)` draws for at most.
    public let streams: Int
    private let logit = Matrix(rows: 1, cols: 1)

    /// Candidates drawn and accepted since `init` (acceptance rate = accepted / drawn).
    public private(set) var candidates = 0, accepted = 0

    /// Bytes one draw reads to build the proposal: the int8 rows (V·H), the four Float32
    /// per-row values (scale, E1, E2, A + E1) and the bias (V each).
    public var proposalBytes: Int {
        vocabularySize * hiddenSize + 4 * vocabularySize * MemoryLayout<Float>.size
            + (bias == nil ? 0 : vocabularySize * MemoryLayout<Float>.size)
    }

    /// Bytes one candidate's exact logit reads: its Float32 weight row (H) and bias.
    public var candidateBytes: Int { (hiddenSize + (bias == nil ? 0 : 1)) * MemoryLayout<Float>.size }

    /// Snapshots `decoder`'s weight (V, H) as int8 rows with their error bounds, with room to
    /// draw for up to `streams` streams at once.
    public convenience init(decoder: Linear, streams: Int = 1) {
        self.init(decoder: decoder, levels: 127, streams: streams)
    }

    /// `levels`: the largest |Q| (127 for int8; tests use fewer to make the proposal coarse
    /// and exercise rejection).
    init(decoder: Linear, levels: Int, streams: Int = 1) {
        precondition(levels >= 1 && levels <= 127, "DecoderSampler: levels must be in 1...127")
        precondition(streams >= 1, "DecoderSampler: streams must be at least 1, got \(streams)")
        self.streams = streams
        let w = decoder.weight.value
        let v = w.rows, h = w.cols
        vocabularySize = v
        hiddenSize = h
        weight = w
        bias = decoder.bias?.value
        quantized = .allocate(capacity: max(v * h, 1))
        scales = .allocate(capacity: v)
        errorL1 = .allocate(capacity: v)
        errorL2 = .allocate(capacity: v)
        magnitude = .allocate(capacity: v)
        proposals = .allocate(capacity: v * streams)
        proposals.initialize(repeating: 0, count: v * streams)
        proposalErrors = .allocate(capacity: streams)
        proposalErrors.initialize(repeating: 0, count: streams)
        tops = .allocate(capacity: streams)
        tops.initialize(repeating: 0, count: streams)
        totals = .allocate(capacity: streams)
        totals.initialize(repeating: 0, count: streams)
        targets = .allocate(capacity: streams)
        targets.initialize(repeating: 0, count: streams)
        firsts = .allocate(capacity: streams)
        firsts.initialize(repeating: 0, count: streams)
        passes = DecoderStreamPasses(vocabularySize: v, hiddenSize: h, proposals: proposals,
                                     bias: bias.map { UnsafePointer($0.pointer) }, errorL1: errorL1, errorL2: errorL2,
                                     magnitude: magnitude, proposalErrors: proposalErrors, tops: tops, totals: totals,
                                     targets: targets, firsts: firsts)
        for r in 0..<v {
            let row = w.pointer + r * w.rowStride, q = quantized + r * h
            var largest: Float = 0
            for j in 0..<h { largest = max(largest, abs(row[j])) }
            let scale = largest > 0 ? largest / Float(levels) : 0
            var e1 = 0.0, e2 = 0.0, a = 0.0
            for j in 0..<h {
                let level = scale > 0 ? (row[j] / scale).rounded() : 0
                q[j] = Int8(max(-127, min(127, level)))
                let e = Double(row[j]) - Double(scale) * Double(q[j])
                e1 += abs(e)
                e2 += e * e
                a += abs(Double(row[j]))
            }
            scales[r] = scale
            // Rounded up, so the Float bounds stay bounds.
            errorL1[r] = Float(e1 * (1 + 1e-6)).nextUp
            errorL2[r] = Float(e2.squareRoot() * (1 + 1e-6)).nextUp
            magnitude[r] = Float((a + e1) * (1 + 1e-6)).nextUp
        }
    }

    deinit {
        quantized.deallocate(); scales.deallocate(); errorL1.deallocate(); errorL2.deallocate()
        magnitude.deallocate(); proposals.deallocate(); proposalErrors.deallocate(); tops.deallocate()
        totals.deallocate(); targets.deallocate(); firsts.deallocate()
    }

    /// The next token for the top hidden state `hidden` (1, H) at temperature τ.
    public func sample(hidden: Matrix, temperature: Double, generator: inout RandomGenerator) -> Int {
        precondition(hidden.rows == 1 && hidden.cols == hiddenSize, "DecoderSampler: hidden is \(hidden.rows)×\(hidden.cols), expected 1×\(hiddenSize)")
        precondition(temperature > 0 && temperature.isFinite, "DecoderSampler: temperature must be positive, got \(temperature)")
        let h = hidden.isContiguous ? hidden : hidden.copy()
        proposalErrors[0] = quantizedGemv(proposals, rows: vocabularySize, columns: hiddenSize, x: h.pointer,
                                          quantized: quantized, rowStride: hiddenSize, scales: scales)
        passes.prepare(0..<1, hidden: h.pointer, rowStride: h.rowStride, inverseTemperature: Float(1 / temperature))
        return draw(stream: 0, h, temperature: temperature, generator: &generator)
    }

    /// The next token of each of N ≤ `streams` streams from their top hidden states `hidden`
    /// (N, H): `tokens[i]` drawn with `generators[i]`, the token stream i gets alone from
    /// `sample(hidden:temperature:generator:)` (the same floats and the same draws from its
    /// generator, in the same order), while the int8 rows are read once for all N and the
    /// streams' V-long passes run on the thread pool.
    public func sample(hidden: Matrix, temperature: Double, generators: inout [RandomGenerator], into tokens: inout [Int]) {
        let n = hidden.rows, v = vocabularySize
        precondition(n <= streams && hidden.cols == hiddenSize,
                     "DecoderSampler: hidden is \(hidden.rows)×\(hidden.cols), expected at most \(streams)×\(hiddenSize)")
        precondition(generators.count >= n && tokens.count >= n, "DecoderSampler: \(generators.count) generators, \(tokens.count) tokens for \(n) streams")
        precondition(temperature > 0 && temperature.isFinite, "DecoderSampler: temperature must be positive, got \(temperature)")
        quantizedGemv(streams: n, proposals, outputStride: v, rows: v, columns: hiddenSize, x: hidden.pointer,
                      inputStride: hidden.rowStride, quantized: quantized, rowStride: hiddenSize, scales: scales,
                      errors: proposalErrors)
        // Bounds, weights and totals for groups of four streams (the Double totals of a group
        // overlap), the groups on the thread pool.
        let passes = passes, h = SharedPointer(hidden.pointer), stride = hidden.rowStride
        let inverse = Float(1 / temperature), groups = (n + 3) / 4
        ThreadPool.parallelFor(groups) { g in
            passes.prepare((4 * g)..<min(n, 4 * g + 4), hidden: h.base, rowStride: stride, inverseTemperature: inverse)
        }
        // Each stream's first candidate: its target from its generator (as `draw` would take
        // it), then the cumulative searches on the thread pool.
        for i in 0..<n where !tops[i].isNaN { targets[i] = generators[i].uniformDouble() * totals[i] }
        ThreadPool.parallelFor(n) { i in passes.searchFirst(i) }
        for i in 0..<n {
            tokens[i] = draw(stream: i, hidden.row(i), temperature: temperature, generator: &generators[i],
                             first: tops[i].isNaN ? nil : firsts[i])
        }
    }

    /// Stream i's token from its proposal weights (`DecoderStreamPasses.prepare`) for its hidden state
    /// `h` (contiguous, 1 × H); `first`: the first candidate when it was drawn already (with a
    /// target taken from `generator` as this loop takes it).
    private func draw(stream i: Int, _ h: Matrix, temperature: Double, generator: inout RandomGenerator,
                      first: Int? = nil) -> Int {
        let top = tops[i], total = totals[i], weights = proposals + i * vocabularySize
        guard !top.isNaN else { return fallback(h, temperature: temperature, generator: &generator) }
        var next = first
        // The acceptance test uses the proposal weight actually drawn from: accepting with
        // exp((z_v − max u)/τ) / weight_v makes P(v) ∝ exp(z_v/τ) exactly, however the weight
        // was rounded, as long as that ratio is ≤ 1 (which the margin in ε guarantees).
        while true {
            // ∝ the weights, as `RandomGenerator.categorical` (one `uniformDouble()`, cumulative
            // sums in Double).
            let candidate: Int
            if let drawn = next {
                candidate = drawn
                next = nil
            } else {
                candidate = VectorMath.drawCumulative(weights, count: vocabularySize, target: generator.uniformDouble() * total)
            }
            candidates += 1
            let z = exactLogit(candidate, h)
            // log acceptance = (z_v − u_v)/τ with u_v = max u + τ·log(weight_v).
            let logWeight = Double(log(weights[candidate]))
            let logAccept = (Double(z) - Double(top)) / temperature - logWeight
            if logAccept > 1e-6 {
                // The bound failed (it cannot for finite inputs): never bias the draw.
                return fallback(h, temperature: temperature, generator: &generator)
            }
            if generator.uniformDouble() < Foundation.exp(min(0, logAccept)) {
                accepted += 1
                return candidate
            }
        }
    }

    /// Fills the (first) proposal buffer with the upper bounds u_v ≥ z_v for `h` (contiguous,
    /// 1 × H) and returns max u, or nil when h or the bounds are not finite.
    func upperBounds(_ h: Matrix) -> Float? {
        let hError = quantizedGemv(proposals, rows: vocabularySize, columns: hiddenSize, x: h.pointer,
                                   quantized: quantized, rowStride: hiddenSize, scales: scales)
        return passes.upperBounds(h.pointer, proposal: proposals, hError: hError)
    }

    /// The current contents of the proposal buffer (tests).
    var proposalValues: [Float] { Array(UnsafeBufferPointer(start: proposals, count: vocabularySize)) }

    /// z_v = W_v·h + b_v in Float32, as the full product computes row v.
    func exactLogit(_ v: Int, _ h: Matrix) -> Float {
        gemm(logit, h, .none, weight.rows(v..<(v + 1)), .transposed)
        return logit.pointer[0] + (bias.map { $0.pointer[v] } ?? 0)
    }

    /// The plain path: every Float32 logit, softmax, one draw.
    private func fallback(_ h: Matrix, temperature: Double, generator: inout RandomGenerator) -> Int {
        let logits = Matrix(rows: 1, cols: vocabularySize)
        gemm(logits, h, .none, weight, .transposed)
        if let bias { logits.add(bias) }
        return TokenSampler(vocabularySize: vocabularySize, options: SamplingOptions(temperature: temperature))
            .sample(logits, generator: &generator)
    }
}
