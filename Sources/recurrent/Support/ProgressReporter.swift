import Foundation
import Recurrent

/// Shows training progress on stderr: a live line redrawn in place on a terminal (epoch,
/// step/total, train loss, latest validation loss, tokens/s, ETA), or one plain line every
/// `logEvery` steps when stderr is a file or pipe; evaluations and checkpoints get a line each.
final class ProgressReporter {
    let live: Bool
    let logEvery: Int
    let batchesPerEpoch: Int
    /// Steps between evaluations (for the ETA).
    let evaluationInterval: Int
    /// Seconds on a monotonic clock (injected by tests).
    let now: () -> Double
    private var remainingTime = RemainingTimeEstimator()
    /// A time budget instead of a step count (the demo): the ETA counts down to it.
    var deadlineSeconds: Double?
    private var smoothedLoss: Double?
    private var smoothedRate: Double?
    private var validationLoss: Double?
    private var lastDraw = Date.distantPast
    private var lineShown = false
    private var runStart = Date()

    init(live: Bool = Console.stderrIsTerminal, logEvery: Int, batchesPerEpoch: Int,
         evaluationInterval: Int, now: @escaping () -> Double = ProgressReporter.monotonicSeconds) {
        self.live = live
        self.logEvery = max(1, logEvery)
        self.batchesPerEpoch = batchesPerEpoch
        self.evaluationInterval = max(1, evaluationInterval)
        self.now = now
        remainingTime.start(at: now())
    }

    /// Seconds since an arbitrary start, never going back.
    static func monotonicSeconds() -> Double {
        return Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
    }

    func handle(_ event: TrainingEvent) {
        switch event {
        case .step(let r): step(r)
        case .evaluation(let e): evaluation(e)
        case .checkpoint(let c): checkpoint(c)
        }
    }

    private func step(_ r: StepReport) {
        remainingTime.step(at: now())
        smoothedLoss = smoothedLoss.map { 0.95 * $0 + 0.05 * r.loss } ?? r.loss
        if r.tokensPerSecond > 0 {
            smoothedRate = smoothedRate.map { 0.9 * $0 + 0.1 * r.tokensPerSecond } ?? r.tokensPerSecond
        }
        if live {
            let now = Date()
            if now.timeIntervalSince(lastDraw) >= 0.1 || r.step == r.totalSteps {
                lastDraw = now
                // Cut to the terminal's width: a wrapped line could not be redrawn in place.
                Console.status("\r\u{1B}[2K" + String(line(r).prefix(max(20, Console.terminalWidth - 1))))
                lineShown = true
            }
        } else if r.step % logEvery == 0 || r.step == 1 {
            Console.message(line(r))
        }
    }

    /// `epoch 2/10 · step 350/2450 · loss 1.732 · val 1.801 · 12.3k tok/s · ETA 4m12s`
    func line(_ r: StepReport) -> String {
        var parts: [String] = []
        if deadlineSeconds == nil {
            let epochs = (r.totalSteps + r.batchesPerEpoch - 1) / r.batchesPerEpoch
            parts.append("epoch \(r.epoch + 1)/\(max(epochs, r.epoch + 1))")
            parts.append("step \(r.step)/\(r.totalSteps)")
        } else {
            parts.append("epoch \(r.epoch + 1)")
            parts.append("step \(r.step)")
        }
        parts.append(String(format: "loss %.3f", smoothedLoss ?? r.loss))
        if let v = validationLoss { parts.append(String(format: "val %.3f", v)) }
        if let rate = smoothedRate { parts.append("\(formatRate(rate)) tok/s") }
        if let deadline = deadlineSeconds {
            parts.append("\(formatDuration(max(0, deadline - Date().timeIntervalSince(runStart)))) left")
        } else if let remaining = remainingTime.remaining(
            steps: r.totalSteps - r.step,
            evaluations: RemainingTimeEstimator.evaluationsLeft(after: r.step, totalSteps: r.totalSteps, interval: evaluationInterval)) {
            parts.append("ETA \(formatDuration(remaining))")
        }
        return parts.joined(separator: " · ")
    }

    private func evaluation(_ e: EvaluationReport) {
        remainingTime.evaluation(at: now())
        validationLoss = e.validationLoss ?? validationLoss
        var text = String(format: "step %d (epoch %d): train loss %.4f", e.step, e.epoch + 1, e.trainingLoss)
        if let v = e.validationLoss { text += String(format: ", validation loss %.4f%@", v, e.isBest ? " (best)" : "") }
        permanent(text)
    }

    private func checkpoint(_ c: CheckpointReport) {
        remainingTime.evaluation(at: now())
        switch c.reason {
        case .evaluation, .finished:
            permanent("  saved \(c.path)" + (c.isBest ? " (best)" : ""))
        case .interrupted:
            permanent("interrupted: saved \(c.path)")
        }
    }

    /// A line that stays (above the live line, which is redrawn at the next step).
    func permanent(_ text: String) {
        if live && lineShown {
            Console.status("\r\u{1B}[2K")
            lineShown = false
        }
        Console.message(text)
    }

    /// Ends the live line so later messages start on a fresh line.
    func finish() {
        if live && lineShown {
            Console.status("\n")
            lineShown = false
        }
    }
}
