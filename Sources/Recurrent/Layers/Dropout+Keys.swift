/// Dropout masks keyed by *which sequence* a row belongs to, not by the order of the draws.
///
/// With keys set, the mask row of time step t of stream s (a global stream index: the
/// stream's place in the whole batch, not in the part of it this call sees) is a pure function
/// of (key, s, t):
///
///     row seed = mix(key ⊕ (s << 32 | t))
///     draw c   = top 24 bits of mix(row seed + (c + 1)·γ) · 2⁻²⁴     (SplitMix64, γ = 0x9E3779B97F4A7C15)
///
/// So a batch split into micro-batches, or across the processes of a data-parallel run, gets
/// the very masks of the unsplit batch, and a resumed run needs no generator state to redraw
/// them. Input rows are time-major: row r of a `(T·b, F)` input is step r / b of stream
/// `firstStream + r % b`.
public struct DropoutRowKeys: Sendable, Equatable {
    /// Distinguishes the step and the dropout site (see `DropoutKeys.rowKeys`).
    public var key: UInt64
    /// The global index of this input's first stream.
    public var firstStream: Int
    /// b: the streams in this input.
    public var batchSize: Int

    public init(key: UInt64, firstStream: Int, batchSize: Int) {
        precondition(firstStream >= 0 && batchSize > 0, "DropoutRowKeys: first stream \(firstStream), batch size \(batchSize)")
        self.key = key
        self.firstStream = firstStream
        self.batchSize = batchSize
    }

    /// Writes the `count` uniform draws of row `row` to `buffer`.
    @inline(__always)
    func fillUniform(row: Int, _ buffer: UnsafeMutablePointer<Float>, count: Int) {
        let stream = UInt64(firstStream + row % batchSize), step = UInt64(row / batchSize)
        let seed = splitMix64(key ^ (stream << 32 | step))
        for c in 0..<count {
            buffer[c] = Float(splitMix64(seed &+ UInt64(c + 1) &* 0x9E37_79B9_7F4A_7C15) >> 40) * 0x1p-24
        }
    }
}

/// The keys of one training step's dropout masks: the run's seed, the step, and where the
/// batch part starts. A model hands each of its dropout sites (`site` 0, 1, …) its own
/// `DropoutRowKeys`.
public struct DropoutKeys: Sendable, Equatable {
    public var seed: UInt64
    /// The optimizer step (0-based) the masks are for.
    public var step: Int
    /// The global index of the first stream of the batch part being computed.
    public var firstStream: Int

    public init(seed: UInt64, step: Int, firstStream: Int = 0) {
        self.seed = seed
        self.step = step
        self.firstStream = firstStream
    }

    /// The row keys of dropout site `site` for an input of `batchSize` streams.
    public func rowKeys(site: Int, batchSize: Int) -> DropoutRowKeys {
        DropoutRowKeys(key: siteKey(site), firstStream: firstStream, batchSize: batchSize)
    }

    /// The keys of a mask drawn once for the whole batch, not per stream — embedding dropout's
    /// (V) words, weight drop's (G·H, P) matrix: row r of the mask is a function of (seed, step,
    /// site, r) alone, so every micro-batch and every process of the step draws the same one.
    public func batchKeys(site: Int, rows: Int) -> DropoutRowKeys {
        DropoutRowKeys(key: siteKey(site), firstStream: 0, batchSize: rows)
    }

    private func siteKey(_ site: Int) -> UInt64 {
        let stepKey = splitMix64(splitMix64(seed) ^ UInt64(step))
        return splitMix64(stepKey ^ (UInt64(site) &+ 1) &* 0xD1B5_4A32_D192_ED03)
    }
}

/// SplitMix64's output function (Steele, Lea & Flood, 2014): a bijective 64-bit mix.
@inline(__always)
func splitMix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
