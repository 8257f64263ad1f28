import Foundation
import Recurrent

/// Options that shape a task; nil means the task's default.
public struct TaskOptions: Sendable, Equatable {
    /// T: sequence length (adding, temporal order, timing, clipping) or delay (copy).
    public var length: Int?
    /// F: the timing task's spike period.
    public var period: Int?
    /// g: the clipping task's recurrent gain.
    public var recurrentGain: Float?
    /// The digits CSV (sequential-digits; required there: `TaskCatalog.defaultDataName(for:)`
    /// names the bundled file, which the `recurrent` tool finds).
    public var dataPath: String?
    /// Pixels per step for sequential digits (1 or 8).
    public var pixelsPerStep: Int?
    /// Sequences in the test set.
    public var testSize: Int?

    public init(length: Int? = nil, period: Int? = nil, recurrentGain: Float? = nil,
                dataPath: String? = nil, pixelsPerStep: Int? = nil, testSize: Int? = nil) {
        self.length = length
        self.period = period
        self.recurrentGain = recurrentGain
        self.dataPath = dataPath
        self.pixelsPerStep = pixelsPerStep
        self.testSize = testSize
    }
}

/// One line of `recurrent experiment --list`.
public struct TaskDescription: Sendable {
    public let name: String
    public let summary: String
    public let citation: String
    public let solved: String
    public let baseline: String
}

/// Every task by name: building them from options (validated) and describing them.
public enum TaskCatalog {
    public static let names = ["adding", "adding-1997", "temporal-order", "temporal-order-3", "copy",
                               "clipping", "timing", "sequential-digits"]

    /// The data file a task reads by default, by its bundled name (nil: the task is synthetic).
    public static func defaultDataName(for name: String) -> String? {
        name == "sequential-digits" ? DigitsDataset.bundledName : nil
    }

    /// The tasks with their default options (the digits data are not read).
    public static var descriptions: [TaskDescription] {
        let synthetic: [any MemoryTask] = [AddingTask(), AddingTask(form: .hochreiter1997), TemporalOrderTask(),
                                           TemporalOrderTask(symbols: 3), CopyTask(), ClippingTask(), TimingTask()]
        var out = synthetic.map {
            TaskDescription(name: $0.name, summary: $0.summary, citation: $0.citation, solved: $0.solvedDescription,
                            baseline: $0.baseline.explanation)
        }
        out.append(TaskDescription(name: "sequential-digits", summary: SequentialDigitsTask.summary(),
                                   citation: SequentialDigitsTask.citation, solved: SequentialDigitsTask.solvedDescription,
                                   baseline: "predict the training class frequencies: cross-entropy ≈ ln 10 ≈ 2.30, accuracy ≈ 0.10"))
        return out
    }

    /// Builds task `name`, checking the options against its definition.
    public static func make(_ name: String, options: TaskOptions = TaskOptions()) throws -> any MemoryTask {
        func invalid(_ option: String, _ message: String) -> TaskError {
            TaskError.invalidOption(task: name, option: option, message: message)
        }
        func check(_ value: Int?, _ option: String, _ range: ClosedRange<Int>) throws {
            if let v = value, !range.contains(v) {
                throw invalid(option, "must be in \(range.lowerBound)...\(range.upperBound), got \(v)")
            }
        }
        func reject(_ present: Bool, _ option: String) throws {
            if present { throw invalid(option, "does not apply to this task") }
        }
        let o = options
        try check(o.testSize, "--test-size", 1...100_000)
        if name != "timing" { try reject(o.period != nil, "--period") }
        if name != "clipping" { try reject(o.recurrentGain != nil, "--gain") }
        if name != "sequential-digits" {
            try reject(o.dataPath != nil, "--data")
            try reject(o.pixelsPerStep != nil, "--pixels-per-step")
        }
        switch name {
        case "adding":
            try check(o.length, "--length", 2...100_000)
            return AddingTask(form: .arjovsky2016, length: o.length ?? 100, testSize: o.testSize ?? 1000)
        case "adding-1997":
            try check(o.length, "--length", 24...100_000)
            return AddingTask(form: .hochreiter1997, length: o.length ?? 100, testSize: o.testSize ?? 1000)
        case "temporal-order", "temporal-order-3":
            try check(o.length, "--length", 20...100_000)
            return TemporalOrderTask(symbols: name == "temporal-order" ? 2 : 3, length: o.length ?? 100,
                                     testSize: o.testSize ?? 1000)
        case "copy":
            try check(o.length, "--length (the delay T)", 1...100_000)
            return CopyTask(delay: o.length ?? 30, testSize: o.testSize ?? 500)
        case "clipping":
            try check(o.length, "--length", 2...100_000)
            if let g = o.recurrentGain, !(g > 0 && g.isFinite) { throw invalid("--gain", "must be a positive number, got \(g)") }
            return ClippingTask(length: o.length ?? 10, recurrentGain: o.recurrentGain ?? 3,
                                testSize: o.testSize ?? 500)
        case "timing":
            let period = o.period ?? 10
            try check(o.period, "--period", 2...10_000)
            let length = o.length ?? 6 * period
            if length < 2 * period {
                throw invalid("--length", "must be at least twice the period (\(2 * period)), got \(length)")
            }
            return TimingTask(period: period, length: length, testSize: o.testSize ?? 500)
        case "sequential-digits":
            try reject(o.length != nil, "--length")
            try reject(o.testSize != nil, "--test-size (the test set is every fifth digit)")
            if let k = o.pixelsPerStep, ![1, 2, 4, 8, 16, 32, 64].contains(k) {
                throw invalid("--pixels-per-step", "must divide 64 (1, 2, 4, 8, …), got \(k)")
            }
            guard let path = o.dataPath else {
                throw TaskError.missingData(path: "(none given)", hint: "sequential-digits reads the digits CSV (65 columns: 64 pixels, label); "
                    + "pass its path, e.g. the repository's Data/\(DigitsDataset.bundledName).")
            }
            return try SequentialDigitsTask.load(path: path, pixelsPerStep: o.pixelsPerStep ?? 1)
        default:
            throw TaskError.unknownTask(name, known: names)
        }
    }
}
