/// A language model's output layer, from the top layer's features y (N, H) to a distribution
/// over the V tokens: a full softmax over a linear decoder, or an adaptive softmax.
///
/// Both give logits — rows whose softmax is the model's distribution. The adaptive softmax's
/// are its exact log-probabilities (softmax(log p) = p), so sampling, temperature, top-k and
/// top-p treat both alike; its training and evaluation loss never forms the (N, V) matrix.
public enum LanguageModelOutput {
    /// `decoder`: logits = y·Wᵀ + b, (N, V), then softmax cross-entropy.
    case softmax(Linear)
    /// `decoder` = `nn.AdaptiveLogSoftmaxWithLoss(H, V, cutoffs, div_value, head_bias)`.
    case adaptive(AdaptiveLogSoftmaxWithLoss)

    /// Parameters relative to the module (`weight`, `bias`; or `head.weight`, `tail.0.0.weight`, …).
    var parameters: [Parameter] {
        switch self {
        case .softmax(let decoder): return decoder.parameters
        case .adaptive(let adaptive): return adaptive.parameters
        }
    }

    /// Logits (N, V) for features y (N, H), a view of the layer's buffer.
    func logits(_ y: Matrix) -> Matrix {
        switch self {
        case .softmax(let decoder): return decoder.forward(y)
        case .adaptive(let adaptive): return adaptive.logProb(y)
        }
    }

    /// Mean cross-entropy of `targets` (N ids) given y (N, H), without gradients.
    func loss(_ y: Matrix, targets: UnsafeBufferPointer<Int32>) -> Float {
        switch self {
        case .softmax(let decoder):
            return SoftmaxCrossEntropy().loss(logits: decoder.forward(y), targets: targets)
        case .adaptive(let adaptive):
            return adaptive.loss(y, targets: targets)
        }
    }

    /// Mean cross-entropy; adds dθ into the gradients and returns dLoss/dy (N, H), a view.
    func lossAndGradient(_ y: Matrix, targets: UnsafeBufferPointer<Int32>) -> (loss: Float, dInput: Matrix) {
        switch self {
        case .softmax(let decoder):
            let logits = decoder.forward(y)
            let value = SoftmaxCrossEntropy().lossAndGradient(logits: logits, targets: targets)   // logits now hold dlogits
            return (value, decoder.backward(logits))
        case .adaptive(let adaptive):
            return adaptive.lossAndGradient(y, targets: targets)
        }
    }
}
