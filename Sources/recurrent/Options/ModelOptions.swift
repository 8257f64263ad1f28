import ArgumentParser
import Recurrent

/// The model's shape: embedding → recurrent stack → dropout → linear.
struct ModelOptions: ParsableArguments {
    @Option(help: "Recurrent cell: lstm, gru, rnn (tanh) or rnn-relu. \(defaultNote(TextDefaults.cell))")
    var cell: CellArgument<LanguageModelCells>?

    @Flag(inversion: .prefixedNo, help: "LSTM only: add peephole connections from the cell to the gates. (default: off)")
    var peepholes: Bool?

    @Option(name: .customLong("embedding-size"), help: "Length of each token's embedding vector. (default: \(TextDefaults.embeddingSize(.char)) char/byte, \(TextDefaults.embeddingSize(.word)) word)")
    var embeddingSize: Int?

    @Option(name: .customLong("hidden-size"), help: "Hidden units per recurrent layer. \(defaultNote(TextDefaults.hiddenSize))")
    var hiddenSize: Int?

    @Option(help: "Stacked recurrent layers. \(defaultNote(TextDefaults.layers))")
    var layers: Int?

    @Option(help: "Dropout between layers and before the decoder, in [0, 1). \(defaultNote(TextDefaults.dropout))")
    var dropout: Float?

    func validate() throws {
        for (flag, value) in [("--embedding-size", embeddingSize), ("--hidden-size", hiddenSize), ("--layers", layers)] {
            if let v = value, v < 1 { throw ValidationError("\(flag) must be at least 1, got \(v)") }
        }
        if let d = dropout, !(d >= 0 && d < 1) { throw ValidationError("--dropout must be in [0, 1), got \(d)") }
        if peepholes == true, let cell, cell.kind != .lstm {
            throw ValidationError("--peepholes needs --cell lstm (peepholes connect an LSTM's cell to its gates)")
        }
    }
}
