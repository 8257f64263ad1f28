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
        if let m = minimumCount, m < 1 { throw ValidationError("--min-count must be at least 1, got \(m)") }
        if let f = validationFraction, !(f >= 0 && f < 1) {
            throw ValidationError("--validation-fraction must be in [0, 1), got \(f)")
        }
    }
}
