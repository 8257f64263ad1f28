/// Where in a data-parallel step each bucket of the gradient sum became ready, averaged over the
/// steps so far: what an overlap of the sums with the backward pass can hide (docs/distributed.md).
///
/// Buckets in the order the backward pass finishes them: the output layer, the recurrent layers
/// L−1 … 0, the embedding (with the loss and the stop vote). Bucket i's sum can run from
/// `readySeconds[i]` on; the last one's moment is the end of the backward pass.
public struct DataParallelProfile: Sendable, Equatable {
    /// Steps averaged over.
    public var steps: Int
    public var mode: AllReduceMode
    /// Bytes of each bucket.
    public var bucketBytes: [Int]
    /// Mean seconds from the start of a step (its forward pass) to the moment each bucket's
    /// gradients were final.
    public var readySeconds: [Double]

    /// The buckets' names: "output", "layer 1", "layer 0", "embedding" for 2 layers.
    public var bucketNames: [String] {
        let layers = bucketBytes.count - 2
        return ["output"] + stride(from: layers - 1, through: 0, by: -1).map { "layer \($0)" } + ["embedding"]
    }
}
