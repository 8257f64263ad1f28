/// Updates parameters in place from their gradients: one `step()` per optimizer step, with
/// PyTorch's update rules and defaults.
///
/// The optimizer holds the `[Parameter]` views it was given and writes into their `value`s;
/// it reads `gradient`s and never zeroes them (the trainer does).
///
/// ## Checkpoints
/// `state` lists every per-parameter buffer as a tensor named
/// `optimizer.<buffer>.<parameter name>` with the parameter's PyTorch shape. Buffer names
/// are the keys of PyTorch's `optimizer.state_dict()["state"][i]`:
///
/// | optimizer | buffers |
/// | --- | --- |
/// | `SGD` (momentum > 0) | `momentum_buffer` |
/// | `Adam`, `AdamW` | `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq` (amsgrad only) |
/// | `RMSprop` | `square_avg`, `grad_avg` (centered only), `momentum_buffer` (momentum > 0) |
///
/// e.g. `optimizer.exp_avg.lstm.weight_ih_l0`. `stepCount` (PyTorch's per-parameter `step`)
/// is an integer saved beside them (in checkpoint metadata), and hyperparameters belong to the
/// configuration. To resume, build the optimizer with the same hyperparameters over the same
/// parameters, then `loadState(_:)` and set `stepCount`.
public protocol Optimizer: AnyObject {
    /// The parameters updated by `step()`, in a stable order.
    var parameters: [Parameter] { get }
    /// The learning rate of the next step; a schedule may change it between steps.
    var learningRate: Double { get set }
    /// Steps taken so far (0 before the first).
    var stepCount: Int { get set }
    /// Applies one update to every parameter from its current gradient and increments `stepCount`.
    func step()
    /// The per-parameter buffers, named as described above. The `value`s are views of the
    /// optimizer's live buffers: copy them before the next `step()` if you need a snapshot.
    var state: [OptimizerStateTensor] { get }
    /// Copies buffers from `tensors` (name → values in row-major order, e.g. as read from a
    /// checkpoint). Every name listed by `state` must be present with as many values;
    /// other names are ignored. Nothing is changed when it throws.
    func loadState(_ tensors: [String: Matrix]) throws(OptimizerError)
}

/// One optimizer buffer for checkpointing: its name, PyTorch shape and values.
public struct OptimizerStateTensor: @unchecked Sendable {
    /// `optimizer.<buffer>.<parameter name>`, e.g. `optimizer.exp_avg.decoder.weight`.
    public let name: String
    /// The parameter's PyTorch shape.
    public let shape: [Int]
    /// The live buffer.
    public let value: Matrix
}

/// Errors from building an optimizer or loading its state.
public enum OptimizerError: Error, Equatable, CustomStringConvertible {
    /// A hyperparameter outside its valid range (PyTorch raises ValueError for the same values).
    case invalidHyperparameter(optimizer: String, name: String, value: Double, requirement: String)
    /// Nesterov momentum without momentum, or with dampening.
    case invalidNesterov(momentum: Double, dampening: Double)
    /// A checkpoint lacks a buffer this optimizer needs.
    case missingState(name: String)
    /// A checkpoint buffer has the wrong number of values.
    case stateSizeMismatch(name: String, expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .invalidHyperparameter(optimizer, name, value, requirement):
            return "\(optimizer): \(name) = \(value) is invalid; it must be \(requirement)."
        case let .invalidNesterov(momentum, dampening):
            return "SGD: Nesterov momentum needs momentum > 0 and dampening 0 (got momentum \(momentum), dampening \(dampening)); set a momentum such as 0.9 or turn Nesterov off."
        case let .missingState(name):
            return "optimizer state '\(name)' is missing from the checkpoint; it was saved by a different optimizer, optimizer setting or model. Resume with the settings it was trained with, or start the optimizer afresh."
        case let .stateSizeMismatch(name, expected, found):
            return "optimizer state '\(name)' has \(found) values but its parameter has \(expected); the checkpoint belongs to a differently sized model."
        }
    }
}

// MARK: - Shared machinery

/// Throws unless `value` satisfies `condition`.
@inline(__always)
func requireHyperparameter(_ condition: Bool, _ optimizer: String, _ name: String, _ value: Double,
                           _ requirement: String) throws(OptimizerError) {
    if !condition { throw .invalidHyperparameter(optimizer: optimizer, name: name, value: value, requirement: requirement) }
}

/// Named per-parameter buffers of one kind (`exp_avg`, …): one zeroed (rows, cols) matrix per
/// parameter, contiguous even when the parameter's value is a strided view.
struct OptimizerBuffers {
    let kind: String
    let matrices: [Matrix]

    init(kind: String, for parameters: [Parameter]) {
        self.kind = kind
        matrices = parameters.map { Matrix(rows: $0.value.rows, cols: $0.value.cols) }
    }

    func tensors(for parameters: [Parameter]) -> [OptimizerStateTensor] {
        zip(parameters, matrices).map {
            OptimizerStateTensor(name: "optimizer.\(kind).\($0.name)", shape: $0.shape, value: $1)
        }
    }

    func reset() { for m in matrices { m.fill(0) } }
}

/// Checks every buffer's tensor is in `tensors` with the right size, then copies them all
/// (so a failed load changes nothing).
func loadBuffers(_ groups: [OptimizerBuffers], parameters: [Parameter],
                 from tensors: [String: Matrix]) throws(OptimizerError) {
    var plan: [(Matrix, Matrix)] = []
    for group in groups {
        for t in group.tensors(for: parameters) {
            guard let source = tensors[t.name] else { throw .missingState(name: t.name) }
            guard source.count == t.value.count else {
                throw .stateSizeMismatch(name: t.name, expected: t.value.count, found: source.count)
            }
            plan.append((t.value, source))
        }
    }
    for (destination, source) in plan {
        let flat = source.isContiguous ? source : source.copy()
        destination.pointer.update(from: flat.pointer, count: destination.count)
    }
}

/// Parameter names must be unique: they key the state tensors.
func checkUniqueNames(_ parameters: [Parameter], _ optimizer: String) {
    precondition(Set(parameters.map(\.name)).count == parameters.count,
                 "\(optimizer): parameter names must be unique (prefix them by module), got \(parameters.map(\.name))")
}

extension Parameter {
    /// Calls `body(row, valueRow, gradientRow)` for each row; state buffers are contiguous
    /// (rows, cols), so their row r starts at `r * value.cols`.
    @inline(__always)
    func forEachOptimizerRow(_ body: (Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        for r in 0..<value.rows {
            body(r * value.cols, value.pointer + r * value.rowStride, gradient.pointer + r * gradient.rowStride)
        }
    }
}
