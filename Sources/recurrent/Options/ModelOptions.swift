import ArgumentParser
import Foundation
import Recurrent

/// The model's shape: embedding → recurrent stack → dropout → linear decoder (or adaptive softmax).
struct ModelOptions: ParsableArguments {
    @Option(help: "Recurrent cell: lstm, gru, rnn (tanh) or rnn-relu. \(defaultNote(TextDefaults.cell))")
    var cell: CellArgument<LanguageModelCells>?

    @Flag(inversion: .prefixedNo, help: "LSTM only: add peephole connections from the cell to the gates. (default: off)")
    var peepholes: Bool?

    @Option(name: .customLong("embedding-size"), help: "Length of each token's embedding vector. (default: by rule: \(TextDefaults.embeddingSize(.char)) char/byte, the hidden size for word; docs/script-writer.md)")
    var embeddingSize: Int?

    @Option(name: .customLong("hidden-size"), help: "Hidden units per recurrent layer. (default: by rule from the level, the text's size and --time: \(TextDefaults.hiddenSize) or 256; docs/script-writer.md)")
    var hiddenSize: Int?

    @Option(name: .customLong("projection-size"),
            help: "LSTM only: project each layer's hidden state to this many features (PyTorch's proj_size, below --hidden-size; cuts the recurrent and decoder cost). (default: \(TextDefaults.projectionSize), none)")
    var projectionSize: Int?

    @Option(help: "Stacked recurrent layers. \(defaultNote(TextDefaults.layers))")
    var layers: Int?

    @Option(help: "Dropout between layers and before the decoder, a new mask at every time step, in [0, 1). (default: 0 — the regularisers below are set by rule from the passes over the text a run makes; giving any of these, or --zoneout, sets the others to 0)")
    var dropout: Float?

    @Option(name: .customLong("input-dropout"), help: "Variational dropout on the embedding output: one mask per sequence, shared by its time steps (AWD-LSTM dropouti), in [0, 1). (default: by rule)")
    var inputDropout: Float?

    @Option(name: .customLong("hidden-dropout"), help: "Variational dropout on each recurrent layer's output, between layers and before the decoder (AWD-LSTM dropouth), in [0, 1). (default: by rule)")
    var hiddenDropout: Float?

    @Option(name: .customLong("weight-drop"), help: "DropConnect on the recurrent weights W_hh, a new mask per batch (AWD-LSTM wdrop), in [0, 1). (default: by rule)")
    var weightDrop: Float?

    @Option(name: .customLong("embedding-dropout"), help: "Drop whole words from the embedding for a batch, scaling the rest by 1/(1-p) (AWD-LSTM dropoute), in [0, 1). (default: by rule)")
    var embeddingDropout: Float?

    @Option(help: "Zoneout (Krueger et al. 2017): in training each unit of every layer's hidden state (and an LSTM's cell) keeps its previous value with this probability at each step; evaluation and generation use the expectation. In [0, 1). (default: 0, off)")
    var zoneout: Float?

    @Option(name: .customLong("zoneout-hidden"), help: "Zoneout of the hidden state h alone (overrides --zoneout for h). (default: --zoneout)")
    var zoneoutHidden: Float?

    @Option(name: .customLong("zoneout-cell"), help: "LSTM only: zoneout of the cell state c alone (overrides --zoneout for c; the paper uses a lower rate for c than for h). (default: --zoneout)")
    var zoneoutCell: Float?

    @Option(help: "Output layer: full (a softmax over every token) or adaptive (Grave et al.'s adaptive softmax: frequent tokens in a head, rarer ones in smaller clusters; word level only, much cheaper for a large vocabulary). (default: by rule — adaptive at word level when the full softmax would cost as much as the recurrent stack, e.g. a vocabulary of 4,096 or more at 2 × 256; else \(TextDefaults.softmax.rawValue))")
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
        try OptionCheck.fraction(["--input-dropout": inputDropout, "--hidden-dropout": hiddenDropout,
                                  "--weight-drop": weightDrop, "--embedding-dropout": embeddingDropout,
                                  "--zoneout": zoneout, "--zoneout-hidden": zoneoutHidden, "--zoneout-cell": zoneoutCell])
        try OptionCheck.atLeast(1, ["--embedding-size": embeddingSize, "--hidden-size": hiddenSize, "--layers": layers])
        try OptionCheck.fraction(["--dropout": dropout])
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
        if zoneoutCell.map({ $0 > 0 }) == true, let cell, cell.kind != .lstm {
            throw ValidationError("--zoneout-cell needs --cell lstm (a \(cell.kind.rawValue) has no cell state; use --zoneout-hidden)")
        }
        if peepholes == true, let cell, cell.kind != .lstm {
            throw ValidationError("--peepholes needs --cell lstm (peepholes connect an LSTM's cell to its gates)")
        }
    }
}
