import Foundation
import Testing
@testable import Recurrent

/// Files written by the reference implementation (Scripts/make_safetensors_fixtures.py), and a
/// file for the reference reader to check (Scripts/check_safetensors.py).
@Suite struct SafeTensorsInteropTests {
    static let fixtures = packageRoot() + "/Tests/RecurrentTests/Fixtures/safetensors/"

    @Test func readsTorchSaveFile() throws {
        let path = Self.fixtures + "torch_mixed.safetensors"
        let file = try SafeTensors(contentsOf: path)
        #expect(file.metadata == ["format": "pt"])
        #expect(try file.floats("lstm.weight_ih_l0", shape: [2, 3]) == [0.5, -1, 2, 0.25, 3, -0.125])
        #expect(try file.floats("lstm.bias_ih_l0", shape: [2]) == [1.5, -2.5])
        #expect(try file.floats("scalar", shape: []) == [7])
        #expect(try file.floats("empty", shape: [0, 4]) == [])
        #expect(file["half"]?.dtype == .float16)
        let half = try file.floats("half", shape: [7])
        #expect(half == [0.5, -2, 0x1p-24, 65504, .infinity, 0, 0.333251953125])
        #expect(half[5].sign == .minus)
        #expect(file["brain"]?.dtype == .bfloat16)
        #expect(try file.floats("brain", shape: [5]) == [1, -3.5, 0.0078125, 256, 0x1p100])
        #expect(try file.int64s("steps", shape: [3]) == [-3, 0, 1 << 40])
        let m = try file.matrix("lstm.weight_ih_l0", shape: [2, 3])
        #expect(m[1, 2] == -0.125)
    }

    @Test func rewritingTheTorchFileReproducesItsBytes() throws {
        let path = Self.fixtures + "torch_mixed.safetensors"
        // One metadata key, so the reference writer's output is deterministic and ours must match.
        #expect(try SafeTensors(contentsOf: path).serialized() == Bytes.read(path))
    }

    @Test func readsNumpySaveFile() throws {
        let file = try SafeTensors(contentsOf: Self.fixtures + "numpy_mixed.safetensors")
        #expect(file.metadata == ["format": "np", "note": "héllo \"quoted\"\nline\ttab", "vocab": "[\"a\", \"b\"]"])
        #expect(file["double"]?.dtype == .float64)
        #expect(try file.floats("double", shape: [2, 2]) == [1, -0.1, 0, 3])  // 1e-300 underflows to 0 in Float
        #expect(try file.int64s("int32", shape: [3]) == [-2_147_483_648, 0, 2_147_483_647])
        #expect(try file.int64s("bytes", shape: [3]) == [0, 1, 255])
    }

    /// Writes `recurrent.safetensors` and `recurrent.expect.json` into `$RECURRENT_INTEROP_DIR`
    /// when that variable is set, for CI to run
    /// `python Scripts/check_safetensors.py DIR/recurrent.safetensors --expect DIR/recurrent.expect.json`.
    @Test func writesAFileForTheReferenceReader() throws {
        var file = SafeTensors(metadata: ["format": "pt", "recurrent.note": "written by SafeTensorsInteropTests"])
        file.put("embedding.weight", matrix: Matrix(rows: 3, cols: 2, values: [0.5, -1, 2, 4, -8, 0.25]))
        file.put("lstm.bias_ih_l0", floats: [1, 2, 3, 4], shape: [4])
        file.put("scalar", floats: [3], shape: [])
        file.put("rng.state", int64s: [1, -2, 3, -4], shape: [4])
        file.put("counts", int32s: [5, 6], shape: [2, 1])
        let expected = """
            {"tensors": {
              "embedding.weight": {"dtype": "F32", "shape": [3, 2], "sum": -2.25},
              "lstm.bias_ih_l0": {"dtype": "F32", "shape": [4], "sum": 10},
              "scalar": {"dtype": "F32", "shape": [], "sum": 3},
              "rng.state": {"dtype": "I64", "shape": [4], "sum": -2},
              "counts": {"dtype": "I32", "shape": [2, 1], "sum": 11}},
             "metadata": {"format": "pt", "recurrent.note": "written by SafeTensorsInteropTests"}}
            """
        let dir = TemporaryDirectory()
        let target = ProcessInfo.processInfo.environment["RECURRENT_INTEROP_DIR"] ?? dir.path
        try file.write(to: target + "/recurrent.safetensors")
        try Data(expected.utf8).write(to: URL(fileURLWithPath: target + "/recurrent.expect.json"))
        #expect(try SafeTensors(contentsOf: target + "/recurrent.safetensors") == file)
    }
}
