import ArgumentParser
import Foundation
import Recurrent

/// The model's shape: embedding → recurrent stack → dropout → linear decoder (or adaptive softmax).
struct ModelOptions: ParsableArguments {
    @Option(help: "Recurrent cell: lstm, gru, rnn (tanh) or rnn-relu. \(defaultNote(TextDefaults.cell))")
    var cell: CellArgument<LanguageModelCells>?

    @Flag(inversion: .prefixedNo, help: "LSTM only: add peephole connections from the cell to the gates. (default: off)")
    var peepholes: Bool?

    @Option(name: .customLong("embedding-size"), help: "Length of each token's embedding vector. (default: \(TextDefaults.embeddingSize(.char)) char/byte, \(TextDefaults.embeddingSize(.word)) word)")
    var embeddingSize: Int?

    @Option(name: .customLong("hidden-size"), help: "Hidden units per recurrent layer. \(defaultNote(TextDefaults.hiddenSize))")
    var hiddenSize: Int?

    @Option(name: .customLong("projection-size"),
            help: "LSTM only: project each layer's hidden state to this many features (PyTorch's proj_size, below --hidden-size; cuts the recurrent and decoder cost). (default: \(TextDefaults.projectionSize), none)")
    var projectionSize: Int?

    @Option(help: "Stacked recurrent layers. \(defaultNote(TextDefaults.layers))")
    var layers: Int?

    @Option(help: "Dropout between layers and before the decoder, in [0, 1). \(defaultNote(TextDefaults.dropout))")
    var dropout: Float?

    @Option(help: "Output layer: full (a softmax over every token) or adaptive (Grave et al.'s adaptive softmax: frequent tokens in a head, rarer ones in smaller clusters; word level only, much cheaper for a large vocabulary). (default: \(TextDefaults.softmax.rawValue))")
    var softmax: SoftmaxKind?

    @Option(help: ArgumentHelp("Adaptive softmax cutoffs: the first token id (frequency rank) of each tail cluster, increasing, e.g. 2000,10000 (the head keeps the ids below the first). Implies --softmax adaptive. (default: V/10,V/2 for a vocabulary of V)", valueName: "ids"))
    var cutoffs: String?

    @Flag(inversion: .prefixedNo, help: "Tie the input embedding and the decoder weight (Press & Wolf 2017): one (V, H) matrix; needs --embedding-size equal to --hidden-size (or --projection-size), which it defaults to; full softmax only. (default: off)")
    var tieWeights: Bool?

    /// `--cutoffs` as integers, nil when not given.
    func parsedCutoffs() throws -> [Int]? {
        guard let cutoffs else { return nil }
        let parts = cutoffs.split(separator: ",", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, values.count == parts.count else {
            throw ValidationError("--cutoffs takes increasing token ids separated by commas, e.g. 2000,10000; got \"\(cutoffs)\"")
        }
        return values
    }

    func validate() throws {
        for (flag, value) in [("--embedding-size", embeddingSize), ("--hidden-size", hiddenSize), ("--layers", layers)] {
            if let v = value, v < 1 { throw ValidationError("\(flag) must be at least 1, got \(v)") }
        }
        if let d = dropout, !(d >= 0 && d < 1) { throw ValidationError("--dropout must be in [0, 1), got \(d)") }
        if let p = projectionSize {
            if p < 0 { throw ValidationError("--projection-size must be 0 (none) or positive, got \(p)") }
            if p > 0, let cell, cell.kind != .lstm {
                throw ValidationError("--projection-size needs --cell lstm (the projection is part of the LSTM layer)")
            }
            if p > 0, let h = hiddenSize, p >= h {
                throw ValidationError("--projection-size must be below --hidden-size (\(h)), got \(p)")
            }
        }
        if let values = try parsedCutoffs() {
            if softmax == .full { throw ValidationError("--cutoffs splits an adaptive softmax; leave out --softmax full") }
            if values.isEmpty || values != values.sorted() || Set(values).count != values.count || values[0] < 1 {
                throw ValidationError("--cutoffs must be positive and increasing, e.g. 2000,10000; got \(values.map(String.init).joined(separator: ","))")
            }
        }
        if tieWeights == true && (softmax == .adaptive || cutoffs != nil) {
            throw ValidationError("--tie-weights needs --softmax full (an adaptive softmax has no (V, H) decoder to share with the embedding)")
        }
        if peepholes == true, let cell, cell.kind != .lstm {
            throw ValidationError("--peepholes needs --cell lstm (peepholes connect an LSTM's cell to its gates)")
        }
    }
}
