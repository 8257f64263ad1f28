import ArgumentParser
import Recurrent

@main
struct RecurrentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recurrent",
        abstract: "Recurrent neural networks on the CPU: train LSTMs on text, generate, experiment.",
        version: recurrentVersion,
        subcommands: [ForecastCommand.self, ClassifyCommand.self, Bench.self]
    )
}
