import ArgumentParser
import Recurrent

/// The cells one command offers, in the order its help lists them.
protocol CellChoices {
    static var kinds: [RecurrentCellKind] { get }
}

/// A `--cell` value: a `RecurrentCellKind` by its raw name, limited to the kinds `Choices`
/// offers (so each command's help and errors list exactly the cells it runs).
struct CellArgument<Choices: CellChoices>: ExpressibleByArgument {
    let kind: RecurrentCellKind

    init(_ kind: RecurrentCellKind) { self.kind = kind }

    init?(argument: String) {
        guard let kind = RecurrentCellKind(rawValue: argument), Choices.kinds.contains(kind) else { return nil }
        self.kind = kind
    }

    static var allValueStrings: [String] { Choices.kinds.map(\.rawValue) }
    var defaultValueDescription: String { kind.rawValue }
}

/// `train --cell`: peepholes are the separate `--peepholes` flag.
enum LanguageModelCells: CellChoices {
    static let kinds: [RecurrentCellKind] = [.lstm, .gru, .rnn, .rnnRelu]
}

/// `forecast train --cell`, `classify train --cell`.
enum SeriesCells: CellChoices {
    static let kinds: [RecurrentCellKind] = [.lstm, .gru, .rnn]
}
