import Foundation
import Recurrent

/// Every unit's states and gates at every step of one text, layer by layer: what an
/// inspection colours the text with and searches for interpretable units.
///
/// Letters: T steps (tokens read), H units per layer, L layers. `values(layer:signal:)` is
/// (T, H) row-major: row t is the value after reading token t.
///
/// Recorded by the model's own forward pass (batch 1, evaluation mode, zero initial state):
/// the recurrent layer keeps its gates and cell states for backward, and
/// `RecurrentLayer.recordedActivations` hands them out, so no cell equation is repeated here
/// and every layer kind the model runs can be traced — peepholes and projections included.
/// With a projection P, a unit's h is its own o ⊙ tanh(c), before W_hr mixes the H units into
/// the P features the next layer reads.
///
/// Tests check h and c against the model's `LanguageModelStepper` at every step, and the
/// recorded gates against the layer equations.
public struct StateTrace: Sendable {
    public let cell: RecurrentCellKind
    /// T.
    public let steps: Int
    /// H.
    public let hiddenSize: Int
    /// L.
    public let numLayers: Int
    /// [layer][signal] → (T, H) row-major.
    let storage: [[StateSignal: [Float]]]

    /// The (T, H) values of `signal` in `layer` (0-based), row-major; nil if the cell has no such signal.
    public func values(layer: Int, signal: StateSignal) -> [Float]? { storage[layer][signal] }

    /// One unit's values over time, (T).
    public func series(layer: Int, signal: StateSignal, unit: Int) -> [Float]? {
        guard let all = storage[layer][signal] else { return nil }
        return (0..<steps).map { all[$0 * hiddenSize + unit] }
    }

    /// The signals this trace holds.
    public var signals: [StateSignal] { StateSignal.signals(for: cell) }

    /// Runs `model` over `tokens` from a zero state and records every signal. The model's
    /// layer caches are overwritten (as by any forward); its training mode is kept.
    public init(model: LanguageModel, tokens: [Int]) {
        let c = model.configuration
        cell = c.cell
        steps = tokens.count
        hiddenSize = c.hiddenSize
        numLayers = c.numLayers
        let x = model.embedding.forward(tokens.map { Int32($0) })      // (T, E)
        _ = model.rnn.forward(x, batchSize: 1)                         // evaluation mode, no dropout
        storage = (0..<c.numLayers).map { k in
            let recorded = model.rnn.recordedActivations(layer: k, direction: 0)
            var signals: [StateSignal: [Float]] = [:]
            for signal in recorded.signals { signals[signal] = recorded.values(signal)?.toArray() }
            return signals
        }
    }
}
