#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Time left in a training run: remaining steps × a smoothed step time + remaining evaluations
/// × the measured evaluation time (validation and checkpoint writing).
///
/// The caller marks events with timestamps in seconds from any clock (so tests inject their
/// own): `step(at:)` when a step has finished, `evaluation(at:)` when an evaluation (or the
/// checkpoint after it) has finished. The time since the previous mark is the step's or the
/// evaluation's own, so evaluation time never leaks into the step time.
///
/// The step time is an exponential moving average with bias correction (as Adam's moments):
/// ŝₙ = β ŝₙ₋₁ + (1 − β) dtₙ, reported as ŝₙ / (1 − βⁿ), so early estimates are plain means and
/// one slow step moves the estimate by only (1 − β). The first step after a (re)start is left
/// out: it pays for warming up caches and threads.
public struct RemainingTimeEstimator: Sendable {
    /// Weight of the past in the moving average.
    public let decay: Double
    private var lastMark: Double?
    private var average: Double = 0
    private var samples = 0
    private var stepsSeen = 0
    /// Seconds of the evaluation in progress so far (validation, then checkpoint).
    private var evaluationInProgress: Double?
    /// The last complete evaluation's seconds.
    public private(set) var evaluationSeconds: Double?

    public init(decay: Double = 0.95) {
        precondition(decay >= 0 && decay < 1, "decay must be in [0, 1)")
        self.decay = decay
    }

    /// Marks the start of the run (or of a resumed run).
    public mutating func start(at time: Double) {
        lastMark = time
    }

    /// The smoothed seconds per step, nil before a step could be measured.
    public var stepSeconds: Double? {
        samples > 0 ? average / (1 - pow(decay, Double(samples))) : nil
    }

    /// A training step finished at `time`.
    public mutating func step(at time: Double) {
        if let seconds = evaluationInProgress {
            evaluationSeconds = seconds
            evaluationInProgress = nil
        }
        defer { lastMark = time }
        stepsSeen += 1
        guard let last = lastMark, stepsSeen > 1 else { return }
        average = decay * average + (1 - decay) * max(0, time - last)
        samples += 1
    }

    /// Part of an evaluation (validation or its checkpoint) finished at `time`.
    public mutating func evaluation(at time: Double) {
        let seconds = lastMark.map { max(0, time - $0) } ?? 0
        evaluationInProgress = (evaluationInProgress ?? 0) + seconds
        lastMark = time
    }

    /// Seconds left for `steps` more steps and `evaluations` more evaluations; nil until a
    /// step time is known. Evaluations count once one has been measured.
    public func remaining(steps: Int, evaluations: Int) -> Double? {
        guard let perStep = stepSeconds else { return nil }
        let perEvaluation = evaluationSeconds ?? evaluationInProgress ?? 0
        return Double(max(0, steps)) * perStep + Double(max(0, evaluations)) * perEvaluation
    }

    /// Evaluations still to come after `step` of `totalSteps`, at every `interval`-th step
    /// and at the last.
    public static func evaluationsLeft(after step: Int, totalSteps: Int, interval: Int) -> Int {
        guard step < totalSteps, interval > 0 else { return 0 }
        let multiples = totalSteps / interval - step / interval
        return multiples + (totalSteps % interval == 0 ? 0 : 1)
    }
}
