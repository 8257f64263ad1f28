/// A trainable tensor: its value and its gradient (same shape), under the name and shape the
/// equivalent PyTorch module's `state_dict` uses.
///
/// `value` and `gradient` are views (often into one flat allocation owned by the layer);
/// an optimizer updates `value` in place, backward passes add into `gradient`, and only the
/// trainer zeroes gradients.
public struct Parameter: @unchecked Sendable {
    /// The `state_dict` name relative to the owning module, e.g. `weight_ih_l0`.
    public var name: String
    /// The PyTorch shape, e.g. `[4 * hiddenSize, inputSize]`, or `[4 * hiddenSize]` for a bias.
    public let shape: [Int]
    public let value: Matrix
    public let gradient: Matrix

    public init(name: String, shape: [Int], value: Matrix, gradient: Matrix) {
        precondition(shape.reduce(1, *) == value.count && value.rows == gradient.rows && value.cols == gradient.cols,
                     "parameter \(name): shape \(shape) does not match value \(value.rows)×\(value.cols) / gradient")
        self.name = name
        self.shape = shape
        self.value = value
        self.gradient = gradient
    }

    /// The same parameter under `prefix + "." + name` (how a model names its layers' parameters).
    public func prefixed(_ prefix: String) -> Parameter {
        var p = self
        p.name = prefix.isEmpty ? name : prefix + "." + name
        return p
    }
}

/// Anything that owns trainable parameters.
public protocol ParameterContainer {
    /// Every parameter, in a stable order, named as the PyTorch `state_dict` of the equivalent module.
    var parameters: [Parameter] { get }
}

extension ParameterContainer {
    /// Sets every gradient to zero (the trainer calls this once per optimizer step).
    public func zeroGradients() {
        for p in parameters { p.gradient.fill(0) }
    }
}
