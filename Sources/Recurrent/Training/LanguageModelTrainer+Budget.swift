import Foundation

/// Training to a wall-clock budget (`recurrent train --time 20m`).
///
/// 1. Before the first step, a probe times forward and backward on the first batch (without
///    updating anything: its own copy of the generator, gradients the next step zeroes) and
///    the forward of one validation batch, and `TimeBudgetPlanner.initialPlan` turns those
///    into the step count, the warm-up and the evaluation interval (`TrainingPlan`).
/// 2. Every step and evaluation charges its wall-clock seconds to `TimeBudget.spent`. When one
///    more step and the final evaluation would overrun the budget, the current step becomes
///    the last (it is validated and saved, so `best.safetensors` holds the best model seen).
/// 3. After every evaluation but the last, the step count is planned again from the mean step
///    time of the interval just finished and the measured evaluation time; a cosine schedule's
///    end moves with it, so the rate still anneals to its minimum when the time is up.
///
/// Data-parallel (`distribute(over:)`), every reading of the clock is rank 0's, so every
/// process plans and stops alike.
///
/// Determinism: everything the plans read (spent seconds, the window's steps and seconds,
/// the costs) is in `TrainingState.budget`, in every checkpoint; with the same clock readings
/// a resumed run makes the same plans and so the same steps as an uninterrupted one.
extension LanguageModelTrainer {
    /// Gives the run a budget of `seconds` in all (all sessions together). On a run that has
    /// one already, a different value replaces it and the run is planned again when training
    /// continues. `evaluationInterval`: the user's `--eval-every`, kept by every plan.
    public func setBudget(seconds: Double, evaluationInterval: Int? = nil) {
        precondition(seconds > 0 && seconds.isFinite, "a time budget must be a positive number of seconds, got \(seconds)")
        var budget = progress.budget ?? TimeBudget(seconds: seconds)
        if budget.seconds != seconds {
            budget.seconds = seconds
            budget.plan = nil
        }
        budget.evaluationInterval = evaluationInterval ?? budget.evaluationInterval
        progress.budget = budget
    }

    /// Trains to `configuration.totalSteps` again, without a budget (a resumed budgeted run
    /// given a step count).
    public func clearBudget() {
        progress.budget = nil
    }

    /// Seconds since an arbitrary start, never going back.
    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
    }

    /// Runs the speed probe now (`probeCosts`, nothing of the run changes) and returns its
    /// seconds per step and per evaluation, and the seconds it took: for a caller that chooses
    /// something from the measured speed before training (`useMeasuredCosts`).
    public func measureCosts() -> (step: Double, evaluation: Double, seconds: Double) {
        let start = clock()
        let (step, evaluation) = probeCosts()
        return (step, evaluation, max(0, clock() - start))
    }

    /// The first plan of the budget uses these measured costs instead of probing again, and the
    /// `seconds` their measurement took are charged to the budget (call after `setBudget`).
    public func useMeasuredCosts(step: Double, evaluation: Double, seconds: Double) {
        costProbe = { (step, evaluation) }
        progress.budget?.spent += seconds
    }

    /// Starts the budget's clock and, when there is no plan yet, probes and plans.
    func startBudget() {
        guard var budget = progress.budget else { return }
        budgetMark = clock()
        guard budget.plan == nil else { return }
        let (step, evaluation) = probeCosts()
        chargeBudget(step: false)
        budget = progress.budget ?? budget
        let plan = TimeBudgetPlanner.initialPlan(budget: budget.seconds, remaining: budget.remaining,
                                                 completedSteps: progress.step, stepSeconds: step,
                                                 evaluationSeconds: evaluation, evaluationInterval: budget.evaluationInterval)
        budget.plan = plan
        budget.stepSeconds = step
        budget.evaluationSeconds = evaluation
        budget.windowSteps = 0
        budget.windowSeconds = 0
        progress.budget = budget
        configuration.totalSteps = plan.totalSteps
        configuration.evaluationInterval = plan.evaluationInterval
        if configuration.schedule.kind == .cosine {
            configuration.schedule.warmupSteps = plan.warmupSteps
        }
        restartSchedule()
    }

    /// Charges the seconds since the last mark to the budget; after a step (`step: true`) also
    /// to the measurement window, and ends the run at this step when the next one and the
    /// final evaluation would not fit.
    @discardableResult
    func chargeBudget(step: Bool) -> Double {
        guard var budget = progress.budget, let mark = budgetMark else { return 0 }
        let now = clock()
        let seconds = max(0, now - mark)
        budgetMark = now
        budget.spent += seconds
        if step {
            budget.windowSteps += 1
            budget.windowSeconds += seconds
            let perStep = budget.windowSteps > 0 ? budget.windowSeconds / Double(budget.windowSteps) : seconds
            if progress.step < configuration.totalSteps,
               budget.spent + max(perStep, budget.stepSeconds ?? 0) + (budget.evaluationSeconds ?? 0) > budget.seconds {
                configuration.totalSteps = progress.step
                budget.plan?.totalSteps = progress.step
            }
        }
        progress.budget = budget
        return seconds
    }

    /// After an evaluation and its checkpoint: charges them, and plans the steps left again
    /// (unless the run just ended).
    func replanAfterEvaluation() {
        guard progress.budget != nil, budgetMark != nil else { return }
        let evaluation = chargeBudget(step: false)
        guard var budget = progress.budget, var plan = budget.plan else { return }
        budget.evaluationSeconds = evaluation
        if budget.windowSteps > 0 { budget.stepSeconds = budget.windowSeconds / Double(budget.windowSteps) }
        budget.windowSteps = 0
        budget.windowSeconds = 0
        // A clock that has not moved (a test's) measures nothing to plan from: keep the plan.
        if progress.step < configuration.totalSteps, let perStep = budget.stepSeconds, perStep > 0 {
            plan.totalSteps = TimeBudgetPlanner.totalSteps(remaining: budget.remaining, completedSteps: progress.step,
                                                           stepSeconds: perStep, evaluationSeconds: evaluation,
                                                           interval: plan.evaluationInterval)
            budget.plan = plan
            configuration.totalSteps = plan.totalSteps
            if case .cosine(var cosine) = progress.schedule {
                cosine.totalSteps = max(plan.totalSteps, cosine.warmupSteps + 1)
                progress.schedule = .cosine(cosine)
            }
        }
        progress.budget = budget
    }

    /// Seconds per training step and per evaluation (validation and checkpoint), measured on
    /// the first batches without changing the run: forward and backward of training batch 0
    /// (one untimed, then two timed), the forward of one validation batch, and the checkpoint
    /// write estimated at 200 MB/s.
    func probeCosts() -> (step: Double, evaluation: Double) {
        if let costProbe { return costProbe() }
        var scratch = generator
        // Data-parallel, a step computes this process's share of the batch (the sum that
        // follows is in the step times measured later, which the next plan uses).
        let k = configuration.microBatches, t = configuration.sequenceLength
        let b = share?.streams.count ?? configuration.batchSize / k
        training.fillBatch(0, inputs: inputs, targets: targets)
        let x = UnsafeBufferPointer(rebasing: inputs[0..<t * b]), y = UnsafeBufferPointer(rebasing: targets[0..<t * b])
        let state = model.zeroState(batchSize: b)
        model.isTraining = true
        _ = model.lossAndGradients(inputs: x, targets: y, batchSize: b, initialState: state, generator: &scratch)
        let start = clock()
        for _ in 0..<2 { _ = model.lossAndGradients(inputs: x, targets: y, batchSize: b, initialState: state, generator: &scratch) }
        let step = max(0, clock() - start) / 2 * Double(k)
        for p in model.parameters { p.gradient.fill(0) }

        let parameterFloats = model.parameters.reduce(0) { $0 + $1.value.rows * $1.value.cols }
        var evaluation = Double(parameterFloats * 4 * 3) / 2e8
        if let validation {
            let n = validation.batchSize * validation.sequenceLength
            let vx = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n), vy = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
            defer { vx.deallocate(); vy.deallocate() }
            validation.fillBatch(0, inputs: vx, targets: vy)
            model.isTraining = false
            let before = clock()
            _ = model.loss(inputs: UnsafeBufferPointer(vx), targets: UnsafeBufferPointer(vy), batchSize: validation.batchSize,
                           initialState: nil, generator: &scratch)
            let batches = min(validation.batchesPerEpoch, configuration.maxValidationBatches ?? .max)
            evaluation += max(0, clock() - before) * Double(batches)
            model.isTraining = true
        }
        return (step, evaluation)
    }
}
