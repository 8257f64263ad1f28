import Recurrent

/// The shape of a sequence classifier: everything needed to rebuild it from a checkpoint.
public struct SequenceClassifierConfiguration: Codable, Equatable, Sendable {
    public var cell: RecurrentCellKind
    /// F (numeric) or the embedding size (text).
    public var inputSize: Int
    public var hiddenSize: Int
    public var numLayers: Int
    public var bidirectional: Bool
    public var pooling: SequencePooling
    public var dropout: Float
    public var classCount: Int
    /// Tokens in the vocabulary when the input is text (an embedding is added), else `nil`.
    public var vocabularySize: Int?
    /// How text examples are padded to T tokens (nil for numeric input). A text checkpoint
    /// without it was written before variable-length batches and reads as `.left`.
    public var padding: TextPadding?

    /// Hidden units per direction when not given (`classify train --hidden`).
    public static let defaultHiddenSize = 64

    /// `padding` nil means `.lengths` for text (a new classifier) and nothing for numeric input.
    public init(cell: RecurrentCellKind = .lstm, inputSize: Int, hiddenSize: Int = defaultHiddenSize, numLayers: Int = 1,
                bidirectional: Bool = false, pooling: SequencePooling = .last, dropout: Float = 0,
                classCount: Int, vocabularySize: Int? = nil, padding: TextPadding? = nil) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.bidirectional = bidirectional
        self.pooling = pooling
        self.dropout = dropout
        self.classCount = classCount
        self.vocabularySize = vocabularySize
        self.padding = vocabularySize == nil ? nil : padding ?? .lengths
    }

    /// The text convention in force: `.left` for text checkpoints that do not record one.
    public var textPadding: TextPadding { padding ?? .left }
}

/// How a text classifier turns a line into T token ids.
public enum TextPadding: String, Codable, Sendable {
    /// The last T tokens, padding ids *before* them, and all T steps run: the padding flows
    /// into the state. Classifiers trained before variable-length batches.
    case left
    /// The last T tokens, padding ids *after* them, and each sequence run with its own length
    /// (`lengths:`), so padding never touches the state.
    case lengths
}

/// Sequence classification: a recurrent stack over the T steps, pooled to one vector (the
/// last hidden state, or the mean over time), then a linear layer to class scores, trained
/// with softmax cross-entropy.
///
///     f = pool(RNN(x₁ … x_T))      (B, D·Hid)
///     z = W f + b                  (B, C)       p = softmax(z)
///
/// For text, token ids first go through an embedding (`embedding.weight` (V, E)).
/// Parameters: `embedding.weight` (text only), `rnn.*` (PyTorch names), `head.weight`, `head.bias`.
public final class SequenceClassifier: ParameterContainer {
    public let configuration: SequenceClassifierConfiguration
    public let embedding: Embedding?
    public let encoder: SequenceEncoder
    public let head: Linear

    public init(configuration: SequenceClassifierConfiguration, generator: inout RandomGenerator) {
        self.configuration = configuration
        embedding = configuration.vocabularySize.map {
            Embedding(vocabularySize: $0, embeddingSize: configuration.inputSize, generator: &generator)
        }
        let recurrent = configuration.cell.makeLayer(inputSize: configuration.inputSize,
                                                     hiddenSize: configuration.hiddenSize,
                                                     numLayers: configuration.numLayers,
                                                     bidirectional: configuration.bidirectional,
                                                     dropout: configuration.dropout, generator: &generator)
        encoder = SequenceEncoder(recurrent: recurrent, pooling: configuration.pooling)
        head = Linear(inputSize: encoder.outputSize, outputSize: configuration.classCount, generator: &generator)
    }

    public var parameters: [Parameter] {
        (embedding?.parameters.map { $0.prefixed("embedding") } ?? []) + encoder.parameters
            + head.parameters.map { $0.prefixed("head") }
    }

    public var isTraining: Bool {
        get { encoder.isTraining }
        set { encoder.isTraining = newValue }
    }

    /// Logits (B, C) for numeric inputs (T·B, F), time-major; `lengths` (1…T per sequence)
    /// for a padded batch of shorter sequences.
    public func forward(_ inputs: Matrix, batchSize: Int, lengths: [Int]? = nil, generator: inout RandomGenerator) -> Matrix {
        head.forward(encoder.forward(inputs, batchSize: batchSize, lengths: lengths, generator: &generator))
    }

    /// Logits (B, C) for token ids (T·B), time-major.
    public func forward(tokens: [Int32], batchSize: Int, lengths: [Int]? = nil, generator: inout RandomGenerator) -> Matrix {
        guard let embedding else { preconditionFailure("forward(tokens:) needs a text classifier") }
        return forward(embedding.forward(tokens), batchSize: batchSize, lengths: lengths, generator: &generator)
    }

    /// Adds every parameter's gradient for ∂loss/∂logits (B, C).
    public func backward(_ dLogits: Matrix) {
        let dInput = encoder.backward(head.backward(dLogits))
        embedding?.backward(dInput)
    }
}
