import Recurrent

/// The shape of a forecasting network: everything needed to rebuild it from a checkpoint.
public struct ForecastModelConfiguration: Codable, Equatable, Sendable {
    public var cell: RecurrentCellKind
    public var inputSize: Int
    public var hiddenSize: Int
    public var numLayers: Int
    public var dropout: Float
    /// L: steps of history the network reads.
    public var lookback: Int
    /// H: steps it forecasts at once.
    public var horizon: Int

    /// Hidden units when not given (`forecast train --hidden`).
    public static let defaultHiddenSize = 32

    public init(cell: RecurrentCellKind = .lstm, inputSize: Int = 1, hiddenSize: Int = defaultHiddenSize, numLayers: Int = 1,
                dropout: Float = 0, lookback: Int, horizon: Int) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.dropout = dropout
        self.lookback = lookback
        self.horizon = horizon
    }
}

/// Direct multi-step forecasting: a recurrent stack reads the L encoded values of the
/// lookback window, and one linear layer maps its last hidden state to all H future steps at
/// once.
///
///     h = RNN(x₁ … x_L)[L]          (B, Hid)
///     ŷ = W h + b                   (B, H)       W (H, Hid)
///
/// Direct rather than recursive: each horizon step has its own output weights, so errors do
/// not compound by feeding forecasts back in, and one forward pass gives the whole horizon.
/// The price is a fixed maximum horizon per model.
///
/// Parameters, as the PyTorch module `rnn = nn.LSTM(1, Hid, layers); head = nn.Linear(Hid, H)`:
/// `rnn.weight_ih_l0`, `rnn.weight_hh_l0`, `rnn.bias_ih_l0`, `rnn.bias_hh_l0`, …,
/// `head.weight`, `head.bias`.
public final class ForecastModel: ParameterContainer {
    public let configuration: ForecastModelConfiguration
    public let encoder: SequenceEncoder
    public let head: Linear

    /// A freshly initialised model (PyTorch's initialisation, drawn from `generator`).
    public init(configuration: ForecastModelConfiguration, generator: inout RandomGenerator) {
        self.configuration = configuration
        let recurrent = configuration.cell.makeLayer(inputSize: configuration.inputSize,
                                                     hiddenSize: configuration.hiddenSize,
                                                     numLayers: configuration.numLayers, bidirectional: false,
                                                     dropout: configuration.dropout, generator: &generator)
        encoder = SequenceEncoder(recurrent: recurrent, pooling: .last)
        head = Linear(inputSize: configuration.hiddenSize, outputSize: configuration.horizon, generator: &generator)
    }

    public var parameters: [Parameter] { encoder.parameters + head.parameters.map { $0.prefixed("head") } }

    public var isTraining: Bool {
        get { encoder.isTraining }
        set { encoder.isTraining = newValue }
    }

    /// Encoded forecasts (B, H) for encoded histories `inputs` (L·B, 1), time-major.
    public func forward(_ inputs: Matrix, batchSize: Int, generator: inout RandomGenerator) -> Matrix {
        head.forward(encoder.forward(inputs, batchSize: batchSize, generator: &generator))
    }

    /// Adds every parameter's gradient for ∂loss/∂forecasts (B, H).
    public func backward(_ dForecasts: Matrix) {
        encoder.backward(head.backward(dForecasts))
    }
}
