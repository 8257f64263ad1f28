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
                      ForecastCommand.self, ClassifyCommand.self, ExperimentCommand.self, InspectCommand.self,
                      PlotCommand.self, ExportCommand.self, DataCommand.self, Bench.self]
    )

    /// Parses with the aliases rewritten (`OptionAliases`), and words every mistake in one
    /// style: `error: …`, a suggestion by edit distance over the real names, exit status 64.
    /// A file-size limit (SIGXFSZ) becomes a write error, reported like a full disk.
    static func main() {
        FileSizeLimit.reportAsErrors()
        let typed = Array(CommandLine.arguments.dropFirst())
        let arguments = OptionAliases.rewrite(typed)
        if arguments.count >= 2, arguments[0] == ExperimentCommand.configuration.commandName,
           let study = ExperimentCommand.studies.first(where: { $0.configuration.commandName == arguments[1] }) {
            // `experiment TASK` takes a positional task name, which the parser would match
            // before any subcommand name: the studies are routed here.
            do {
                var command = try study.parseAsRoot(Array(arguments.dropFirst(2)))
                try command.run()
            } catch {
                study.exit(withError: error)
            }
            Foundation.exit(0)
        }
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
