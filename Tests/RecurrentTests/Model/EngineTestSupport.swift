import Recurrent

/// Helpers for the language-model and trainer tests.
enum EngineTestSupport {
    /// A small model: V tokens, E 5, H 8, 2 layers.
    static func model(cell: RecurrentCellKind = .lstm, vocabulary: Int = 7, embedding: Int = 5, hidden: Int = 8,
                      layers: Int = 2, dropout: Float = 0, peepholes: Bool = false, seed: UInt64 = 1) throws -> LanguageModel {
        var g = RandomGenerator(seed: seed)
        return try LanguageModel(configuration: LanguageModelConfiguration(
            cell: cell, vocabularySize: vocabulary, embeddingSize: embedding, hiddenSize: hidden, numLayers: layers,
            dropout: dropout, peepholes: peepholes), generator: &g)
    }

    /// A noisy cyclic token stream of `count` ids in 0..<V: mostly i+1 mod V, sometimes random.
    static func stream(count: Int, vocabulary: Int, seed: UInt64 = 3, noise: Float = 0.1) -> [Int32] {
        var g = RandomGenerator(seed: seed)
        var out: [Int32] = [0]
        while out.count < count {
            let next = g.uniform() < noise ? g.integer(below: vocabulary) : (Int(out.last!) + 1) % vocabulary
            out.append(Int32(next))
        }
        return out
    }

    /// Every parameter value, flattened in order.
    static func values(_ model: LanguageModel) -> [Float] {
        model.parameters.flatMap { $0.value.toArray() }
    }
}

/// Batches given outright (e.g. from a PyTorch fixture), one per call in order: `fillBatch`
/// ignores its index, so an epoch of one batch makes every batch start from a zero state.
final class ListBatches: TokenBatchSource {
    let batches: [(inputs: [Int32], targets: [Int32])]
    let batchSize: Int
    let sequenceLength: Int
    let batchesPerEpoch: Int
    private var next = 0

    init(batches: [(inputs: [Int32], targets: [Int32])], batchSize: Int, sequenceLength: Int, batchesPerEpoch: Int) {
        self.batches = batches
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.batchesPerEpoch = batchesPerEpoch
    }

    func fillBatch(_ index: Int, inputs: UnsafeMutableBufferPointer<Int32>, targets: UnsafeMutableBufferPointer<Int32>) {
        let b = batches[next % batches.count]
        next += 1
        for i in 0..<inputs.count { inputs[i] = b.inputs[i]; targets[i] = b.targets[i] }
    }
}
