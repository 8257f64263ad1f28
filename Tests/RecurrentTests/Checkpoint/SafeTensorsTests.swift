import Foundation
import Testing
@testable import Recurrent

@Suite struct SafeTensorsTests {
    static func sample() -> SafeTensors {
        var file = SafeTensors(metadata: ["model": "{\"hidden\": 4}", "step": "12", "ünï": "line\nbreak \"q\" \\ \u{1}"])
        file.put("lstm.weight_ih_l0", matrix: Matrix(rows: 2, cols: 3, values: [1, -2, 3.5, 0, 1e-30, -7]))
        file.put("lstm.bias_ih_l0", floats: [0.25, -0.5], shape: [2])
        file.put("rng.state", int64s: [Int64.min, -1, 0, Int64.max], shape: [4])
        file.put("counts", int32s: [1, -2, 3, -4, 5, -6], shape: [2, 3])
        file.put("scalar", floats: [42], shape: [])
        file.put("empty", floats: [], shape: [0, 5])
        return file
    }

    @Test func roundTripThroughAFile() throws {
        let dir = TemporaryDirectory()
        let original = Self.sample()
        try original.write(to: dir.file("a.safetensors"))
        let back = try SafeTensors(contentsOf: dir.file("a.safetensors"))
        #expect(back == original)
        #expect(back.origin == dir.file("a.safetensors"))
        #expect(try back.floats("lstm.weight_ih_l0", shape: [2, 3]) == [1, -2, 3.5, 0, 1e-30, -7])
        #expect(try back.int64s("rng.state") == [Int64.min, -1, 0, Int64.max])
        #expect(try back.int64s("counts", shape: [2, 3]) == [1, -2, 3, -4, 5, -6])
        #expect(try back.floats("scalar", shape: []) == [42])
        #expect(try back.floats("empty", shape: [0, 5]) == [])
        #expect(back.metadata == original.metadata)
        // Read back in file order: I64, then F32 by name, then I32 (descending dtype rank).
        #expect(back.names == ["rng.state", "empty", "lstm.bias_ih_l0", "lstm.weight_ih_l0", "scalar", "counts"])
        // The same bytes parse identically from memory.
        #expect(try SafeTensors(bytes: Bytes.read(dir.file("a.safetensors"))) == original)
    }

    @Test func sameContentsGiveIdenticalBytes() throws {
        let a = Self.sample()
        // Same tensors and metadata, inserted in the opposite order.
        var b = SafeTensors()
        for (name, tensor) in a.namedTensors.reversed() { b[name] = tensor }
        for key in a.metadata.keys.sorted().reversed() { b.metadata[key] = a.metadata[key] }
        #expect(a.serialized() == b.serialized())

        let dir = TemporaryDirectory()
        try a.write(to: dir.file("a.safetensors"))
        try b.write(to: dir.file("b.safetensors"))
        #expect(Bytes.read(dir.file("a.safetensors")) == Bytes.read(dir.file("b.safetensors")))
        #expect(Bytes.read(dir.file("a.safetensors")) == a.serialized())

        let bytes = a.serialized()
        let headerLength = Int(bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        #expect(headerLength % 8 == 0, "the data buffer starts 8-byte aligned")
    }

    /// Known answers from the reference implementation's own serialization tests.
    @Test func matchesTheReferenceWriterByteForByte() {
        var attn = SafeTensors()
        attn.put("attn.0", floats: [0, 1, 2, 3, 4, 5], shape: [1, 2, 3])
        let header = #"{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}"#
        #expect(attn.serialized() == Bytes.lengthPrefix(64) + Array(header.utf8) + Bytes.floats([0, 1, 2, 3, 4, 5]))

        var padded = SafeTensors()
        padded.put("attn0", floats: [0, 1, 2, 3, 4, 5], shape: [1, 1, 2, 3])
        let header2 = #"{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}"# + "       "
        #expect(padded.serialized() == Bytes.lengthPrefix(72) + Array(header2.utf8) + Bytes.floats([0, 1, 2, 3, 4, 5]))

        #expect(SafeTensors().serialized() == Bytes.lengthPrefix(8) + Array("{}      ".utf8))
        let withMetadata = SafeTensors(metadata: ["framework": "pt"])
        #expect(withMetadata.serialized() == Bytes.lengthPrefix(40) + Array(#"{"__metadata__":{"framework":"pt"}}     "#.utf8))
    }

    @Test func matrixViewsAndParameters() throws {
        // A strided 2×2 view (columns 1..<3 of a 2×4 matrix) is stored contiguously.
        let big = Matrix(rows: 2, cols: 4, values: [0, 1, 2, 3, 4, 5, 6, 7])
        var file = SafeTensors()
        file.put("view", matrix: big.columns(1..<3))
        #expect(try file.floats("view", shape: [2, 2]) == [1, 2, 5, 6])

        let bias = Parameter(name: "lstm.bias_hh_l0", shape: [4],
                             value: Matrix(rows: 1, cols: 4, values: [1, 2, 3, 4]), gradient: Matrix(rows: 1, cols: 4))
        file.put(bias)
        #expect(file["lstm.bias_hh_l0"]?.shape == [4])

        // Load back into a strided view of a larger buffer; neighbours stay untouched.
        let target = Matrix(rows: 2, cols: 4)
        target.fill(-1)
        try file.load("view", into: target.columns(0..<2), shape: [2, 2])
        #expect(target.toArray() == [1, 2, -1, -1, 5, 6, -1, -1])

        let restored = Parameter(name: "lstm.bias_hh_l0", shape: [4], value: Matrix(rows: 1, cols: 4), gradient: Matrix(rows: 1, cols: 4))
        try file.load(into: restored)
        #expect(restored.value.toArray() == [1, 2, 3, 4])

        let m = try file.matrix("view")
        #expect(m.rows == 2 && m.cols == 2 && m.toArray() == [1, 2, 5, 6])
    }

    @Test func subscriptReplacesInPlaceAndRemoves() {
        var file = SafeTensors()
        file.put("a", floats: [1], shape: [1])
        file.put("b", floats: [2], shape: [1])
        file.put("a", floats: [3, 4], shape: [2])
        #expect(file.names == ["a", "b"])
        #expect(file["a"]?.shape == [2])
        file["a"] = nil
        #expect(file.names == ["b"] && file.count == 1)
    }

    @Test func usingTheContentsGivesTypedErrors() throws {
        var file = SafeTensors(origin: "run/latest.safetensors")
        file.put("w", floats: [1, 2, 3, 4], shape: [2, 2])
        file.put("ids", int64s: [1], shape: [1])

        #expect(throws: SafeTensorsError(file: "run/latest.safetensors", problem: .tensorNotFound(name: "v", available: ["w", "ids"]))) {
            try file.floats("v")
        }
        #expect(throws: SafeTensorsError(file: "run/latest.safetensors", problem: .shapeMismatch(name: "w", expected: [4, 1], found: [2, 2]))) {
            try file.load("w", into: Matrix(rows: 4, cols: 1), shape: [4, 1])
        }
        #expect(throws: SafeTensorsError(file: "run/latest.safetensors", problem: .wrongDType(name: "ids", found: "I64", wanted: "floating-point values"))) {
            try file.floats("ids")
        }
        #expect(throws: SafeTensorsError(file: "run/latest.safetensors", problem: .wrongDType(name: "w", found: "F32", wanted: "integers"))) {
            try file.int64s("w")
        }
        let message = SafeTensorsError(file: "run/latest.safetensors", problem: .shapeMismatch(name: "w", expected: [4, 1], found: [2, 2])).description
        #expect(message.contains("run/latest.safetensors") && message.contains("same model options"))

        var big = SafeTensors()
        big["u"] = SafeTensors.Tensor(dtype: .uint64, shape: [1], bytes: [0, 0, 0, 0, 0, 0, 0, 0x80])
        #expect(throws: SafeTensorsError(file: "<memory>", problem: .valueOutOfRange(name: "u"))) { try big.int64s("u") }
    }

    @Test func halfPrecisionConversionIsExact() {
        #expect(floatFromHalf(0x0000).bitPattern == 0)
        #expect(floatFromHalf(0x8000).bitPattern == (-Float(0)).bitPattern)
        #expect(floatFromHalf(0x0001) == 0x1p-24)
        #expect(floatFromHalf(0x03FF) == 1023 * 0x1p-24)
        #expect(floatFromHalf(0x3C00) == 1)
        #expect(floatFromHalf(0xC000) == -2)
        #expect(floatFromHalf(0x7BFF) == 65504)
        #expect(floatFromHalf(0x7C00) == .infinity)
        #expect(floatFromHalf(0xFC00) == -.infinity)
        #expect(floatFromHalf(0x7E00).isNaN)
        #if !(os(macOS) && arch(x86_64))
        // Every one of the 65,536 half values against the standard library's conversion.
        let mismatches = (0...UInt16.max).filter { bits in
            let expected = Float(Float16(bitPattern: bits))
            let got = floatFromHalf(bits)
            return !(got.bitPattern == expected.bitPattern || (got.isNaN && expected.isNaN))
        }
        #expect(mismatches.isEmpty, "first mismatching half bit patterns: \(mismatches.prefix(5))")
        #endif
    }
}
