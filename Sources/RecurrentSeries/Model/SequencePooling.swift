/// How a sequence of hidden states becomes one feature vector.
public enum SequencePooling: String, Codable, Sendable, CaseIterable {
    /// The hidden state after the last step (for the reverse direction of a bidirectional
    /// layer: after its last step, which is time 0).
    case last
    /// The mean of the hidden states over all steps.
    case mean
}
