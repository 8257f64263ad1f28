import Foundation
import Testing
@testable import Recurrent

/// One malformed file and the problem it must be rejected with.
struct BadInput: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let expected: SafeTensorsError.Problem
    var testDescription: String { label }

    init(_ label: String, _ bytes: [UInt8], _ expected: SafeTensorsError.Problem) {
        self.label = label
        self.bytes = bytes
        self.expected = expected
    }

    /// A one-tensor header `{"a": {...}}` with the given entry text.
    static func entry(_ entry: String, data: [UInt8]) -> [UInt8] {
        Bytes.safetensors(header: #"{"a":"# + entry + "}", data: data)
    }

    static let cases: [BadInput] = [
        BadInput("empty file", [], .tooSmall(byteCount: 0)),
        BadInput("shorter than the length prefix", [1, 2, 3, 4, 5], .tooSmall(byteCount: 5)),
        BadInput("absurd header length", Bytes.lengthPrefix(UInt64.max) + Array("{}".utf8), .headerTooLarge(headerByteCount: UInt64.max)),
        BadInput("header just above the 100 MB cap", Bytes.lengthPrefix(100_000_001) + Array("{}".utf8),
                 .headerTooLarge(headerByteCount: 100_000_001)),
        // A PyTorch .pt file is a zip archive: "PK\3\4..." read as a length is ~10^18.
        BadInput("a PyTorch .pt (zip) file", Array("PK\u{3}\u{4}\u{14}\u{0}\u{0}\u{0}archive".utf8),
                 .headerTooLarge(headerByteCount: 0x0000_0014_0403_4B50)),
        BadInput("header longer than the file", Bytes.lengthPrefix(100) + Array("{\"a\":1}".utf8),
                 .headerPastEndOfFile(headerByteCount: 100, fileByteCount: 15)),
        BadInput("header not UTF-8", Bytes.safetensors(headerBytes: [0x7B, 0xFF, 0xFE, 0x7D]), .headerNotUTF8),
        BadInput("header is JSON but an array", Bytes.safetensors(header: "[1, 2]"), .headerNotObject),
        BadInput("header is a string", Bytes.safetensors(header: "\"hello\""), .headerNotObject),
        BadInput("metadata is a number", Bytes.safetensors(header: #"{"__metadata__":3}"#), .metadataNotObject),
        BadInput("metadata value not a string", Bytes.safetensors(header: #"{"__metadata__":{"step":12}}"#),
                 .metadataValueNotString(key: "step")),
        BadInput("metadata key twice", Bytes.safetensors(header: #"{"__metadata__":{"k":"1","k":"2"}}"#),
                 .duplicateMetadataKey(key: "k")),
        BadInput("metadata object twice", Bytes.safetensors(header: #"{"__metadata__":{},"__metadata__":{}}"#),
                 .duplicateName(name: "__metadata__")),
        BadInput("tensor named twice",
                 Bytes.safetensors(header: #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, data: [7]),
                 .duplicateName(name: "a")),
        BadInput("tensor entry not an object", entry("[0,1]", data: [7]),
                 .invalidTensorEntry(name: "a", detail: "its entry is an array, not an object with dtype, shape and data_offsets")),
        BadInput("dtype missing", entry(#"{"shape":[1],"data_offsets":[0,1]}"#, data: [7]),
                 .invalidTensorEntry(name: "a", detail: "missing \"dtype\"")),
        BadInput("field twice", entry(#"{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}"#, data: [7]),
                 .invalidTensorEntry(name: "a", detail: "the field \"dtype\" appears twice")),
        BadInput("unknown dtype", entry(#"{"dtype":"Q4_K","shape":[1],"data_offsets":[0,1]}"#, data: [7]),
                 .unknownDType(name: "a", dtype: "Q4_K")),
        BadInput("negative dimension", entry(#"{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}"#, data: [7]),
                 .invalidShape(name: "a", detail: "dimension 0 is negative (-1)")),
        BadInput("fractional dimension", entry(#"{"dtype":"U8","shape":[1,2.5],"data_offsets":[0,1]}"#, data: [7]),
                 .invalidShape(name: "a", detail: "dimension 1 is the number 2.5, not a non-negative integer")),
        BadInput("dimension above Int.max", entry(#"{"dtype":"U8","shape":[9223372036854775808],"data_offsets":[0,1]}"#, data: [7]),
                 .invalidShape(name: "a", detail: "dimension 0 (9223372036854775808) is too large")),
        BadInput("shape × dtype size overflows",
                 entry(#"{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,1]}"#, data: [7]),
                 .sizeOverflow(name: "a", shape: [4611686018427387904, 4])),
        BadInput("shape × dtype size ≠ byte count", entry(#"{"dtype":"F32","shape":[2],"data_offsets":[0,4]}"#, data: [1, 2, 3, 4]),
                 .byteCountMismatch(name: "a", dtype: "F32", shape: [2], expected: 8, actual: 4)),
        BadInput("offsets past the buffer", entry(#"{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#, data: [1, 2, 3, 4]),
                 .offsetsOutsideBuffer(name: "a", begin: 0, end: 8, bufferByteCount: 4)),
        BadInput("offsets past 2^64", entry(#"{"dtype":"U8","shape":[1],"data_offsets":[0,18446744073709551616]}"#, data: [7]),
                 .invalidOffsets(name: "a", detail: "begin and end must be non-negative integers, got the number 0 and the number 18446744073709551616")),
        BadInput("offsets reversed", entry(#"{"dtype":"U8","shape":[0],"data_offsets":[4,0]}"#, data: [1, 2, 3, 4]),
                 .invalidOffsets(name: "a", detail: "begin 4 is after end 0")),
        BadInput("offsets not a pair", entry(#"{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}"#, data: [7]),
                 .invalidOffsets(name: "a", detail: "data_offsets is an array, not [begin, end]")),
        BadInput("overlapping tensors",
                 Bytes.safetensors(header: #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}"#,
                                   data: [1, 2, 3, 4, 5, 6]),
                 .overlappingTensors(name: "b", other: "a")),
        BadInput("two names for the same bytes",
                 Bytes.safetensors(header: #"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#,
                                   data: [1, 2]),
                 .overlappingTensors(name: "b", other: "a")),
        BadInput("gap between tensors",
                 Bytes.safetensors(header: #"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}"#,
                                   data: [1, 2, 3, 4, 5, 6]),
                 .gapBeforeTensor(name: "b", gapStart: 2, gapEnd: 4)),
        BadInput("gap before the first tensor", entry(#"{"dtype":"U8","shape":[2],"data_offsets":[2,4]}"#, data: [1, 2, 3, 4]),
                 .gapBeforeTensor(name: "a", gapStart: 0, gapEnd: 2)),
        BadInput("bytes after the last tensor", entry(#"{"dtype":"U8","shape":[2],"data_offsets":[0,2]}"#, data: [1, 2, 3, 4]),
                 .trailingBytes(coveredByteCount: 2, bufferByteCount: 4)),
        BadInput("data but no tensors", Bytes.safetensors(header: "{}", data: [0]), .trailingBytes(coveredByteCount: 0, bufferByteCount: 1)),
    ]

    /// Headers that are not JSON at all: any `.headerNotJSON` is right.
    static let notJSON: [(String, String)] = [
        ("cut off", #"{"a":"#),
        ("trailing garbage", "{} x"),
        ("bare word", "{nope}"),
        ("single quotes", "{'a': 1}"),
        ("leading zero", #"{"__metadata__":{},"a":{"dtype":"U8","shape":[01],"data_offsets":[0,1]}}"#),
        ("lone surrogate", #"{"\ud800":{}}"#),
        ("control character in string", "{\"a\u{1}\":{}}"),
        ("NUL padding instead of spaces", "{}\u{0}\u{0}"),
        ("nested 10,000 levels deep", #"{"a":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"),
    ]
}

@Suite struct SafeTensorsBadInputTests {
    @Test(arguments: BadInput.cases)
    func rejectedWithTheRightProblem(_ input: BadInput) {
        #expect(problem(input.bytes) == input.expected)
    }

    @Test(arguments: BadInput.notJSON.map(\.1))
    func headerThatIsNotJSON(_ header: String) {
        let p = problem(Bytes.safetensors(header: header))
        guard case .headerNotJSON(let detail)? = p else {
            Issue.record("expected headerNotJSON, got \(String(describing: p))")
            return
        }
        #expect(detail.contains("at byte"))
    }

    @Test(arguments: BadInput.cases)
    func messageNamesTheFileAndSaysWhatToDo(_ input: BadInput) {
        let message = SafeTensorsError(file: "runs/x.safetensors", problem: input.expected).description
        #expect(message.contains("runs/x.safetensors"))
        // Every message ends with advice after a ';' or ':'.
        #expect(message.contains(";") || message.contains(": "))
    }

    @Test func acceptedOddities() throws {
        // Header order need not match byte order; leading whitespace, null metadata, unknown
        // fields, an empty tensor and a scalar are all valid (the reference reader accepts them).
        let header = #" {"__metadata__":null,"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4],"extra":true},"# +
            #""e":{"dtype":"F32","shape":[3,0],"data_offsets":[4,4]},"s":{"dtype":"F32","shape":[],"data_offsets":[4,8]},"# +
            #""a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}  "#
        let file = try SafeTensors(bytes: Bytes.safetensors(header: header, data: [1, 2, 3, 4] + Bytes.floats([2.5])))
        #expect(file.names == ["a", "b", "e", "s"])
        #expect(file.metadata.isEmpty)
        #expect(try file.int64s("b") == [3, 4])
        #expect(try file.floats("s", shape: []) == [2.5])
        #expect(try file.floats("e", shape: [3, 0]) == [])
    }

    /// Random corruptions of a real file never crash, and whatever is accepted is consistent.
    /// (Offline, 3,000 such mutations of the torch fixture were accepted or rejected exactly as
    /// the reference reader does.)
    @Test func randomCorruptionsNeverCrash() throws {
        let original = Bytes.read(SafeTensorsInteropTests.fixtures + "torch_mixed.safetensors")
        let headerEnd = 8 + Int(original[0]) + Int(original[1]) << 8
        let alphabet = Array("0123456789[]{},:\"-. eE".utf8)
        var rng = RandomGenerator(seed: 2024)
        var accepted = 0
        for _ in 0..<1000 {
            var bytes = original
            for _ in 0..<(1 + rng.integer(below: 3)) {
                let position = rng.integer(below: rng.uniform() < 0.9 ? headerEnd : bytes.count)
                switch rng.integer(below: 4) {
                case 0: bytes[position] = UInt8(rng.integer(below: 256))
                case 1: bytes[position] = alphabet[rng.integer(below: alphabet.count)]
                case 2: bytes.remove(at: position)
                default: bytes.insert(alphabet[rng.integer(below: 10)], at: position)
                }
            }
            if rng.uniform() < 0.1 { bytes.removeLast(rng.integer(below: bytes.count)) }
            guard let file = try? SafeTensors(bytes: bytes) else { continue }
            accepted += 1
            #expect(try SafeTensors(bytes: file.serialized()) == file)
        }
        #expect(accepted < 1000)
    }

    // MARK: Files on disk

    func fileProblem(_ path: String) -> SafeTensorsError? {
        do {
            _ = try SafeTensors(contentsOf: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func missingFile() {
        let dir = TemporaryDirectory()
        let path = dir.file("nope.safetensors")
        #expect(fileProblem(path) == SafeTensorsError(file: path, problem: .fileNotFound))
        #expect(fileProblem(dir.file("nope/deeper.safetensors"))?.problem == .fileNotFound)
        #expect(fileProblem(path)!.description.contains("does not exist"))
    }

    @Test func directoryInsteadOfFile() {
        let dir = TemporaryDirectory()
        #expect(fileProblem(dir.path) == SafeTensorsError(file: dir.path, problem: .isDirectory))
        #expect(fileProblem(dir.path)!.description.contains("latest.safetensors"))
    }

    @Test func deviceInsteadOfFile() {
        #expect(fileProblem("/dev/null")?.problem == .notRegularFile)
    }

    @Test func emptyFile() {
        let dir = TemporaryDirectory()
        Bytes.write([], to: dir.file("empty.safetensors"))
        #expect(fileProblem(dir.file("empty.safetensors"))?.problem == .tooSmall(byteCount: 0))
        #expect(fileProblem(dir.file("empty.safetensors"))!.description.contains("is empty"))
    }

    @Test func fileCutOffInTheHeaderOrTheData() throws {
        let dir = TemporaryDirectory()
        var good = SafeTensors()
        good.put("w", floats: Array(repeating: 1, count: 64), shape: [8, 8])
        let bytes = good.serialized()
        let headerLength = bytes.count - 256 - 8

        Bytes.write(Array(bytes.prefix(8 + headerLength / 2)), to: dir.file("cut-header.safetensors"))
        #expect(fileProblem(dir.file("cut-header.safetensors"))?.problem ==
                .headerPastEndOfFile(headerByteCount: UInt64(headerLength), fileByteCount: 8 + headerLength / 2))

        Bytes.write(Array(bytes.dropLast(100)), to: dir.file("cut-data.safetensors"))
        #expect(fileProblem(dir.file("cut-data.safetensors"))?.problem ==
                .offsetsOutsideBuffer(name: "w", begin: 0, end: 256, bufferByteCount: 156))

        // Every prefix of a valid file is rejected, never a crash.
        for n in 0..<bytes.count {
            #expect(problem(Array(bytes.prefix(n))) != nil, "prefix of \(n) bytes")
        }
    }

    @Test func readHeaderChecksTheSameThings() throws {
        let dir = TemporaryDirectory()
        Bytes.write(BadInput.entry(#"{"dtype":"U8","shape":[2],"data_offsets":[0,2]}"#, data: [1, 2, 3]), to: dir.file("x.safetensors"))
        #expect(throws: SafeTensorsError(file: dir.file("x.safetensors"), problem: .trailingBytes(coveredByteCount: 2, bufferByteCount: 3))) {
            try SafeTensors.readHeader(contentsOf: dir.file("x.safetensors"))
        }
    }
}
