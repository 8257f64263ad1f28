import Foundation
import Recurrent

/// An input the task asks the network to remember: where in the sequence it was shown, and the
/// value to keep (adding: the marked number; temporal order: +1 for X, −1 for Y).
public struct MemoryMarker: Sendable, Equatable {
    public let step: Int
    public let value: Float

    public init(step: Int, value: Float) {
        self.step = step
        self.value = value
    }
}

/// The marked inputs of the tasks that have them: what a memory must write, hold and read.
public enum MemoryMarkers {
    /// The task names `recurrent experiment --inspect` accepts.
    public static let supportedTasks = ["adding", "adding-1997", "temporal-order", "temporal-order-3"]

    /// Whether `task` marks the values it asks for (so their memory can be traced).
    public static func supports(_ task: some MemoryTask) -> Bool {
        task is AddingTask || task is TemporalOrderTask
    }

    /// What the markers are, in words, for the page.
    public static func description(of task: some MemoryTask) -> String {
        switch task {
        case is AddingTask: "the two marked numbers (marker input 1)"
        case let t as TemporalOrderTask: "the \(t.symbols == 2 ? "two" : "three") relevant symbols (X counted +1, Y −1)"
        default: "no marked inputs"
        }
    }

    /// Each sequence's markers in time order; nil for a task without markers.
    public static func markers(task: some MemoryTask, batch: TaskBatch) -> [[MemoryMarker]]? {
        let b = batch.batchSize, x = batch.inputs                       // (T·B, I)
        var out = [[MemoryMarker]](repeating: [], count: b)
        switch task {
        case is AddingTask:
            // Input (value, marker): marker 1 marks a value to add (−1 marks only the ends in the 1997 form).
            for t in 0..<batch.sequenceLength {
                for s in 0..<b where x[t * b + s, 1] == 1 { out[s].append(MemoryMarker(step: t, value: x[t * b + s, 0])) }
            }
        case is TemporalOrderTask:
            let xs = TemporalOrderTask.Symbol.x.rawValue, ys = TemporalOrderTask.Symbol.y.rawValue
            for t in 0..<batch.sequenceLength {
                for s in 0..<b {
                    if x[t * b + s, xs] == 1 { out[s].append(MemoryMarker(step: t, value: 1)) }
                    if x[t * b + s, ys] == 1 { out[s].append(MemoryMarker(step: t, value: -1)) }
                }
            }
        default:
            return nil
        }
        return out
    }
}

/// One unit's link to one marker: Pearson's r between the unit's state and the marked value,
/// over every step from the marker to the end of every sequence (what a memory must hold).
public struct MemoryUnit: Sendable, Equatable {
    public let unit: Int
    /// Which marker (0: the first shown).
    public let marker: Int
    public let correlation: Float
}

/// A trained network's states and gates on test sequences of a memory task, and the units
/// that hold the marked values.
///
/// The states are the layer's own (`RecurrentLayer.recordedActivations` after an evaluation
/// forward): the LSTM's cell state c, whose units should write a marked value when it is
/// shown, hold it, and have it at the end, where it is read; the plain RNN's and GRU's hidden
/// state h, in which a value fades.
///
/// Letters: T steps, B sequences (the first test batch), H units.
public struct MemoryTrace: @unchecked Sendable {
    /// The arm's label, e.g. "lstm".
    public let label: String
    public let cell: RecurrentCellKind
    public let activations: RecurrentActivations
    /// Per sequence, its markers in time order (every sequence has the same number, M).
    public let markers: [[MemoryMarker]]
    /// Per sequence: the model's answer and the target, in words ("1.302", "class XY").
    public let answers: [String]
    public let targets: [String]
    /// Per marker, the units whose memory signal best follows its value, best first.
    public let memoryUnits: [[MemoryUnit]]

    /// The state that holds the memory: c for an LSTM, h otherwise.
    public var memorySignal: StateSignal { cell.hasCellState ? .cell : .hidden }

    /// Runs `model` (evaluation mode) over `batch` and records its states.
    ///
    /// - Throws: `TaskError` when the task has no markers or a sequence lacks them.
    public init(label: String, model: SequenceModel, task: some MemoryTask, batch: TaskBatch, unitsPerMarker: Int = 3) throws(TaskError) {
        guard let markers = MemoryMarkers.markers(task: task, batch: batch) else {
            throw .invalidOption(task: task.name, option: "--inspect",
                                 message: "needs a task with marked inputs to trace: " + MemoryMarkers.supportedTasks.joined(separator: ", "))
        }
        let count = markers.first?.count ?? 0
        guard count > 0, markers.allSatisfy({ $0.count == count }) else {
            throw .invalidOption(task: task.name, option: "--inspect", message: "found test sequences with different numbers of markers")
        }
        let outputs = model.forward(batch, training: false)                     // (B, O)
        self.label = label
        cell = model.cell
        activations = model.layer.recordedActivations(layer: 0, direction: 0)
        self.markers = markers
        (answers, targets) = Self.describe(outputs: outputs, targets: batch.targets, task: task)
        let states = activations.values(cell.hasCellState ? .cell : .hidden)!
        memoryUnits = (0..<count).map { m in
            Self.rankUnits(states: states, batchSize: batch.batchSize, steps: batch.sequenceLength,
                           markers: markers, marker: m).prefix(unitsPerMarker).map { $0 }
        }
    }

    /// T.
    public var steps: Int { activations.steps }
    /// M.
    public var markerCount: Int { markers.first?.count ?? 0 }

    /// One unit's values of `signal` over the steps of sequence `sequence`.
    public func series(_ signal: StateSignal, sequence: Int, unit: Int) -> [Float] {
        activations.series(signal, sequence: sequence, unit: unit) ?? []
    }

    /// The units ranked by |r| between their state at steps t ≥ t_m and the value of marker m.
    static func rankUnits(states: Matrix, batchSize b: Int, steps: Int, markers: [[MemoryMarker]], marker m: Int) -> [MemoryUnit] {
        let h = states.cols
        var ranked: [MemoryUnit] = []
        for j in 0..<h {
            var pairs = Correlation()
            for s in 0..<b {
                let marked = markers[s][m]
                for t in marked.step..<steps { pairs.add(Double(states[t * b + s, j]), Double(marked.value)) }
            }
            if let r = pairs.r { ranked.append(MemoryUnit(unit: j, marker: m, correlation: Float(r))) }
        }
        return ranked.sorted { abs($0.correlation) > abs($1.correlation) }
    }

    /// How much of marker m's value the state still carries k steps after it was shown: for
    /// each lag k, the largest |r| over units between the state at t_m + k and the value, over
    /// the sequences still running then. Lags up to `maxLag` (nil: T − 1); entries are nil
    /// where fewer than a fifth of the sequences (and at least 10) reach that far, since the
    /// best of H correlations over a few sequences is large by chance.
    /// With `shuffled`, each sequence's state is paired with the next sequence's value: what the
    /// same measure finds by chance.
    public func retention(marker m: Int, maxLag: Int? = nil, shuffled: Bool = false) -> [Float?] {
        let b = activations.batchSize, h = activations.hiddenSize, states = activations.values(memorySignal)!
        let lags = min(maxLag ?? steps - 1, steps - 1)
        return (0...lags).map { k -> Float? in
            let running = (0..<b).filter { markers[$0][m].step + k < steps }
            guard running.count >= max(10, b / 5) else { return nil }
            var best: Double = 0
            for j in 0..<h {
                var pairs = Correlation()
                for s in running {
                    let value = markers[shuffled ? (s + 1) % b : s][m].value
                    pairs.add(Double(states[(markers[s][m].step + k) * b + s, j]), Double(value))
                }
                best = max(best, abs(pairs.r ?? 0))
            }
            return Float(best)
        }
    }

    /// The mean of gate `signal` of `unit` over the marker steps of marker m, over every other
    /// step but the last, and at the last step (where the answer is read).
    public func gateMeans(_ signal: StateSignal, unit: Int, marker m: Int) -> (atMarker: Float, elsewhere: Float, atEnd: Float)? {
        guard let values = activations.values(signal) else { return nil }
        let b = activations.batchSize
        var atMarker = 0.0, elsewhere = 0.0, atEnd = 0.0, others = 0
        for s in 0..<b {
            let marked = Set(markers[s].map(\.step))
            atMarker += Double(values[markers[s][m].step * b + s, unit])
            atEnd += Double(values[(steps - 1) * b + s, unit])
            for t in 0..<(steps - 1) where !marked.contains(t) {
                elsewhere += Double(values[t * b + s, unit])
                others += 1
            }
        }
        return (Float(atMarker / Double(b)), Float(elsewhere / Double(max(others, 1))), Float(atEnd / Double(b)))
    }

    static func describe(outputs: Matrix, targets: TaskTargets, task: some MemoryTask) -> ([String], [String]) {
        switch targets {
        case .lastStepValues(let t):
            return ((0..<outputs.rows).map { String(format: "%.3f", outputs[$0, 0]) },
                    (0..<t.rows).map { String(format: "%.3f", t[$0, 0]) })
        case .lastStepClasses(let labels):
            let symbols = (task as? TemporalOrderTask)?.symbols ?? 2
            func name(_ c: Int) -> String {
                String((0..<symbols).map { k in (c >> (symbols - 1 - k)) & 1 == 1 ? "Y" : "X" })
            }
            return ((0..<outputs.rows).map { name(TaskLoss.argmax(outputs, row: $0)) }, labels.map(name))
        default:
            return ([], [])
        }
    }
}

/// Pearson's r, accumulated pair by pair.
struct Correlation {
    private var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0

    mutating func add(_ x: Double, _ y: Double) {
        n += 1; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y
    }

    /// nil when either side does not vary.
    var r: Double? {
        let vx = n * sxx - sx * sx, vy = n * syy - sy * sy
        guard n > 1, vx > 1e-12 * max(1, n * sxx), vy > 1e-12 * max(1, n * syy) else { return nil }
        return (n * sxy - sx * sy) / (vx * vy).squareRoot()
    }
}
