import ArgumentParser
import Foundation
import Recurrent

/// `recurrent plot RUN… -o curves.svg`: learning curves from run folders' metrics.jsonl.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw the learning curves of one or more runs as an SVG file.",
        discussion: """
        Reads each RUN's metrics.jsonl (a run folder written by recurrent train, forecast \
        train, classify train or experiment --log-dir; or the .jsonl file itself) and draws the \
        training loss (solid) and validation loss (dashed), one colour per run, against the \
        step or the tokens trained. A y axis is logarithmic when its values span more than a \
        factor of 10. See docs/logs.md.

        Examples:
          recurrent plot checkpoints/tinyshakespeare -o curves.svg
          recurrent plot runs/lr-0.002 runs/lr-0.0005 --x tokens --learning-rate --gradient-norm -o compare.svg
        """)

    @Argument(help: "Run folders (or metrics.jsonl files).")
    var runs: [String]

    @Option(name: [.short, .customLong("output")], help: "The SVG file to write.")
    var output = "curves.svg"

    @Option(help: "The x axis: step or tokens (samples for series and experiment runs).")
    var x: LearningCurves.XAxis = .step

    @Flag(name: .customLong("learning-rate"), help: "Add a learning-rate panel.")
    var learningRate = false

    @Flag(name: .customLong("gradient-norm"), help: "Add a panel of the gradient norm before clipping.")
    var gradientNorm = false

    @Option(help: ArgumentHelp("Steps averaged per point of the training loss (default: about 200 points per run).",
                               valueName: "steps"))
    var smooth: Int?

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("name at least one run folder or metrics.jsonl file.") }
        if let smooth, smooth < 1 { throw ValidationError("--smooth must be at least 1.") }
        guard output.hasSuffix(".svg") else { throw ValidationError("--output writes an SVG file; '\(output)' should end in .svg") }
    }

    func run() throws {
        try runReportingErrors {
            var loaded = try runs.map(Self.load)
            let (folder, names) = Self.shortNames(loaded.map(\.name))
            for i in loaded.indices { loaded[i].name = names[i] }
            var curves = LearningCurves(runs: loaded)
            curves.title = folder
            curves.x = x
            curves.learningRate = learningRate
            curves.gradientNorm = gradientNorm
            curves.smoothing = smooth
            let svg = try curves.render()
            do {
                try svg.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure("cannot write \(output): \(error.localizedDescription); check that its folder exists and is writable")
            }
            Console.message("wrote \(output) (\(curves.runs.map { "\($0.name): \($0.records.count) steps" }.joined(separator: ", ")))")
        }
    }

    /// The folder the runs share and their names within it ("runs/a", "runs/b" → "runs", ["a", "b"]),
    /// or ("", paths) when they share none.
    static func shortNames(_ paths: [String]) -> (String, [String]) {
        let parts = paths.map { $0.split(separator: "/", omittingEmptySubsequences: false).map(String.init) }
        var common = 0
        while let first = parts.first, parts.allSatisfy({ $0.count > common + 1 && $0[common] == first[common] }) { common += 1 }
        guard paths.count > 1, common > 0 else { return ("", paths) }
        return (parts[0][..<common].joined(separator: "/"), parts.map { $0[common...].joined(separator: "/") })
    }

    /// A run folder's (or a file's) records, named by the path as given.
    static func load(_ path: String) throws -> LearningCurves.Run {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        guard exists else { throw CommandFailure("\(path) does not exist; name a run folder (with metrics.jsonl) or a metrics.jsonl file") }
        let file = isDirectory.boolValue ? (path as NSString).appendingPathComponent(MetricsLog.fileName) : path
        var name = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        while name.count > 1 && name.hasSuffix("/") { name.removeLast() }
        if name.isEmpty { name = path }
        let records = try MetricsLog.read(path: file)
        guard !records.isEmpty else { throw CommandFailure("\(file) has no records yet: train the run for at least one step") }
        return LearningCurves.Run(name: name, records: records)
    }
}

extension LearningCurves.XAxis: ExpressibleByArgument {}
