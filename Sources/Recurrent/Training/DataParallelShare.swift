/// One rank's part of a data-parallel training step: the streams `r·B/N ..< (r+1)·B/N` of
/// every global batch of B streams (`dataParallelStreams`), and the sums that make the ranks'
/// results those of the whole batch.
///
/// Per step, with b_r streams here and w_r = b_r / B:
///
///     loss_r, g_r = mean loss and its gradient over this rank's T·b_r tokens
///     flat        = [w_r·g_r (bucket by bucket, see below) | w_r·loss_r | stop vote]   (P + 2)
///     allreduce-sum(flat)  →  Σ w_r g_r = the gradient of the mean over all T·B tokens
///
/// Every rank then clips with the global norm and applies the same update, so the weights stay
/// identical without ever being sent. Dropout masks are keyed by the global stream index
/// (`DropoutKeys`), so they are those of the unsplit batch. The carried state stays full size,
/// (L·B, H), on every rank, but only this rank's rows are current between checkpoints;
/// `gather` makes all of them current (before a checkpoint).
///
/// The flat buffer holds the gradients in buckets, in the order the backward pass finishes
/// them (`LanguageModel.gradientStages`): [output layer | recurrent layer L−1 | … | layer 0 |
/// embedding, loss, vote]. `.blocking` sums the whole buffer once after the backward pass;
/// `.overlap` starts each bucket's sum (`startAllReduceSum`) as soon as its gradients are final
/// and waits for all of them before returning, so before clipping. Both sum the same numbers
/// in the same places; with a group whose sum adds each element in an order fixed by N alone
/// (Open MPI's in-place sum, the tests' `ThreadGroup`) they give the same bits.
final class DataParallelShare: BackwardObserver {
    let group: any DataParallelGroup
    let mode: AllReduceMode
    /// The global streams this rank computes.
    let streams: Range<Int>
    /// w_r = b_r / B.
    let weight: Float
    /// Whether the stop votes summed in the last step's collective asked to stop.
    private(set) var stopAgreed = false

    private let source: any StreamRangeBatchSource
    private let batchSize: Int
    private let layers: Int
    private let inputs: UnsafeMutableBufferPointer<Int32>      // (T·b) ids
    private let targets: UnsafeMutableBufferPointer<Int32>     // (T·b) ids
    private let state: RecurrentState                           // (L·b, H): this rank's streams
    private let flat: Matrix                                    // (1, P + 2), see above
    /// Per bucket: its parameters' gradients, their slots in `flat`, and its range of `flat`
    /// (the last one's includes the loss and the vote).
    private let buckets: [(gradients: [Matrix], slots: [Matrix], range: Range<Int>)]
    private let gathered: Matrix                                // (1, L·B·(P_h + H)): carried state
    /// The buckets started so far in this step; the first failure of a sum started during the
    /// backward pass (thrown once it is over).
    private var started = 0
    private var failure: DataParallelError?
    /// Profile: per bucket, the seconds from the start of the step's forward to the moment its
    /// gradients were final, summed over `profiledSteps`; the last entry is the backward's end.
    private var readySeconds: [Double]
    private var profiledSteps = 0
    private var stepStart = ContinuousClock.now

    /// - Throws: `TrainingError.invalidConfiguration` when the batch cannot be shared out.
    init(group: any DataParallelGroup, model: LanguageModel, configuration: TrainingConfiguration,
         source: any TokenBatchSource, mode: AllReduceMode) throws(TrainingError) {
        let n = group.size, bb = configuration.batchSize
        var problems: [String] = []
        if bb < n { problems.append("--batch-size \(bb) is smaller than the \(n) processes: every process needs at least one stream of the global batch") }
        if configuration.microBatches != 1 { problems.append("--micro-batches \(configuration.microBatches) with --distributed: each process's share of the batch is its micro-batch; leave --micro-batches at 1") }
        guard let ranged = source as? any StreamRangeBatchSource else {
            throw .invalidConfiguration(problems + ["the training data cannot be read one stream range at a time"])
        }
        guard problems.isEmpty else { throw .invalidConfiguration(problems) }
        self.group = group
        self.mode = mode
        self.source = ranged
        self.batchSize = bb
        layers = model.configuration.numLayers
        streams = dataParallelStreams(rank: group.rank, size: n, batchSize: bb)
        weight = Float(streams.count) / Float(bb)
        let t = configuration.sequenceLength, b = streams.count
        inputs = .allocate(capacity: t * b)
        targets = .allocate(capacity: t * b)
        inputs.initialize(repeating: 0)
        targets.initialize(repeating: 0)
        state = model.zeroState(batchSize: b)
        let stages = model.gradientStages
        let total = stages.joined().reduce(0) { $0 + $1.gradient.count }
        precondition(total == model.parameters.reduce(0) { $0 + $1.gradient.count },
                     "DataParallelShare: the gradient stages do not hold every parameter once")
        let flat = Matrix(rows: 1, cols: total + 2)
        var offset = 0
        buckets = stages.enumerated().map { i, stage in
            let first = offset
            let slots = stage.map { p in
                defer { offset += p.gradient.count }
                return Matrix(storage: flat.storage, offset: offset, rows: p.gradient.rows, cols: p.gradient.cols)
            }
            return (stage.map(\.gradient), slots, first ..< offset + (i == stages.count - 1 ? 2 : 0))
        }
        self.flat = flat
        readySeconds = Array(repeating: 0, count: stages.count)
        let carried = model.zeroState(batchSize: bb)
        gathered = Matrix(rows: 1, cols: carried.h.count + (carried.c?.count ?? 0))
    }

    deinit { inputs.deallocate(); targets.deallocate() }

    /// Bytes each rank sends into the per-step allreduce.
    var bytesPerStep: Int { flat.count * MemoryLayout<Float>.size }

    /// Forward/backward of this rank's streams of batch `index` into the (zeroed) gradients,
    /// carrying its rows of `carried`; then the allreduce. Returns the global mean loss, and
    /// leaves the global gradient in every parameter. `wantsToStop` is this rank's stop vote.
    func lossAndGradients(model: LanguageModel, carried: RecurrentState, batch index: Int, keys: DropoutKeys,
                          wantsToStop: Bool) throws(DataParallelError) -> Float {
        stepStart = .now
        source.fillBatch(index, streams: streams, inputs: inputs, targets: targets)
        let b = streams.count
        for layer in 0..<layers {
            let global = layer * batchSize + streams.lowerBound ..< layer * batchSize + streams.upperBound
            let local = layer * b ..< (layer + 1) * b
            state.h.rows(local).assign(carried.h.rows(global))
            if let c = state.c, let cc = carried.c { c.rows(local).assign(cc.rows(global)) }
        }
        var keys = keys
        keys.firstStream = streams.lowerBound
        model.dropoutKeys = keys
        defer { model.dropoutKeys = nil }
        var unused = RandomGenerator(seed: 0)                  // masks are keyed: nothing is drawn
        started = 0
        failure = nil
        // The observer starts each bucket's sum (`.overlap`) or only notes the time (`.blocking`).
        let (loss, final) = model.lossAndGradients(inputs: UnsafeBufferPointer(inputs), targets: UnsafeBufferPointer(targets),
                                                   batchSize: b, initialState: state, generator: &unused, observer: self)
        for layer in 0..<layers {
            let global = layer * batchSize + streams.lowerBound ..< layer * batchSize + streams.upperBound
            let local = layer * b ..< (layer + 1) * b
            carried.h.rows(global).assign(final.h.rows(local))
            if let c = carried.c, let fc = final.c { c.rows(global).assign(fc.rows(local)) }
        }

        // The embedding's gradients are final now; the loss and the vote travel in its bucket.
        let n = flat.count
        flat.pointer[n - 2] = loss
        flat.pointer[n - 1] = wantsToStop ? 1 : 0
        bucketReady(buckets.count - 1)
        profiledSteps += 1
        if let failure { throw failure }
        switch mode {
        case .overlap:
            try group.waitForSums()
        case .blocking:
            try group.allReduceSum(UnsafeMutableBufferPointer(start: flat.pointer, count: n))
        }
        for bucket in buckets {
            for (gradient, slot) in zip(bucket.gradients, bucket.slots) { gradient.assign(slot) }
        }
        stopAgreed = flat.pointer[n - 1] > 0
        return flat.pointer[n - 2]
    }

    // MARK: BackwardObserver

    func outputFinished() { bucketReady(0) }

    func recurrentLayerFinished(_ layer: Int) { bucketReady(layers - layer) }

    func poll() {
        guard mode == .overlap, started > 0, failure == nil else { return }
        do { try group.progressSums() } catch { failure = error }
    }

    /// Bucket `i`'s gradients are final: w_r times them (and the loss, not the vote) into its
    /// part of `flat`, and with `.overlap` its sum starts. Buckets become ready in order.
    private func bucketReady(_ i: Int) {
        precondition(i == started, "DataParallelShare: bucket \(i) finished out of order (expected \(started))")
        started += 1
        let elapsed = stepStart.duration(to: .now).components
        readySeconds[i] += Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        let bucket = buckets[i]
        for (gradient, slot) in zip(bucket.gradients, bucket.slots) { slot.assign(gradient) }
        let last = i == buckets.count - 1
        let scaled = bucket.range.lowerBound ..< bucket.range.upperBound - (last ? 1 : 0)  // the vote is a count
        guard !scaled.isEmpty else { return }                                         // a stage without parameters
        Matrix(storage: flat.storage, offset: scaled.lowerBound, rows: 1, cols: scaled.count).scale(by: weight)
        guard mode == .overlap, failure == nil else { return }
        do {
            try group.startAllReduceSum(UnsafeMutableBufferPointer(start: flat.pointer + bucket.range.lowerBound,
                                                                   count: bucket.range.count))
        } catch {
            failure = error
        }
    }

    /// Where the backward pass finished each bucket, averaged over the steps so far.
    var profile: DataParallelProfile {
        let steps = Double(max(profiledSteps, 1))
        return DataParallelProfile(steps: profiledSteps, mode: mode,
                                   bucketBytes: buckets.map { $0.range.count * MemoryLayout<Float>.size },
                                   readySeconds: readySeconds.map { $0 / steps })
    }

    /// Makes every row of `carried` current on every rank: each contributes its own rows (zeros
    /// elsewhere) to one allreduce-sum. All ranks must call it at the same step.
    func gather(_ carried: RecurrentState) throws(DataParallelError) {
        gathered.fill(0)
        let layers = carried.h.rows / batchSize
        var offset = 0
        for matrix in [carried.h] + (carried.c.map { [$0] } ?? []) {
            let view = Matrix(storage: gathered.storage, offset: offset, rows: matrix.rows, cols: matrix.cols)
            for layer in 0..<layers {
                let rows = layer * batchSize + streams.lowerBound ..< layer * batchSize + streams.upperBound
                view.rows(rows).assign(matrix.rows(rows))
            }
            offset += matrix.count
        }
        try group.allReduceSum(UnsafeMutableBufferPointer(start: gathered.pointer, count: gathered.count))
        offset = 0
        for matrix in [carried.h] + (carried.c.map { [$0] } ?? []) {
            matrix.assign(Matrix(storage: gathered.storage, offset: offset, rows: matrix.rows, cols: matrix.cols))
            offset += matrix.count
        }
    }
}
