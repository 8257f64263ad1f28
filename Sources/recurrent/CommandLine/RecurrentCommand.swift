import ArgumentParser
import Foundation
import Recurrent
import RecurrentText

@main
struct RecurrentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recurrent",
        abstract: "Recurrent neural networks on the CPU: train LSTMs on text, generate, experiment.",
        version: recurrentVersion,
        subcommands: [DemoCommand.self, TrainCommand.self, GenerateCommand.self, EvaluateCommand.self,
                      ForecastCommand.self, ClassifyCommand.self, ExperimentCommand.self, InspectCommand.self, ExportCommand.self, Bench.self]
    )

    /// Parses with the aliases rewritten (`OptionAliases`), and words every mistake in one
    /// style: `error: …`, a suggestion by edit distance over the real names, exit status 64.
    static func main() {
        let typed = Array(CommandLine.arguments.dropFirst())
        let arguments = OptionAliases.rewrite(typed)
        if let mistake = UsageCheck.mistake(in: arguments, root: self) {
            Console.message("error: \(mistake)")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            guard code != .success, !(error is ExitCode) else { exit(withError: error) }
            Console.message(UsageCheck.reworded(fullMessage(for: error), arguments: arguments, typed: typed, root: self))
            Foundation.exit(code.rawValue)
        }
        Foundation.exit(0)
    }
}
