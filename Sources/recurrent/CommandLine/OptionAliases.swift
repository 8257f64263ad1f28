/// The one option vocabulary's other spellings: what PyTorch and char-rnn users type, and the
/// names older versions of this tool used. Each is rewritten to its canonical name before
/// parsing, so every subcommand that has the concept accepts it, and the help texts name only
/// the canonical options.
enum OptionAliases {
    /// alias → canonical long option.
    static let canonical: [String: String] = [
        "--lr": "--learning-rate",
        "--learningrate": "--learning-rate",
        "--learning_rate": "--learning-rate",
        "--num-layers": "--layers",
        "--num_layers": "--layers",
        "--n-layers": "--layers",
        "--hidden": "--hidden-size",
        "--hidden_size": "--hidden-size",
        "--rnn-size": "--hidden-size",
        "--rnn_size": "--hidden-size",
        "--batch": "--batch-size",
        "--batch_size": "--batch-size",
        "--seq-len": "--seq-length",
        "--seq_length": "--seq-length",
        "--seq-len-t": "--seq-length",
        "--temp": "--temperature",
        "--grad-clip": "--clip",
        "--grad_clip": "--clip",
        "--max-norm": "--clip",
        "--embedding-dim": "--embedding-size",
        "--eval-interval": "--eval-every",
        "--eval-val-every": "--eval-every",
        "--max-epochs": "--epochs",
        "--max_epochs": "--epochs",
        "--out": "--output",
        "--checkpoint-dir": "--output",
    ]

    /// `arguments` with every alias (also in `--alias=value` form) replaced by its canonical
    /// name. Stops at `--`, after which everything is a positional value.
    static func rewrite(_ arguments: [String]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(arguments.count)
        var positionalOnly = false
        for argument in arguments {
            if positionalOnly || !argument.hasPrefix("--") {
                result.append(argument)
                continue
            }
            if argument == "--" {
                positionalOnly = true
                result.append(argument)
                continue
            }
            let (name, value) = split(argument)
            if let canonicalName = canonical[name] {
                result.append(value.map { "\(canonicalName)=\($0)" } ?? canonicalName)
            } else {
                result.append(argument)
            }
        }
        return result
    }

    /// "--name=value" → ("--name", "value"); "--name" → ("--name", nil).
    static func split(_ argument: String) -> (name: String, value: String?) {
        guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }
}
