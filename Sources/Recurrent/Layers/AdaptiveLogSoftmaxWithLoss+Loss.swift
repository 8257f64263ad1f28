extension AdaptiveLogSoftmaxWithLoss {
    /// The mean negative log-likelihood −(1/N) Σ_n log p(y_n) of N targets (ids in `0 ..< V`)
    /// for inputs x (N, H): PyTorch's `forward(x, y).loss`. No gradients; records nothing that
    /// `lossAndGradient` needs.
    public func loss(_ x: Matrix, targets: UnsafeBufferPointer<Int32>) -> Float {
        run(x, targets, gradient: false).loss
    }

    /// The mean negative log-likelihood, its gradient with respect to every parameter *added*
    /// into the gradients, and dLoss/dx (N, H), a view of a layer-owned buffer:
    ///
    ///     d head  = (softmax(head) − onehot(ŷ_n)) / N        ŷ_n = y_n, or c₀ + i for cluster i
    ///     d tail_i = (softmax(tail_i) − onehot(y_n − c_i)) / N   only for the rows of cluster i
    ///
    /// back through the head, and through each cluster's two matrices into the rows it read.
    public func lossAndGradient(_ x: Matrix, targets: UnsafeBufferPointer<Int32>) -> (loss: Float, dInput: Matrix) {
        let (loss, dInput) = run(x, targets, gradient: true)
        return (loss, dInput!)
    }

    /// Routes each row to the head (shortlist targets) or to its cluster, then per part a
    /// fused softmax cross-entropy summed with gradient scale 1/N, so the parts add up to the
    /// mean over all N rows. Each cluster is gathered, run forward and (with `gradient`)
    /// backward before the next one reuses the gather buffer.
    private func run(_ x: Matrix, _ targets: UnsafeBufferPointer<Int32>, gradient: Bool) -> (loss: Float, dInput: Matrix?) {
        let n = x.rows, h = inputSize, shortlist = shortlistSize
        precondition(x.cols == h && targets.count == n && n > 0,
                     "AdaptiveLogSoftmaxWithLoss: input \(x.rows)×\(x.cols) with \(targets.count) targets; layer input is \(h)")
        headTargets.removeAll(keepingCapacity: true)
        for i in clusterRows.indices { clusterRows[i].removeAll(keepingCapacity: true) }
        for (row, target) in targets.enumerated() {
            let v = Int(target)
            precondition(v >= 0 && v < classCount, "AdaptiveLogSoftmaxWithLoss: target \(v) in row \(row) outside 0..<\(classCount)")
            if let c = cluster(of: v) {
                headTargets.append(Int32(shortlist + c))
                clusterRows[c].append(row)
            } else {
                headTargets.append(target)
            }
        }
        let scale = 1 / Float(n)
        let headLogits = head.forward(x)                                            // (N, c₀ + K)
        var total = headTargets.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.sum(logits: headLogits, targets: $0, gradientScale: scale,
                                    dLogits: gradient ? headLogits : nil)
        }
        var dInput: Matrix?
        if gradient {
            let dX = dInputSpace.matrix(rows: n, cols: h)                           // (N, H)
            head.backward(headLogits, dInput: dX)
            dInput = dX
        }
        for i in 0..<clusterCount where !clusterRows[i].isEmpty {
            let rows = clusterRows[i], first = Int32(cutoffs[i])
            let xi = gathered.matrix(rows: rows.count, cols: h)                     // (n_i, H)
            relativeTargets.removeAll(keepingCapacity: true)
            for (k, r) in rows.enumerated() {
                (xi.pointer + k * xi.rowStride).update(from: x.pointer + r * x.rowStride, count: h)
                relativeTargets.append(targets[r] - first)
            }
            let (projection, output) = tail[i]
            let z = output.forward(projection.forward(xi))                          // (n_i, c_{i+1} − c_i)
            total += relativeTargets.withUnsafeBufferPointer {
                SoftmaxCrossEntropy.sum(logits: z, targets: $0, gradientScale: scale, dLogits: gradient ? z : nil)
            }
            guard let dX = dInput else { continue }
            let dXi = projection.backward(output.backward(z))                       // (n_i, H)
            for (k, r) in rows.enumerated() {
                let target = dX.pointer + r * dX.rowStride, source = dXi.pointer + k * dXi.rowStride
                for j in 0..<h { target[j] += source[j] }
            }
        }
        return (Float(total / Double(n)), dInput)
    }
}
