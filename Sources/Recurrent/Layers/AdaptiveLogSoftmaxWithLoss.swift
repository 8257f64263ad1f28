/// The adaptive softmax of Grave et al. 2017 ("Efficient softmax approximation for GPUs"), as
/// `torch.nn.AdaptiveLogSoftmaxWithLoss`: an exact distribution over V classes that costs far
/// less than a full (V, H) softmax when the classes are ordered by frequency, most frequent
/// first.
///
/// The cutoffs c₀ < c₁ < … < c_{K−1} (each in 1 … V−1; c_K = V) split the classes into a
/// shortlist `0 ..< c₀` and K tail clusters `c_{i} ..< c_{i+1}`. The head scores the shortlist
/// and one logit per cluster; cluster i projects the input down to H / divᶦ⁺¹ features and then
/// scores its own words:
///
///     head  = x·W_headᵀ (+ b)                        (N, c₀ + K)
///     tail_i = (x·W_i,0ᵀ)·W_i,1ᵀ                     (N, c_{i+1} − c_i),  W_i,0 (⌊H/divᶦ⁺¹⌋, H)
///     log p(v) = log_softmax(head)[v]                                for v < c₀
///     log p(v) = log_softmax(head)[c₀ + i] + log_softmax(tail_i)[v − c_i]   for v in cluster i
///
/// The probabilities sum to one exactly (the head's softmax splits the mass between shortlist
/// words and clusters, each cluster's softmax splits its share). Training needs only the head
/// for every row and, for each cluster, the rows whose target falls in it:
///
///     loss = −(1/N) Σ_n log p(y_n)                              (PyTorch's `loss`, the mean)
///
/// Parameters, as `state_dict` names of the PyTorch module: `head.weight` (c₀ + K, H),
/// `head.bias` (c₀ + K) when `headBias`, and for each cluster `tail.i.0.weight` (⌊H/divᶦ⁺¹⌋, H),
/// `tail.i.1.weight` (c_{i+1} − c_i, ⌊H/divᶦ⁺¹⌋), no biases. Each is initialised as
/// `torch.nn.Linear`, U(±1/√fan_in), head first, then the clusters in order.
///
/// Buffers are owned and reused; outputs are views valid until the next call. `lossAndGradient`
/// adds into the parameters' gradients (the trainer zeroes them).
public final class AdaptiveLogSoftmaxWithLoss: ParameterContainer {
    /// H, the input features.
    public let inputSize: Int
    /// V, the number of classes.
    public let classCount: Int
    /// c₀ … c_{K−1} as given (without V).
    public let cutoffs: [Int]
    /// div: cluster i projects to ⌊H / divᶦ⁺¹⌋ features.
    public let divValue: Double
    /// The head, (c₀ + K) outputs.
    public let head: Linear
    /// Cluster i: H → ⌊H/divᶦ⁺¹⌋ (`tail.i.0`), then → its c_{i+1} − c_i words (`tail.i.1`).
    public let tail: [(projection: Linear, output: Linear)]
    public let parameters: [Parameter]

    /// c₀: the classes the head scores directly.
    public var shortlistSize: Int { cutoffs[0] }
    /// K.
    public var clusterCount: Int { cutoffs.count }
    /// The classes of cluster i: c_i ..< c_{i+1} (c_K = V).
    public func classRange(ofCluster i: Int) -> Range<Int> {
        cutoffs[i]..<(i + 1 < cutoffs.count ? cutoffs[i + 1] : classCount)
    }

    // Scratch for `loss` / `lossAndGradient` (see +Loss) and the default `logProb` workspace.
    let gathered = GrowableBuffer()          // (n_i, H) the rows of cluster i
    let dInputSpace = GrowableBuffer()       // (N, H)
    var headTargets: [Int32] = []            // N: the shortlist id, or c₀ + cluster
    var clusterRows: [[Int]]                 // per cluster: the rows n whose target is in it
    var relativeTargets: [Int32] = []        // n_i: y_n − c_i
    let workspace = Workspace()

    /// Feature sizes of the K tail projections, ⌊H / divᶦ⁺¹⌋ (PyTorch's `int(H // div ** (i + 1))`).
    public static func projectionSizes(inputSize: Int, clusterCount: Int, divValue: Double) -> [Int] {
        (0..<clusterCount).map { i in
            var divisor = 1.0
            for _ in 0...i { divisor *= divValue }
            return Int((Double(inputSize) / divisor).rounded(.down))
        }
    }

    /// What is wrong with these settings, one message each (empty when valid): PyTorch's
    /// checks (cutoffs unique, increasing, in 1 … V−1; at least one), a positive div, and every
    /// tail projection at least one feature wide (PyTorch would build a 0-wide layer, under
    /// which a cluster is uniform).
    public static func problems(inputSize: Int, classCount: Int, cutoffs: [Int], divValue: Double) -> [String] {
        var out: [String] = []
        if cutoffs.isEmpty { out.append("an adaptive softmax needs at least one cutoff") }
        if !cutoffs.isEmpty && (cutoffs != cutoffs.sorted() || Set(cutoffs).count != cutoffs.count
                                || cutoffs.first! < 1 || cutoffs.last! > classCount - 1) {
            out.append("cutoffs must be unique, increasing and between 1 and the vocabulary size − 1 (\(classCount - 1)), got \(cutoffs)")
        }
        if !(divValue >= 1 && divValue.isFinite) { out.append("the adaptive softmax's div value must be at least 1, got \(divValue)") }
        else if inputSize >= 1 {
            let sizes = projectionSizes(inputSize: inputSize, clusterCount: cutoffs.count, divValue: divValue)
            if let i = sizes.firstIndex(where: { $0 < 1 }) {
                out.append("tail cluster \(i) would project \(inputSize) features to ⌊\(inputSize)/\(divValue)^\(i + 1)⌋ = 0; "
                           + "use fewer cutoffs, a smaller div value or a larger hidden size")
            }
        }
        return out
    }

    /// A layer initialised as PyTorch's: every weight (and the head bias) from U(±1/√fan_in),
    /// drawn by `generator` — head weight, head bias, then `tail.0.0`, `tail.0.1`, `tail.1.0`, ….
    /// Preconditions: `problems(…)` is empty (check user input with it first).
    public init(inputSize: Int, classCount: Int, cutoffs: [Int], divValue: Double = 4, headBias: Bool = false,
                generator: inout RandomGenerator) {
        let problems = Self.problems(inputSize: inputSize, classCount: classCount, cutoffs: cutoffs, divValue: divValue)
        precondition(problems.isEmpty, "AdaptiveLogSoftmaxWithLoss: " + problems.joined(separator: "; "))
        self.inputSize = inputSize
        self.classCount = classCount
        self.cutoffs = cutoffs
        self.divValue = divValue
        head = Linear(inputSize: inputSize, outputSize: cutoffs[0] + cutoffs.count, bias: headBias, generator: &generator)
        let sizes = Self.projectionSizes(inputSize: inputSize, clusterCount: cutoffs.count, divValue: divValue)
        var tail: [(projection: Linear, output: Linear)] = []
        for i in 0..<cutoffs.count {
            let words = (i + 1 < cutoffs.count ? cutoffs[i + 1] : classCount) - cutoffs[i]
            let projection = Linear(inputSize: inputSize, outputSize: sizes[i], bias: false, generator: &generator)
            let output = Linear(inputSize: sizes[i], outputSize: words, bias: false, generator: &generator)
            tail.append((projection, output))
        }
        self.tail = tail
        var parameters = head.parameters.map { $0.prefixed("head") }
        for (i, cluster) in tail.enumerated() {
            parameters += cluster.projection.parameters.map { $0.prefixed("tail.\(i).0") }
            parameters += cluster.output.parameters.map { $0.prefixed("tail.\(i).1") }
        }
        self.parameters = parameters
        clusterRows = Array(repeating: [], count: cutoffs.count)
    }

    /// Whether the head has a bias.
    public var headBias: Bool { head.bias != nil }

    /// The cluster of class `v` (nil: the shortlist).
    @inline(__always)
    func cluster(of v: Int) -> Int? {
        guard v >= cutoffs[0] else { return nil }
        var i = 0
        while i + 1 < cutoffs.count && v >= cutoffs[i + 1] { i += 1 }
        return i
    }
}
