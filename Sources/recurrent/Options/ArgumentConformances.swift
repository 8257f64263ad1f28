import ArgumentParser
import Recurrent
import RecurrentText

// Enums named on the command line by their raw values (`--level char`, `--cell gru`, …).
extension TokenizerLevel: ExpressibleByArgument {}
extension OptimizerConfiguration.Kind: ExpressibleByArgument {}
extension ScheduleConfiguration.Kind: ExpressibleByArgument {}
extension SoftmaxKind: ExpressibleByArgument {}
extension AllReduceMode: ExpressibleByArgument {}
