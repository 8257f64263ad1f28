import Foundation
import Recurrent

// Loader for the PyTorch reference fixtures in `Tests/RecurrentTests/Fixtures/` (format and
// regeneration: `Fixtures/README.md`, generator: `Scripts/make_fixtures.py`). Fixtures are found
// next to this source file through `#filePath`, not as SwiftPM resources, so they need no
// bundle and work the same in every checkout and in CI.
//
//     let f = try Fixture.recurrent("lstm_2layer_bidir")     // or Fixture.load(name, as: RecurrentFixture.self)
//     f.config.hiddenSize                                    // 4
//     f.params["weight_ih_l0"]!.matrix()                     // (4H, I) Matrix
//     f.inputTimeMajor.matrix()                              // (T·B, I), whatever the file's layout
//     #expect(f.grads["input"]!.mismatch(ours) == nil)       // nil when within tolerance

/// Why a fixture could not be read.
enum FixtureError: Error, CustomStringConvertible {
    case missing(path: String)
    case unreadable(path: String, underlying: String)
    case wrongKind(name: String, expected: String, found: String)

    var description: String {
        switch self {
        case .missing(let path):
            return "fixture \(path) does not exist; regenerate with `python Scripts/make_fixtures.py` (see Fixtures/README.md)"
        case .unreadable(let path, let underlying):
            return "fixture \(path) could not be decoded: \(underlying); regenerate it with Scripts/make_fixtures.py"
        case .wrongKind(let name, let expected, let found):
            return "fixture \(name) has kind \"\(found)\", asked for \"\(expected)\""
        }
    }
}

/// A tensor from a fixture: its PyTorch shape and its values flat in row-major order.
struct FixtureTensor: Decodable, Sendable {
    let shape: [Int]
    /// The values as written: for inputs (input, h0/c0, params, loss weights, optimizer grads,
    /// logits) the shortest decimal of a float32, for computed values float64 rounded to 9
    /// significant digits; integers for index/target tensors. An input's decimal read as a
    /// Double is *not* its float32 value (off by up to ½ ulp of Float): use `floats`, or
    /// `float32Values` to recompute in Double from exactly what a Float implementation sees.
    let values: [Double]

    enum CodingKeys: String, CodingKey { case shape, data }

    init(shape: [Int], values: [Double]) {
        self.shape = shape
        self.values = values
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        shape = try c.decode([Int].self, forKey: .shape)
        values = try c.decode([Double].self, forKey: .data)
    }

    /// Product of the shape (1 for a scalar).
    var elementCount: Int { shape.reduce(1, *) }
    var count: Int { values.count }
    /// The values as Float (exact for inputs).
    var floats: [Float] { values.map { Float($0) } }
    /// The values rounded to Float and widened back: an input's exact float32 value as a Double.
    var float32Values: [Double] { values.map { Double(Float($0)) } }
    var ints: [Int] { values.map { Int($0) } }

    /// The tensor as a `rows × cols` matrix: rows = product of all but the last dimension,
    /// cols = the last (a 1-D tensor of n values is `1 × n`, a scalar `1 × 1`). So (T, B, H)
    /// becomes the time-major sequence matrix (T·B, H), and (4H, I) stays (4H, I).
    func matrix() -> Matrix {
        let cols = shape.last ?? 1
        let rows = shape.count <= 1 ? 1 : shape.dropLast().reduce(1, *)
        return Matrix(rows: rows, cols: cols, values: floats)
    }

    /// The values as a `rows × cols` matrix (rows·cols must equal the element count).
    func matrix(rows: Int, cols: Int) -> Matrix {
        precondition(rows * cols == values.count, "fixture tensor \(shape) has \(values.count) values, not \(rows)×\(cols)")
        return Matrix(rows: rows, cols: cols, values: floats)
    }

    /// Index `i` along the first axis: shape `shape[1...]` (e.g. h_n[l·D + d] → (B, H)).
    func slice(_ i: Int) -> FixtureTensor {
        precondition(!shape.isEmpty && i >= 0 && i < shape[0], "slice \(i) outside first axis of \(shape)")
        let inner = shape.dropFirst().reduce(1, *)
        return FixtureTensor(shape: Array(shape.dropFirst()), values: Array(values[i * inner ..< (i + 1) * inner]))
    }

    /// The first two axes swapped ((B, T, F) ↔ (T, B, F)); for switching sequence layouts.
    func swappingFirstTwoAxes() -> FixtureTensor {
        precondition(shape.count >= 2, "need at least 2 axes, have \(shape)")
        let (a, b) = (shape[0], shape[1])
        let inner = shape.dropFirst(2).reduce(1, *)
        var out = [Double](repeating: 0, count: values.count)
        for i in 0..<a {
            for j in 0..<b {
                let src = (i * b + j) * inner, dst = (j * a + i) * inner
                for k in 0..<inner { out[dst + k] = values[src + k] }
            }
        }
        var newShape = shape
        newShape.swapAt(0, 1)
        return FixtureTensor(shape: newShape, values: out)
    }

    /// nil when every `actual[i]` is within `absolute + relative·|expected[i]|` of the fixture
    /// value; otherwise a description of the count mismatch or of the worst element, for
    /// `#expect(reference.mismatch(ours) == nil)`.
    func mismatch(_ actual: [Float], absolute: Double = 1e-5, relative: Double = 1e-4) -> String? {
        guard actual.count == values.count else {
            return "count \(actual.count) ≠ fixture count \(values.count) (shape \(shape))"
        }
        var worst: (index: Int, excess: Double)? = nil
        var failures = 0
        for (i, (a, e)) in zip(actual, values).enumerated() {
            let diff = abs(Double(a) - e)
            let allowed = absolute + relative * abs(e)
            if !(diff <= allowed) {             // also catches NaN
                failures += 1
                let excess = diff.isNaN ? .infinity : diff / allowed
                if worst == nil || excess > worst!.excess { worst = (i, excess) }
            }
        }
        guard let w = worst else { return nil }
        return "\(failures) of \(values.count) values outside \(absolute) + \(relative)·|ref|; worst at flat index \(w.index) "
            + "(shape \(shape)): got \(actual[w.index]), expected \(values[w.index])"
    }

    func mismatch(_ actual: Matrix, absolute: Double = 1e-5, relative: Double = 1e-4) -> String? {
        mismatch(actual.toArray(), absolute: absolute, relative: relative)
    }
}

/// A scalar compared the same way as `FixtureTensor.mismatch`.
func scalarMismatch(_ actual: Double, _ expected: Double, absolute: Double = 1e-5, relative: Double = 1e-4) -> String? {
    let diff = abs(actual - expected)
    return diff <= absolute + relative * abs(expected) ? nil : "got \(actual), expected \(expected) (diff \(diff))"
}

/// A fixture file type: its `kind` field selects the Swift type that reads it.
protocol FixtureKind: Decodable {
    static var kind: String { get }
    var name: String { get }
    /// Every tensor in the file with a path-like label, for consistency checks.
    var allTensors: [(String, FixtureTensor)] { get }
}

private func labelled(_ prefix: String, _ map: [String: FixtureTensor], order: [String]? = nil) -> [(String, FixtureTensor)] {
    (order ?? map.keys.sorted()).compactMap { k in map[k].map { ("\(prefix).\(k)", $0) } }
}

enum Fixture {
    /// `Tests/RecurrentTests/Fixtures`, found from this file's path.
    static var directory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()    // Support
            .deletingLastPathComponent()    // RecurrentTests
            .appendingPathComponent("Fixtures", isDirectory: true)
    }

    /// Names (file names without `.json`) of every fixture, sorted; only those of `kind` if given.
    static func names(kind: String? = nil) throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        let names = files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
        guard let kind else { return names }
        return try names.filter { try header($0).kind == kind }
    }

    /// The `name` and `kind` of a fixture, to dispatch on.
    static func header(_ name: String) throws -> FixtureHeader {
        try decode(name, as: FixtureHeader.self)
    }

    /// The fixture `name` read as `type`; throws `FixtureError.wrongKind` when its `kind` differs.
    static func load<T: FixtureKind>(_ name: String, as type: T.Type = T.self) throws -> T {
        let h = try header(name)
        guard h.kind == T.kind else { throw FixtureError.wrongKind(name: name, expected: T.kind, found: h.kind) }
        return try decode(name, as: T.self)
    }

    static func recurrent(_ name: String) throws -> RecurrentFixture { try load(name) }
    static func optimizer(_ name: String) throws -> OptimizerFixture { try load(name) }
    static func clip(_ name: String) throws -> ClipFixture { try load(name) }
    static func linear(_ name: String) throws -> LinearFixture { try load(name) }
    static func adaptiveSoftmax(_ name: String) throws -> AdaptiveSoftmaxFixture { try load(name) }
    static func embedding(_ name: String) throws -> EmbeddingFixture { try load(name) }
    static func crossEntropy(_ name: String) throws -> CrossEntropyFixture { try load(name) }
    static func mse(_ name: String) throws -> MSEFixture { try load(name) }
    static func training(_ name: String) throws -> TrainingFixture { try load(name) }

    private static func decode<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = directory.appendingPathComponent(name + ".json")
        guard FileManager.default.fileExists(atPath: url.path) else { throw FixtureError.missing(path: url.path) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
        } catch {
            throw FixtureError.unreadable(path: url.path, underlying: String(describing: error))
        }
    }
}

struct FixtureHeader: Decodable {
    let name: String
    let kind: String
}

// MARK: - Recurrent layers

/// `config` of a recurrent fixture (the nn.LSTM / nn.GRU / nn.RNN constructor arguments).
struct RecurrentConfig: Decodable {
    /// "LSTM", "GRU" or "RNN".
    let module: String
    let inputSize: Int
    let hiddenSize: Int
    let numLayers: Int
    let bias: Bool
    let batchFirst: Bool
    let bidirectional: Bool
    /// "tanh" or "relu" for RNN; nil otherwise.
    let nonlinearity: String?
    /// LSTM with peephole weights `weight_ci/cf/co_l{k}` (H).
    let peepholes: Bool
    let dropout: Double
    /// LSTM `proj_size` (Scripts/make_library_fixtures.py); absent means 0.
    let projSize: Int?

    var numDirections: Int { bidirectional ? 2 : 1 }
    /// Gate count G in the (G·H, ·) weights: 4 (i,f,g,o), 3 (r,z,n), 1.
    var gateCount: Int { module == "LSTM" ? 4 : module == "GRU" ? 3 : 1 }

    enum CodingKeys: String, CodingKey {
        case module, bias, bidirectional, nonlinearity, peepholes, dropout
        case inputSize = "input_size", hiddenSize = "hidden_size", numLayers = "num_layers", batchFirst = "batch_first"
        case projSize = "proj_size"
    }
}

/// A recurrent layer's forward and backward under loss = Σ output⊙W_o + Σ h_n⊙W_h (+ Σ c_n⊙W_c).
/// Layout of `input`, `output`, `grads["input"]`: (B, T, ·) if `config.batchFirst`, else (T, B, ·).
/// `h0`, `c0`, `hN`, `cN`: (L·D, B, H).
struct RecurrentFixture: FixtureKind {
    static let kind = "recurrent"
    let name: String
    let config: RecurrentConfig
    let seqLen: Int
    let batch: Int
    let input: FixtureTensor
    let h0: FixtureTensor?
    let c0: FixtureTensor?
    /// `state_dict` order of `params`.
    let paramOrder: [String]
    let params: [String: FixtureTensor]
    let output: FixtureTensor
    let hN: FixtureTensor
    let cN: FixtureTensor?
    let wO: FixtureTensor
    let wH: FixtureTensor
    let wC: FixtureTensor?
    let loss: Double
    /// Every parameter name, plus "input", and "h0"/"c0" when the fixture gives them.
    let grads: [String: FixtureTensor]
    /// Each sequence's length for a packed-sequence fixture (Scripts/make_library_fixtures.py).
    let lengths: [Int]?

    enum CodingKeys: String, CodingKey {
        case name, config, input, h0, c0, params, output, loss, grads, batch, lengths
        case seqLen = "seq_len", paramOrder = "param_order", hN = "h_n", cN = "c_n"
        case wO = "W_o", wH = "W_h", wC = "W_c"
    }

    /// Input as (T, B, I), whichever layout the file uses; `.matrix()` gives (T·B, I).
    var inputTimeMajor: FixtureTensor { config.batchFirst ? input.swappingFirstTwoAxes() : input }
    /// Output as (T, B, D·H).
    var outputTimeMajor: FixtureTensor { config.batchFirst ? output.swappingFirstTwoAxes() : output }
    /// W_o (the upstream gradient of the output) as (T, B, D·H).
    var wOTimeMajor: FixtureTensor { config.batchFirst ? wO.swappingFirstTwoAxes() : wO }
    /// d loss / d input as (T, B, I).
    var gradInputTimeMajor: FixtureTensor {
        let g = grads["input"]!
        return config.batchFirst ? g.swappingFirstTwoAxes() : g
    }

    var allTensors: [(String, FixtureTensor)] {
        var all: [(String, FixtureTensor)] = [("input", input), ("output", output), ("h_n", hN), ("W_o", wO), ("W_h", wH)]
        if let h0 { all.append(("h0", h0)) }
        if let c0 { all.append(("c0", c0)) }
        if let cN { all.append(("c_n", cN)) }
        if let wC { all.append(("W_c", wC)) }
        return all + labelled("params", params, order: paramOrder) + labelled("grads", grads)
    }
}

// MARK: - Optimizers and clipping

/// Resolved optimizer hyper-parameters (PyTorch `param_groups[0]`); absent ones are nil.
struct OptimizerConfig: Decodable {
    /// "SGD", "Adam", "AdamW" or "RMSprop".
    let optimizer: String
    let lr: Double
    let momentum: Double?
    let dampening: Double?
    let nesterov: Bool?
    let weightDecay: Double?
    let betas: [Double]?
    let eps: Double?
    let alpha: Double?
    let centered: Bool?
    let amsgrad: Bool?
    let maximize: Bool?

    enum CodingKeys: String, CodingKey {
        case optimizer, lr, momentum, dampening, nesterov, betas, eps, alpha, centered, amsgrad, maximize
        case weightDecay = "weight_decay"
    }
}

/// Five optimizer steps from `initial` with gradients `grads[k]`; `steps[k]` is the parameters
/// after step k+1. `state` is PyTorch's per-parameter state after the last step.
struct OptimizerFixture: FixtureKind {
    static let kind = "optimizer"
    let name: String
    let config: OptimizerConfig
    let paramOrder: [String]
    let initial: [String: FixtureTensor]
    let grads: [[String: FixtureTensor]]
    let steps: [[String: FixtureTensor]]
    let stateStep: Int?
    /// e.g. state["a"]!["exp_avg"]; names: momentum_buffer, exp_avg, exp_avg_sq, square_avg, grad_avg.
    let state: [String: [String: FixtureTensor]]

    enum CodingKeys: String, CodingKey {
        case name, config, initial, grads, steps, state
        case paramOrder = "param_order", stateStep = "state_step"
    }

    var allTensors: [(String, FixtureTensor)] {
        var all = labelled("initial", initial, order: paramOrder)
        for (k, g) in grads.enumerated() { all += labelled("grads[\(k)]", g, order: paramOrder) }
        for (k, s) in steps.enumerated() { all += labelled("steps[\(k)]", s, order: paramOrder) }
        for p in paramOrder { all += labelled("state.\(p)", state[p] ?? [:]) }
        return all
    }
}

struct ClipConfig: Decodable {
    /// "clip_grad_norm_" or "clip_grad_value_".
    let function: String
    let maxNorm: Double?
    /// 2, or `.infinity` (written "inf" in the file).
    let normType: Double?
    let clipValue: Double?

    enum CodingKeys: String, CodingKey {
        case function, maxNorm = "max_norm", normType = "norm_type", clipValue = "clip_value"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        function = try c.decode(String.self, forKey: .function)
        maxNorm = try c.decodeIfPresent(Double.self, forKey: .maxNorm)
        clipValue = try c.decodeIfPresent(Double.self, forKey: .clipValue)
        if let s = try? c.decodeIfPresent(String.self, forKey: .normType) {
            guard s == "inf" else {
                throw DecodingError.dataCorruptedError(forKey: .normType, in: c, debugDescription: "norm_type \(s)")
            }
            normType = .infinity
        } else {
            normType = try c.decodeIfPresent(Double.self, forKey: .normType)
        }
    }
}

/// Gradients before (`grads`) and after (`clipped`) clipping; `totalNorm` is the norm before
/// clipping (nil for value clipping).
struct ClipFixture: FixtureKind {
    static let kind = "clip"
    let name: String
    let config: ClipConfig
    let paramOrder: [String]
    let grads: [String: FixtureTensor]
    let totalNorm: Double?
    let clipped: [String: FixtureTensor]

    enum CodingKeys: String, CodingKey {
        case name, config, grads, clipped, paramOrder = "param_order", totalNorm = "total_norm"
    }

    var allTensors: [(String, FixtureTensor)] {
        labelled("grads", grads, order: paramOrder) + labelled("clipped", clipped, order: paramOrder)
    }
}

// MARK: - Building blocks

struct LinearConfig: Decodable {
    let inFeatures: Int
    let outFeatures: Int
    let bias: Bool
    enum CodingKeys: String, CodingKey { case bias, inFeatures = "in_features", outFeatures = "out_features" }
}

/// nn.Linear: input (N, in), weight (out, in), bias (out); loss = Σ output⊙W_o;
/// grads "weight", "bias" (if any), "input".
struct LinearFixture: FixtureKind {
    static let kind = "linear"
    let name: String
    let config: LinearConfig
    let input: FixtureTensor
    let paramOrder: [String]
    let params: [String: FixtureTensor]
    let output: FixtureTensor
    let wO: FixtureTensor
    let loss: Double
    let grads: [String: FixtureTensor]

    enum CodingKeys: String, CodingKey {
        case name, config, input, params, output, loss, grads, paramOrder = "param_order", wO = "W_o"
    }

    var allTensors: [(String, FixtureTensor)] {
        [("input", input), ("output", output), ("W_o", wO)] + labelled("params", params, order: paramOrder)
            + labelled("grads", grads)
    }
}

struct AdaptiveSoftmaxConfig: Decodable {
    let inFeatures: Int
    let nClasses: Int
    let cutoffs: [Int]
    let divValue: Double
    let headBias: Bool
    enum CodingKeys: String, CodingKey {
        case cutoffs, inFeatures = "in_features", nClasses = "n_classes", divValue = "div_value", headBias = "head_bias"
    }
}

/// nn.AdaptiveLogSoftmaxWithLoss: input (N, in), targets (N) integers; `output` (N) the target
/// log-probabilities, `loss` their negated mean, `log_prob` (N, V); grads of the loss for every
/// parameter and "input".
struct AdaptiveSoftmaxFixture: FixtureKind {
    static let kind = "adaptive_softmax"
    let name: String
    let config: AdaptiveSoftmaxConfig
    let input: FixtureTensor
    let targets: FixtureTensor
    let paramOrder: [String]
    let params: [String: FixtureTensor]
    let output: FixtureTensor
    let loss: Double
    let logProb: FixtureTensor
    let grads: [String: FixtureTensor]

    enum CodingKeys: String, CodingKey {
        case name, config, input, targets, params, output, loss, grads, paramOrder = "param_order", logProb = "log_prob"
    }

    var allTensors: [(String, FixtureTensor)] {
        [("input", input), ("targets", targets), ("output", output), ("log_prob", logProb)]
            + labelled("params", params, order: paramOrder) + labelled("grads", grads)
    }
}

struct EmbeddingConfig: Decodable {
    let numEmbeddings: Int
    let embeddingDim: Int
    enum CodingKeys: String, CodingKey { case numEmbeddings = "num_embeddings", embeddingDim = "embedding_dim" }
}

/// nn.Embedding: `indices` (T, B) integers (use `.ints`), weight (V, E), output (T, B, E);
/// loss = Σ output⊙W_o; grads "weight".
struct EmbeddingFixture: FixtureKind {
    static let kind = "embedding"
    let name: String
    let config: EmbeddingConfig
    let indices: FixtureTensor
    let params: [String: FixtureTensor]
    let output: FixtureTensor
    let wO: FixtureTensor
    let loss: Double
    let grads: [String: FixtureTensor]

    enum CodingKeys: String, CodingKey { case name, config, indices, params, output, loss, grads, wO = "W_o" }

    var allTensors: [(String, FixtureTensor)] {
        [("indices", indices), ("output", output), ("W_o", wO)] + labelled("params", params) + labelled("grads", grads)
    }
}

struct CrossEntropyConfig: Decodable {
    /// "mean" (over non-ignored targets) or "sum".
    let reduction: String
    let ignoreIndex: Int
    let numClasses: Int
    enum CodingKeys: String, CodingKey {
        case reduction, ignoreIndex = "ignore_index", numClasses = "num_classes"
    }
}

/// F.cross_entropy over `logits` (N, V) and `targets` (N) integers (some equal to ignore_index);
/// grads "logits".
struct CrossEntropyFixture: FixtureKind {
    static let kind = "cross_entropy"
    let name: String
    let config: CrossEntropyConfig
    let logits: FixtureTensor
    let targets: FixtureTensor
    let loss: Double
    let grads: [String: FixtureTensor]

    var allTensors: [(String, FixtureTensor)] {
        [("logits", logits), ("targets", targets)] + labelled("grads", grads)
    }
}

struct MSEConfig: Decodable {
    let reduction: String
}

/// F.mse_loss(input, target) with reduction "mean" or "sum"; grads "input", "target".
struct MSEFixture: FixtureKind {
    static let kind = "mse"
    let name: String
    let config: MSEConfig
    let input: FixtureTensor
    let target: FixtureTensor
    let loss: Double
    let grads: [String: FixtureTensor]

    var allTensors: [(String, FixtureTensor)] {
        [("input", input), ("target", target)] + labelled("grads", grads)
    }
}

// MARK: - Whole training steps

struct TrainingModelConfig: Decodable {
    let vocabSize: Int
    let embeddingDim: Int
    /// "LSTM", "GRU" or "RNN" (tanh).
    let module: String
    let hiddenSize: Int
    let numLayers: Int
    let dropout: Double
    enum CodingKeys: String, CodingKey {
        case module, dropout, vocabSize = "vocab_size", embeddingDim = "embedding_dim"
        case hiddenSize = "hidden_size", numLayers = "num_layers"
    }
}

struct TrainingClipConfig: Decodable {
    let maxNorm: Double
    let normType: Double
    enum CodingKeys: String, CodingKey { case maxNorm = "max_norm", normType = "norm_type" }
}

struct TrainingConfig: Decodable {
    let model: TrainingModelConfig
    let optimizer: OptimizerConfig
    /// Global-norm clipping before each optimizer step, or nil for none.
    let clip: TrainingClipConfig?
    /// true: each batch starts from the previous batch's final state, detached (truncated
    /// BPTT); false: every batch starts from zeros.
    let carryState: Bool
    let seqLen: Int
    let batch: Int
    let numSteps: Int
    enum CodingKeys: String, CodingKey {
        case model, optimizer, clip, batch
        case carryState = "carry_state", seqLen = "seq_len", numSteps = "num_steps"
    }
}

/// Embedding → recurrent stack → Linear → cross-entropy (mean over T·B), trained for `numSteps`
/// steps: per step zero grads, forward `batches[k].inputs` (T, B) ids, loss against
/// `batches[k].targets` (T, B), backward, clip (if configured), optimizer step.
/// Parameter names: `embedding.weight`, `lstm.weight_ih_l0` (or `gru.` / `rnn.`), `linear.weight`,
/// `linear.bias`. `losses[k]` and `gradNorms[k]` (L2, before clipping) are step k's;
/// `firstStepGrads` the gradients of step 1 (before clipping); `final` the parameters after the
/// last step; `hN`/`cN` the state after the last batch, (L, B, H).
struct TrainingFixture: FixtureKind {
    static let kind = "training"
    let name: String
    let config: TrainingConfig
    let paramOrder: [String]
    let initial: [String: FixtureTensor]
    let batches: [Batch]
    let losses: [Double]
    let gradNorms: [Double]
    let firstStepGrads: [String: FixtureTensor]
    let final: [String: FixtureTensor]
    let hN: FixtureTensor?
    let cN: FixtureTensor?

    struct Batch: Decodable {
        let inputs: FixtureTensor
        let targets: FixtureTensor
    }

    enum CodingKeys: String, CodingKey {
        case name, config, initial, batches, losses, final
        case paramOrder = "param_order", gradNorms = "grad_norms", firstStepGrads = "first_step_grads"
        case hN = "h_n", cN = "c_n"
    }

    var allTensors: [(String, FixtureTensor)] {
        var all = labelled("initial", initial, order: paramOrder) + labelled("final", final, order: paramOrder)
            + labelled("first_step_grads", firstStepGrads, order: paramOrder)
        for (k, b) in batches.enumerated() { all += [("batches[\(k)].inputs", b.inputs), ("batches[\(k)].targets", b.targets)] }
        if let hN { all.append(("h_n", hN)) }
        if let cN { all.append(("c_n", cN)) }
        return all
    }
}
