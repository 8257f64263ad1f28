import Foundation
import Recurrent

// Runs docs/library.md's examples and checks them: the small model must learn, and the LSTM
// loaded from PyTorch's state dict must reproduce PyTorch's packed-sequence outputs and
// gradients (Fixtures/, written by Scripts/make_library_fixtures.py) within
// |ours − PyTorch| ≤ 1e-5 + 1e-4·|PyTorch|. Exits non-zero when anything does not hold.
// Run from this directory: `swift run -c release`.

/// A tensor of the fixture: PyTorch shape and row-major values.
struct Tensor: Decodable {
    let shape: [Int]
    let data: [Double]
    /// As a (rows, last dimension) matrix: (T, B, F) becomes the time-major (T·B, F).
    var matrix: Matrix {
        let cols = shape.last ?? 1
        return Matrix(rows: data.count / cols, cols: cols, values: data.map { Float($0) })
    }
}

/// PyTorch's run (float64 reference for float32 inputs): loss = Σ output⊙W_o + Σ h_n⊙W_h + Σ c_n⊙W_c.
struct PackedRun: Decodable {
    let lengths: [Int]
    let input, output, h_n, c_n, W_o, W_h, W_c: Tensor
    let grads: [String: Tensor]
}

var failures: [String] = []
var worst = 0.0

/// Records the worst |ours − ref| / (1e-5 + 1e-4·|ref|) of one tensor (≤ 1 passes).
@MainActor func compare(_ name: String, _ ours: [Float], _ reference: Tensor) {
    guard ours.count == reference.data.count else {
        failures.append("\(name): \(ours.count) values, PyTorch has \(reference.data.count)")
        return
    }
    let ratio = zip(ours, reference.data).map { abs(Double($0) - $1) / (1e-5 + 1e-4 * abs($1)) }.max() ?? 0
    worst = max(worst, ratio)
    if ratio > 1 { failures.append("\(name): \(String(format: "%.2f", ratio)) × the tolerance") }
}

do {
    // 1. Build, train, evaluate and save a small model.
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("mean-model.safetensors").path
    let testLoss = try trainSmallModel(saveTo: path)
    print("mean model: test MSE \(testLoss) (predicting 0 gives ≈ 0.042)")
    if !(testLoss < 0.01) { failures.append("the mean model did not learn: test MSE \(testLoss)") }

    // 2. PyTorch's weights in one call; 3. a padded batch with lengths against PyTorch.
    let lstm = try loadPyTorchLSTM(from: "Fixtures/lstmp_bidir.safetensors")
    let json = try Data(contentsOf: URL(fileURLWithPath: "Fixtures/lstmp_bidir_packed.json"))
    let run = try JSONDecoder().decode(PackedRun.self, from: json)
    let result = runPaddedBatch(lstm, input: run.input.matrix, lengths: run.lengths, dOutput: run.W_o.matrix,
                                dFinal: RecurrentState(h: run.W_h.matrix, c: run.W_c.matrix))
    compare("output", result.output, run.output)
    compare("h_n", result.final.h.toArray(), run.h_n)
    compare("c_n", result.final.c!.toArray(), run.c_n)
    compare("d input", result.dInput, run.grads["input"]!)
    for p in lstm.parameters {
        guard let reference = run.grads[p.name] else { failures.append("PyTorch has no gradient for \(p.name)"); continue }
        compare("d \(p.name)", p.gradient.toArray(), reference)
    }
    // Not vacuous: the same batch without lengths (the padding flowing into the state) is far off.
    let unpacked = lstm.forward(run.input.matrix, batchSize: run.lengths.count).output.toArray()
    if zip(unpacked, run.output.data).allSatisfy({ abs(Double($0) - $1) <= 1e-5 + 1e-4 * abs($1) }) {
        failures.append("the padded batch without lengths also matched: the comparison proves nothing")
    }
    print("LSTM(4, 6, layers 2, bidirectional, proj 3) from PyTorch, lengths \(run.lengths): "
          + "outputs, final state and \(lstm.parameters.count + 1) gradients at worst "
          + String(format: "%.3f", worst) + " of the tolerance 1e-5 + 1e-4·|ref|")
} catch {
    failures.append("\(error)")
}

if !failures.isEmpty {
    for f in failures { print("FAIL: \(f)") }
    exit(1)
}
print("library guide: all examples ran and matched")
