/// How `HybridEnsemble` calibrates an origin's interval on the windows known before it
/// (`HybridEnsemble+Calibration.swift`): which of them, and whether each step gets its own widening.
public struct HybridCalibration: Codable, Equatable, Sendable {
    /// How the scores of the steps are turned into widenings.
    public enum Steps: String, Codable, Sendable, CaseIterable {
        /// Each step h its own w_h, the conformal quantile of its n scores (n windows).
        case separate
        /// One quantile q of all n·H scores, each divided by its window's raw log width at that
        /// step (CQR-r, Sesia & Candès 2020), and w_h = q · (the origin's raw log width at step h):
        /// the model's own quantiles say how uncertainty grows with h, and n·H scores give a far
        /// less extreme order statistic than step h's n (with n = 12 its ⌈13·0.8⌉ = 11th of 12 is
        /// almost the largest). It targets the share over all steps, the share the backtest reports.
        case pooledRelative
    }

    public var steps: Steps
    /// Only the `memory` most recent known windows (at least `minimumCalibrationWindows`); nil: all of them.
    public var memory: Int?

    public init(steps: Steps = .separate, memory: Int? = nil) {
        self.steps = steps
        self.memory = memory
    }

    /// Every known window, step by step: what checkpoints without a `calibration` entry use.
    public static let everyWindowPerStep = HybridCalibration()

    /// Which windows and how, in words: "on every window … known before it, step by step" (for the CLI's notes).
    public var summary: String {
        "on " + (memory.map { "the last \($0) windows" } ?? "every window") + " after the training part known before it, "
            + (steps == .separate ? "step by step" : "pooled over the steps relative to each step's raw width")
    }

    /// Whether it can be used (checked on checkpoints).
    public var isValid: Bool { (memory ?? 1) >= 1 }
}
