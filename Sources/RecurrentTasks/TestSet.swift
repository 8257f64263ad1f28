import Recurrent

/// The seed of every task's fixed test set unless one is given: the test sequences are the same
/// for all models and training seeds, and disjoint in origin from training draws.
public let defaultTestSeed: UInt64 = 0x7E57_5E7

/// Sequences per test batch: large enough to amortise the per-step overhead, small enough to
/// keep the forward caches modest.
public let testBatchSize = 250

/// `size` sequences drawn from a generator seeded with `seed`, in batches of `testBatchSize`.
func drawTestSet(_ task: some MemoryTask, size: Int, seed: UInt64) throws -> [TaskBatch] {
    var generator = RandomGenerator(seed: seed)
    var batches: [TaskBatch] = []
    var remaining = size
    while remaining > 0 {
        let b = min(testBatchSize, remaining)
        batches.append(try task.makeBatch(batchSize: b, generator: &generator))
        remaining -= b
    }
    return batches
}
