/// An affine map applied to every row: `Y = X·Wᵀ + b`.
///
/// Shapes: input X is (N, I), `weight` W is (O, I), `bias` b is (O), output Y is (N, O).
/// N is any number of rows — a batch, or all T·B steps of a sequence at once.
///
/// Backward, given dY (N, O), **adds** into the gradients and returns dX:
///
///     dW += dYᵀ · X        (O, I)
///     db += Σ_n dY[n]      (O)
///     dX  = dY · W         (N, I)
///
/// Parameters are named `weight` `[O, I]` and `bias` `[O]` like `torch.nn.Linear`, and are
/// initialised as PyTorch does: `kaiming_uniform_(a: √5)` gives W ~ U(−1/√I, 1/√I), and
/// b ~ U(−1/√I, 1/√I) (weight first, then bias, each in row-major order).
///
/// `forward` keeps a reference to X (not a copy) for `backward`, so X must not be overwritten
/// in between; its result and `backward`'s dX are views of layer-owned buffers that the next
/// call of the same method overwrites.
public final class Linear: ParameterContainer {
    /// I, the input features.
    public let inputSize: Int
    /// O, the output features.
    public let outputSize: Int
    /// W (O, I).
    public let weight: Parameter
    /// b (O), or nil when built with `bias: false`.
    public let bias: Parameter?

    private let outputSpace = GrowableBuffer(), dInputSpace = GrowableBuffer()
    private var input: Matrix?

    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    /// A layer initialised as `torch.nn.Linear`: W and b from U(−1/√I, 1/√I), drawn by `generator`.
    public init(inputSize: Int, outputSize: Int, bias: Bool = true, generator: inout RandomGenerator) {
        precondition(inputSize > 0 && outputSize > 0,
                     "Linear needs positive sizes, got inputSize \(inputSize), outputSize \(outputSize)")
        self.inputSize = inputSize
        self.outputSize = outputSize
        let bound = 1 / Float(inputSize).squareRoot()
        let w = Matrix(rows: outputSize, cols: inputSize)
        for i in 0..<w.count { w.pointer[i] = generator.uniform(-bound, bound) }
        weight = Parameter(name: "weight", shape: [outputSize, inputSize], value: w,
                           gradient: Matrix(rows: outputSize, cols: inputSize))
        if bias {
            let b = Matrix(rows: 1, cols: outputSize)
            for i in 0..<outputSize { b.pointer[i] = generator.uniform(-bound, bound) }
            self.bias = Parameter(name: "bias", shape: [outputSize], value: b, gradient: Matrix(rows: 1, cols: outputSize))
        } else {
            self.bias = nil
        }
    }

    /// A layer over existing parameters: `weight` (O, I) shared with another layer (tied
    /// weights — both layers' backward passes add into its one gradient), `bias` (O) or nil.
    public init(weight: Parameter, bias: Parameter?) {
        precondition(weight.shape.count == 2 && bias.map { $0.shape == [weight.shape[0]] } ?? true,
                     "Linear: weight \(weight.shape) and bias \(bias?.shape ?? []) do not fit")
        self.outputSize = weight.shape[0]
        self.inputSize = weight.shape[1]
        self.weight = weight
        self.bias = bias
    }

    /// Y = X·Wᵀ + b for X (N, I); returns Y (N, O).
    public func forward(_ x: Matrix) -> Matrix {
        let y = outputSpace.matrix(rows: x.rows, cols: outputSize)        // (N, O)
        forward(x, into: y)
        return y
    }

    /// Writes Y = X·Wᵀ + b for X (N, I) into `y` (N, O), any view.
    public func forward(_ x: Matrix, into y: Matrix) {
        precondition(x.cols == inputSize && y.rows == x.rows && y.cols == outputSize,
                     "Linear.forward: input \(x.rows)×\(x.cols), output \(y.rows)×\(y.cols); layer is \(inputSize) → \(outputSize)")
        input = x
        gemm(y, x, .none, weight.value, .transposed)
        if let bias { y.addRowVector(bias.value) }
    }

    /// Adds dW and db for dY (N, O) and returns dX (N, I).
    @discardableResult
    public func backward(_ dY: Matrix) -> Matrix {
        let dX = dInputSpace.matrix(rows: dY.rows, cols: inputSize)       // (N, I)
        backward(dY, dInput: dX)
        return dX
    }

    /// Adds dW and db for dY (N, O); writes dX (N, I) into `dInput` when given (pass nil when
    /// the input needs no gradient, saving one GEMM). `accumulate: true` adds into `dInput`
    /// instead of overwriting it.
    public func backward(_ dY: Matrix, dInput dX: Matrix?, accumulate: Bool = false) {
        guard let x = input else { preconditionFailure("Linear.backward called before forward") }
        precondition(dY.rows == x.rows && dY.cols == outputSize,
                     "Linear.backward: dY \(dY.rows)×\(dY.cols), expected \(x.rows)×\(outputSize)")
        gemm(weight.gradient, dY, .transposed, x, .none, beta: 1)       // (O, I) += (O, N)(N, I)
        if let bias { dY.sumRows(into: bias.gradient) }
        if let dX {
            precondition(dX.rows == x.rows && dX.cols == inputSize,
                         "Linear.backward: dInput \(dX.rows)×\(dX.cols), expected \(x.rows)×\(inputSize)")
            gemm(dX, dY, .none, weight.value, .none, beta: accumulate ? 1 : 0)   // (N, I) = (N, O)(O, I)
        }
    }
}
