import ArgumentParser
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
}
