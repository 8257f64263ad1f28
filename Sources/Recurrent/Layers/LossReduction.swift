/// How a loss combines its per-element terms, as PyTorch's `reduction` argument.
public enum LossReduction: String, Sendable, Codable, CaseIterable {
    /// The average over the counted terms (PyTorch's default).
    case mean
    /// The plain sum.
    case sum
}
