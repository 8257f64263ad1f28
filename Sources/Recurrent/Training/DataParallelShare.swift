/// One rank's part of a data-parallel training step: the streams `r·B/N ..< (r+1)·B/N` of
/// every global batch of B streams (`dataParallelStreams`), and the sums that make the ranks'
/// results those of the whole batch.
///
/// Per step, with b_r streams here and w_r = b_r / B:
///
///     loss_r, g_r = mean loss and its gradient over this rank's T·b_r tokens
///     flat        = [w_r·g_r (every parameter, in order) | w_r·loss_r | stop vote]     (P + 2)
///     allreduce-sum(flat)  →  Σ w_r g_r = the gradient of the mean over all T·B tokens
///
/// one collective per step. Every rank then clips with the global norm and applies the same
/// update, so the weights stay identical without ever being sent. Dropout masks are keyed by
/// the global stream index (`DropoutKeys`), so they are those of the unsplit batch. The carried
/// state stays full size, (L·B, H), on every rank, but only this rank's rows are current
/// between checkpoints; `gather` makes all of them current (before a checkpoint).
final class DataParallelShare {
    let group: any DataParallelGroup
    /// The global streams this rank computes.
    let streams: Range<Int>
    /// w_r = b_r / B.
    let weight: Float
    /// Whether the stop votes summed in the last step's collective asked to stop.
    private(set) var stopAgreed = false

    private let source: any StreamRangeBatchSource
    private let parameters: [Parameter]
    private let batchSize: Int
    private let inputs: UnsafeMutableBufferPointer<Int32>      // (T·b) ids
    private let targets: UnsafeMutableBufferPointer<Int32>     // (T·b) ids
    private let state: RecurrentState                           // (L·b, H): this rank's streams
    private let flat: Matrix                                    // (1, P + 2), see above
    private let views: [Matrix]                                 // each parameter's slot in flat
    private let gathered: Matrix                                // (1, L·B·(P_h + H)): carried state

    /// - Throws: `TrainingError.invalidConfiguration` when the batch cannot be shared out.
    init(group: any DataParallelGroup, model: LanguageModel, configuration: TrainingConfiguration,
         source: any TokenBatchSource) throws(TrainingError) {
        let n = group.size, bb = configuration.batchSize
        var problems: [String] = []
        if bb < n { problems.append("--batch-size \(bb) is smaller than the \(n) processes: every process needs at least one stream of the global batch") }
        if configuration.microBatches != 1 { problems.append("--micro-batches \(configuration.microBatches) with --distributed: each process's share of the batch is its micro-batch; leave --micro-batches at 1") }
        guard let ranged = source as? any StreamRangeBatchSource else {
            throw .invalidConfiguration(problems + ["the training data cannot be read one stream range at a time"])
        }
        guard problems.isEmpty else { throw .invalidConfiguration(problems) }
        self.group = group
        self.source = ranged
        self.parameters = model.parameters
        self.batchSize = bb
        streams = dataParallelStreams(rank: group.rank, size: n, batchSize: bb)
        weight = Float(streams.count) / Float(bb)
        let t = configuration.sequenceLength, b = streams.count
        inputs = .allocate(capacity: t * b)
        targets = .allocate(capacity: t * b)
        inputs.initialize(repeating: 0)
        targets.initialize(repeating: 0)
        state = model.zeroState(batchSize: b)
        let total = parameters.reduce(0) { $0 + $1.gradient.count }
        let flat = Matrix(rows: 1, cols: total + 2)
        var offset = 0
        views = model.parameters.map { p in
            defer { offset += p.gradient.count }
            return Matrix(storage: flat.storage, offset: offset, rows: p.gradient.rows, cols: p.gradient.cols)
        }
        self.flat = flat
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
        source.fillBatch(index, streams: streams, inputs: inputs, targets: targets)
        let layers = carried.h.rows / batchSize, b = streams.count
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
        let (loss, final) = model.lossAndGradients(inputs: UnsafeBufferPointer(inputs), targets: UnsafeBufferPointer(targets),
                                                   batchSize: b, initialState: state, generator: &unused)
        for layer in 0..<layers {
            let global = layer * batchSize + streams.lowerBound ..< layer * batchSize + streams.upperBound
            let local = layer * b ..< (layer + 1) * b
            carried.h.rows(global).assign(final.h.rows(local))
            if let c = carried.c, let fc = final.c { c.rows(global).assign(fc.rows(local)) }
        }

        for (p, view) in zip(parameters, views) { view.assign(p.gradient) }
        let n = flat.count
        flat.pointer[n - 2] = loss
        flat.pointer[n - 1] = wantsToStop ? 1 : 0
        // w·(g, loss) in one pass; the vote is a count, not weighted.
        Matrix(storage: flat.storage, rows: 1, cols: n - 1).scale(by: weight)
        try group.allReduceSum(UnsafeMutableBufferPointer(start: flat.pointer, count: n))
        for (p, view) in zip(parameters, views) { p.gradient.assign(view) }
        stopAgreed = flat.pointer[n - 1] > 0
        return flat.pointer[n - 2]
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
