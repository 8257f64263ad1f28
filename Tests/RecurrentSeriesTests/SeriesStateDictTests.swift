import Recurrent
import Testing
@testable import RecurrentSeries

/// The series models' state dicts: PyTorch names, a round trip, evaluation without a generator.
@Suite struct SeriesStateDictTests {
    @Test func classifierStateDictRoundTrips() throws {
        var g = RandomGenerator(seed: 3)
        let configuration = SequenceClassifierConfiguration(cell: .gru, inputSize: 4, hiddenSize: 5, bidirectional: true,
                                                            classCount: 3, vocabularySize: 9)
        let a = SequenceClassifier(configuration: configuration, generator: &g)
        let b = SequenceClassifier(configuration: configuration, generator: &g)
        #expect(a.stateDict().names == ["embedding.weight"]
                + ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse",
                   "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse"].map { "rnn." + $0 }
                + ["head.weight", "head.bias"])
        let tokens: [Int32] = [1, 2, 3, 4, 5, 6]
        #expect(a.forward(tokens: tokens, batchSize: 2).toArray() != b.forward(tokens: tokens, batchSize: 2).toArray())
        try b.load(stateDict: a.stateDict())
        #expect(a.forward(tokens: tokens, batchSize: 2).toArray() == b.forward(tokens: tokens, batchSize: 2).toArray())
    }

    @Test func forecastModelStateDictRoundTrips() throws {
        var g = RandomGenerator(seed: 3)
        let configuration = ForecastModelConfiguration(hiddenSize: 6, lookback: 5, horizon: 2)
        let a = ForecastModel(configuration: configuration, generator: &g)
        let b = ForecastModel(configuration: configuration, generator: &g)
        let x = Matrix(rows: 10, cols: 1, values: (0..<10).map { Float($0) / 10 })
        try b.load(stateDict: a.stateDict())
        #expect(a.forward(x, batchSize: 2).toArray() == b.forward(x, batchSize: 2).toArray())
        #expect(throws: StateDictError.self) {
            try ForecastModel(configuration: ForecastModelConfiguration(hiddenSize: 7, lookback: 5, horizon: 2),
                              generator: &g).load(stateDict: a.stateDict())
        }
    }
}
