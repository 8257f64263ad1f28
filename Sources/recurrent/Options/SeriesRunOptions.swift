import ArgumentParser
import RecurrentSeries

/// The held-out parts, the seed, where the results go and in which form, for `forecast train`
/// and `classify train`.
struct SeriesRunOptions<Task: SeriesTask>: ParsableArguments {
    @Option(help: ArgumentHelp(Task.testHelp))
    var test = Task.testFraction

    @Option(help: ArgumentHelp(Task.validationHelp))
    var validation = Task.validationFraction

    @Option(help: ArgumentHelp(Task.seedHelp))
    var seed = SeriesTrainingDefaults.seed

    @Option(help: ArgumentHelp(Task.outputHelp))
    var output = Task.output

    @Flag(help: "Print the results as one JSON document on stdout (progress stays on stderr).")
    var json = false
}
