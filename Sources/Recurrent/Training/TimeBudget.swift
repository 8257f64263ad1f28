/// A wall-clock budget for a training run (`recurrent train --time 20m`), and where the run
/// stands against it. Stored in every checkpoint (inside `TrainingState`), so a resumed run
/// continues the same plan with the time that is left.
///
/// The run plans its steps from measured seconds per step and per evaluation (validation plus
/// checkpoint), `TimeBudgetPlanner.plan`; the trainer (`LanguageModelTrainer+Budget.swift`)
/// re-plans after every evaluation from the steps of the interval just finished, so a machine
/// that slows down or speeds up still ends on time with an annealed learning rate, and it
/// stops early when the budget runs out regardless.
public struct TimeBudget: Codable, Sendable, Equatable {
    /// The whole budget in seconds, all sessions of the run together.
    public var seconds: Double
    /// Seconds spent so far (training steps, evaluations, checkpoints, the throughput probe),
    /// all sessions together.
    public var spent: Double = 0
    /// The current plan; nil until the first one is made.
    public var plan: TrainingPlan?
    /// Steps timed since the last (re)plan, and their seconds: the measurement of the next one.
    public var windowSteps: Int = 0
    public var windowSeconds: Double = 0
    /// Seconds per step and per evaluation (with its checkpoint) the last plan used.
    public var stepSeconds: Double?
    public var evaluationSeconds: Double?
    /// The user's `--eval-every`, which every plan keeps; nil lets the plan choose.
    public var evaluationInterval: Int?

    public init(seconds: Double) {
        self.seconds = seconds
    }

    /// Seconds left (never negative).
    public var remaining: Double { max(0, seconds - spent) }
}

/// How a budgeted run trains: the step count, the warm-up and the evaluation interval chosen
/// to fit the budget.
public struct TrainingPlan: Codable, Sendable, Equatable {
    /// Optimizer steps in all, counted from step 0 of the first session.
    public var totalSteps: Int
    /// Linear warm-up steps of the cosine schedule.
    public var warmupSteps: Int
    /// Validate and save a checkpoint every this many steps (and at the last).
    public var evaluationInterval: Int

    public init(totalSteps: Int, warmupSteps: Int, evaluationInterval: Int) {
        self.totalSteps = totalSteps
        self.warmupSteps = warmupSteps
        self.evaluationInterval = evaluationInterval
    }
}

/// The rule that turns a budget and measured costs into a `TrainingPlan` (pure, so tests can
/// check it with any numbers).
///
/// With s seconds per step, e seconds per evaluation and R seconds left at step S:
///
///     K = clamp(⌊evaluationShare · budget / e⌋, 2, maxEvaluations)     evaluations in a whole run
///     N = S + the largest n with n·s + k(n)·e ≤ R,  k(n) the evaluations due in S+1…S+n
///     E = ⌈N / K⌉ (first plan),  W = ⌈warmupShare · N⌉
///
/// so at most ~`evaluationShare` of the budget goes to validation and checkpoints, the first
/// validation comes after ~1/K of the run (5% with the default K = 20), and the warm-up is a
/// fixed share. Later plans keep E and W and move only N.
public enum TimeBudgetPlanner {
    /// The largest share of the budget spent validating and saving checkpoints.
    public static let evaluationShare = 0.1
    /// Evaluations in a whole run at most: the first comes after 1/20 = 5% of the budget.
    public static let maxEvaluations = 20
    /// The cosine schedule's linear warm-up, as a share of the planned steps.
    public static let warmupShare = 0.02

    /// The first plan, at step `completedSteps` (0 for a new run) with `remaining` seconds
    /// left of a `budget`. `evaluationInterval`: the user's `--eval-every`, if given.
    public static func initialPlan(budget: Double, remaining: Double, completedSteps: Int, stepSeconds: Double,
                                   evaluationSeconds: Double, evaluationInterval: Int? = nil) -> TrainingPlan {
        let s = max(stepSeconds, 1e-9), e = max(evaluationSeconds, 0)
        let count = e > 0 ? Int((evaluationShare * budget / e).rounded(.down)) : maxEvaluations
        let evaluations = min(maxEvaluations, max(2, count))
        // The steps that fit when `evaluations` evaluations are paid for: a first estimate of N.
        let steps = max(1, Int(((remaining - Double(evaluations) * e) / s).rounded(.down)))
        let interval = evaluationInterval ?? max(1, (steps + evaluations - 1) / evaluations)
        let total = totalSteps(remaining: remaining, completedSteps: completedSteps, stepSeconds: s,
                               evaluationSeconds: e, interval: interval)
        let warmup = min(total - completedSteps - 1, Int((warmupShare * Double(total)).rounded(.up)))
        return TrainingPlan(totalSteps: total, warmupSteps: max(0, warmup), evaluationInterval: interval)
    }

    /// The step count that fits `remaining` seconds after `completedSteps`, evaluating every
    /// `interval` steps and at the last: the largest n with n·s + k(n)·e ≤ remaining, k(n) the
    /// evaluations due in the n steps (the cost grows with n, so a binary search finds it);
    /// at least one more step.
    public static func totalSteps(remaining: Double, completedSteps: Int, stepSeconds: Double, evaluationSeconds: Double,
                                  interval: Int) -> Int {
        let s = max(stepSeconds, 1e-9), e = max(evaluationSeconds, 0)
        func cost(_ n: Int) -> Double {
            let evaluations = RemainingTimeEstimator.evaluationsLeft(after: completedSteps, totalSteps: completedSteps + n,
                                                                     interval: interval)
            return Double(n) * s + Double(evaluations) * e
        }
        var low = 1, high = max(1, Int(min(remaining / s, 1e9)))
        while low < high {
            let middle = (low + high + 1) / 2
            if cost(middle) <= remaining { low = middle } else { high = middle - 1 }
        }
        return completedSteps + low
    }
}
