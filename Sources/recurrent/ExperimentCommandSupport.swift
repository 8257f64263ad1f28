import ArgumentParser
import Foundation
import Recurrent
import RecurrentTasks

// What the experiment commands (`experiment TASK`, `experiment gradient-flow`, `experiment
// memory-span`) share besides their option declarations, whose help differs per command.

/// "rnn,lstm" → [.rnn, .lstm]; an unknown or repeated name is an error naming it.
func parseCells(_ list: String) throws -> [RecurrentCellKind] {
    let cells = try list.split(separator: ",").map { name in
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard let cell = RecurrentCellKind(rawValue: trimmed), ExperimentConfiguration.defaultCells.contains(cell) else {
            throw ExperimentError.invalidOption(option: "--cells", message: "has unknown cell '\(trimmed)'; use rnn, gru, lstm, peephole")
        }
        return cell
    }
    if cells.isEmpty { throw ExperimentError.invalidOption(option: "--cells", message: "needs at least one of rnn, gru, lstm, peephole") }
    return cells
}

/// `--seeds N --seed S`: the seeds S, S+1, …, S+N−1; N must be in 1...1000.
func seedRange(count: Int, first: UInt64) throws(ExperimentError) -> [UInt64] {
    guard (1...1000).contains(count) else { throw .invalidOption(option: "--seeds", message: "must be in 1...1000, got \(count)") }
    return (0..<UInt64(count)).map { first &+ $0 }
}

/// `--plot` of a study must name an SVG file.
func requireSVGPlot(_ path: String?) throws {
    if let path, !path.hasSuffix(".svg") { throw ValidationError("--plot writes an SVG file; '\(path)' should end in .svg") }
}

/// Where a study's progress lines go: stderr, or nowhere with `--quiet`.
func progressLines(quiet: Bool) -> @Sendable (String) -> Void {
    { line in if !quiet { Console.message(line) } }
}

/// Writes `text` to `path` atomically; a readable error when it cannot.
func writeText(_ text: String, to path: String) throws {
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw CommandFailure("cannot write \(path): \(error.localizedDescription); check that its folder exists and is writable")
    }
}
