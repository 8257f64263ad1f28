import ArgumentParser
import RecurrentText

/// How the corpus becomes tokens, and how much of it is held out.
struct DataOptions: ParsableArguments {
    @Option(help: "Token unit: char (Unicode characters), word (words, punctuation and newlines), byte (any file). \(defaultNote(TextDefaults.level))")
    var level: TokenizerLevel?

    @Flag(inversion: .prefixedNo, help: "Word level: lower-case words before building the vocabulary. (default: on for word level)")
    var lowercase: Bool?

    @Option(name: .customLong("min-count"), help: "Word level: words seen fewer times become <unk>. \(defaultNote(TextDefaults.minimumCount(.word)))")
    var minimumCount: Int?

    @Option(name: .customLong("validation-fraction"), help: "Fraction held out at the end of the text for validation, in [0, 1). \(defaultNote(TextDefaults.validationFraction))")
    var validationFraction: Double?

    func validate() throws {
        try OptionCheck.atLeast(1, ["--min-count": minimumCount])
        try OptionCheck.fraction(["--validation-fraction": validationFraction])
    }
}
