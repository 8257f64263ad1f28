import ArgumentParser
import Recurrent

/// The recurrent stack of `forecast train` and `classify train`: its width, depth and cell.
struct SeriesModelOptions<Task: SeriesTask>: ParsableArguments {
    @Option(name: .customLong("hidden-size"), help: ArgumentHelp(Task.hiddenSizeHelp))
    var hidden = Task.hiddenSize

    @Option(help: "Stacked recurrent layers.")
    var layers = Task.layers

    @Option(help: "Recurrent cell: lstm, gru or rnn.")
    var cell = CellArgument<SeriesCells>(Task.cell)
}
