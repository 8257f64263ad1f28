/// How `HybridEnsemble` calibrates an origin's interval on the windows known before it
/// (`HybridEnsemble+Calibration.swift`): which of their scores, and whether each step gets its own widening.
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

    /// Which scores an origin t may use: a window at origin c has a score at step h once its
    /// value y[c + h] is known.
    public enum Known: String, Codable, Sendable, CaseIterable {
        /// Only windows complete before t (c + H ≤ t), every step of the same windows: step 1's
        /// latest score is of y[t − H], H − 1 values old.
        case completeWindows
        /// Every score whose value precedes t (c + h < t): step h of the windows up to t − 1 − h,
        /// so that each step's latest scores are of the latest values (of windows still running
        /// for the short steps).
        case everyKnownValue
    }

    public var steps: Steps
    /// Per step, only the scores of the `memory` most recent windows that have one (at least
    /// `minimumCalibrationWindows`); nil: all of them. With `.everyKnownValue` these are, at
    /// every step, the scores of the last `memory` values before the origin.
    public var memory: Int?
    public var known: Known

    public init(steps: Steps = .separate, memory: Int? = nil, known: Known = .completeWindows) {
        self.steps = steps
        self.memory = memory
        self.known = known
    }

    enum CodingKeys: String, CodingKey { case steps, memory, known }

    /// `known` is absent from checkpoints written before it: those use complete windows.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        steps = try container.decode(Steps.self, forKey: .steps)
        memory = try container.decodeIfPresent(Int.self, forKey: .memory)
        known = try container.decodeIfPresent(Known.self, forKey: .known) ?? .completeWindows
    }

    /// Every complete window, step by step: what checkpoints without a `calibration` entry use.
    public static let everyWindowPerStep = HybridCalibration()

    /// Which windows and how, in words: "on every window … known before it, step by step" (for the CLI's notes).
    public var summary: String {
        let which = known == .completeWindows
            ? (memory.map { "the last \($0) windows" } ?? "every window") + " after the training part known before it"
            : "the scores of " + (memory.map { "the last \($0) values" } ?? "every value") + " before it, at every step "
                + "they were forecast at after the training part"
        return "on " + which + ", " + (steps == .separate ? "step by step" : "pooled over the steps relative to each step's raw width")
    }

    /// Whether it can be used (checked on checkpoints).
    public var isValid: Bool { (memory ?? 1) >= 1 }
}
