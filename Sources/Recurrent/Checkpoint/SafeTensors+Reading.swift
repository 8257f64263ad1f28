extension SafeTensors {
    /// The largest header accepted (100 MB, the reference implementation's limit). Real
    /// headers are kilobytes; a bigger length means the file is not safetensors.
    public static let maximumHeaderByteCount = 100_000_000

    /// Where one tensor lives in a file.
    public struct TensorInfo: Equatable, Sendable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        /// Byte range relative to the start of the data buffer.
        public let dataOffsets: Range<Int>
    }

    /// A file's header: what it holds, without the tensor bytes.
    public struct Header: Equatable, Sendable {
        /// The tensors in the order of their bytes in the file.
        public let tensors: [TensorInfo]
        public let metadata: [String: String]
        /// Length of the JSON header (after the 8-byte length, including padding).
        public let headerByteCount: Int
        /// Length of the data buffer after the header.
        public let dataByteCount: Int
    }

    /// Reads and validates only the header of the file at `path` (cheap for large files).
    ///
    /// - Throws: ``SafeTensorsError`` for every problem ``init(contentsOf:)`` detects.
    public static func readHeader(contentsOf path: String) throws(SafeTensorsError) -> Header {
        let file = try InputFile(path: path)
        return try readHeader(from: file)
    }

    /// Reads the safetensors file at `path`.
    ///
    /// Everything is checked before it is trusted, and every problem is a
    /// ``SafeTensorsError`` naming the file: a missing file or a directory; an empty or
    /// truncated file; a header length above ``maximumHeaderByteCount`` or past the end of the
    /// file; a header that is not UTF-8, not JSON or not an object; `__metadata__` that is not
    /// an object of strings; a tensor named twice; an unknown dtype; a negative or overflowing
    /// shape; `data_offsets` reversed, outside the buffer, or not matching shape × dtype size;
    /// tensors that overlap, leave a gap, or leave bytes after the last one.
    public init(contentsOf path: String) throws(SafeTensorsError) {
        let file = try InputFile(path: path)
        let header = try SafeTensors.readHeader(from: file)
        self.init(metadata: header.metadata, origin: path)
        // The tensors tile the buffer in offset order, so one sequential pass reads them all.
        var read = 0
        for info in header.tensors {
            let bytes = try file.readBytes(info.dataOffsets.count)
            read += bytes.count
            guard bytes.count == info.dataOffsets.count else {
                throw SafeTensorsError(file: path, problem: .truncatedWhileReading(expected: header.dataByteCount, read: read))
            }
            self[info.name] = Tensor(dtype: info.dtype, shape: info.shape, bytes: bytes)
        }
    }

    /// Parses a whole safetensors file held in memory, with the checks of ``init(contentsOf:)``.
    /// `origin` names the bytes in error messages.
    public init(bytes: [UInt8], origin: String = "<memory>") throws(SafeTensorsError) {
        let headerLength = try SafeTensors.checkLengthPrefix(Array(bytes.prefix(8)), fileByteCount: bytes.count, file: origin)
        let header = try SafeTensors.parseHeader(Array(bytes[8..<(8 + headerLength)]),
                                                 dataByteCount: bytes.count - 8 - headerLength, file: origin)
        self.init(metadata: header.metadata, origin: origin)
        let base = 8 + headerLength
        for info in header.tensors {
            let range = (base + info.dataOffsets.lowerBound)..<(base + info.dataOffsets.upperBound)
            self[info.name] = Tensor(dtype: info.dtype, shape: info.shape, bytes: Array(bytes[range]))
        }
    }

    private static func readHeader(from file: borrowing InputFile) throws(SafeTensorsError) -> Header {
        let prefix = try file.readBytes(min(8, file.byteCount))
        let headerLength = try checkLengthPrefix(prefix, fileByteCount: file.byteCount, file: file.path)
        let headerBytes = try file.readBytes(headerLength)
        guard headerBytes.count == headerLength else {
            throw SafeTensorsError(file: file.path, problem: .headerPastEndOfFile(
                headerByteCount: UInt64(headerLength), fileByteCount: 8 + headerBytes.count))
        }
        return try parseHeader(headerBytes, dataByteCount: file.byteCount - 8 - headerLength, file: file.path)
    }

    /// Checks the 8-byte little-endian header length against the limit and the file size.
    private static func checkLengthPrefix(_ prefix: [UInt8], fileByteCount: Int, file: String) throws(SafeTensorsError) -> Int {
        guard fileByteCount >= 8, prefix.count == 8 else {
            throw SafeTensorsError(file: file, problem: .tooSmall(byteCount: fileByteCount))
        }
        var n: UInt64 = 0
        for (i, b) in prefix.enumerated() { n |= UInt64(b) << (8 * UInt64(i)) }
        guard n <= UInt64(maximumHeaderByteCount) else {
            throw SafeTensorsError(file: file, problem: .headerTooLarge(headerByteCount: n))
        }
        guard 8 + Int(n) <= fileByteCount else {
            throw SafeTensorsError(file: file, problem: .headerPastEndOfFile(headerByteCount: n, fileByteCount: fileByteCount))
        }
        return Int(n)
    }

    /// Parses and validates the JSON header against a data buffer of `dataByteCount` bytes.
    static func parseHeader(_ headerBytes: [UInt8], dataByteCount: Int, file: String) throws(SafeTensorsError) -> Header {
        func fail(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(file: file, problem: problem)
        }
        // Decoding replaces invalid sequences with U+FFFD, so the bytes are valid UTF-8
        // exactly when they survive the round trip unchanged.
        guard Array(String(decoding: headerBytes, as: UTF8.self).utf8) == headerBytes else {
            throw fail(.headerNotUTF8)
        }
        let json: HeaderJSON
        do {
            json = try HeaderJSON.parse(headerBytes)
        } catch {
            throw fail(.headerNotJSON(detail: "\(error.message) at byte \(error.offset) of the header"))
        }
        guard case .object(let entries) = json else { throw fail(.headerNotObject) }

        var metadata: [String: String] = [:]
        var seenMetadata = false
        var infos: [TensorInfo] = []
        var names = Set<String>()
        for (name, value) in entries {
            if name == metadataKey {
                guard !seenMetadata else { throw fail(.duplicateName(name: name)) }
                seenMetadata = true
                metadata = try parseMetadata(value, file: file)
                continue
            }
            guard names.insert(name).inserted else { throw fail(.duplicateName(name: name)) }
            infos.append(try parseTensorInfo(name: name, value, dataByteCount: dataByteCount, file: file))
        }

        // The reference reader orders tensors by offset whatever the header order, then demands
        // they tile the buffer: each starts where the previous ended, the last ends at the end.
        let ordered = infos.enumerated().sorted {
            ($0.element.dataOffsets.lowerBound, $0.element.dataOffsets.upperBound, $0.offset)
                < ($1.element.dataOffsets.lowerBound, $1.element.dataOffsets.upperBound, $1.offset)
        }.map(\.element)
        var covered = 0
        var previous: String?
        for info in ordered {
            if info.dataOffsets.lowerBound > covered {
                throw fail(.gapBeforeTensor(name: info.name, gapStart: covered, gapEnd: info.dataOffsets.lowerBound))
            }
            if info.dataOffsets.lowerBound < covered {
                throw fail(.overlappingTensors(name: info.name, other: previous ?? ""))
            }
            covered = info.dataOffsets.upperBound
            previous = info.name
        }
        guard covered == dataByteCount else {
            throw fail(.trailingBytes(coveredByteCount: covered, bufferByteCount: dataByteCount))
        }
        return Header(tensors: ordered, metadata: metadata, headerByteCount: headerBytes.count, dataByteCount: dataByteCount)
    }

    private static func parseMetadata(_ value: HeaderJSON, file: String) throws(SafeTensorsError) -> [String: String] {
        switch value {
        case .null:
            return [:]  // the reference reader accepts an explicit null
        case .object(let pairs):
            var metadata: [String: String] = [:]
            for (key, item) in pairs {
                guard case .string(let text) = item else {
                    throw SafeTensorsError(file: file, problem: .metadataValueNotString(key: key))
                }
                guard metadata.updateValue(text, forKey: key) == nil else {
                    throw SafeTensorsError(file: file, problem: .duplicateMetadataKey(key: key))
                }
            }
            return metadata
        default:
            throw SafeTensorsError(file: file, problem: .metadataNotObject)
        }
    }

    private static func parseTensorInfo(name: String, _ value: HeaderJSON, dataByteCount: Int,
                                        file: String) throws(SafeTensorsError) -> TensorInfo {
        func fail(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(file: file, problem: problem)
        }
        guard case .object(let pairs) = value else {
            throw fail(.invalidTensorEntry(name: name, detail: "its entry is \(value.kindName), not an object with dtype, shape and data_offsets"))
        }
        var fields: [String: HeaderJSON] = [:]
        for (key, item) in pairs {
            guard fields.updateValue(item, forKey: key) == nil else {
                throw fail(.invalidTensorEntry(name: name, detail: "the field \"\(key)\" appears twice"))
            }
        }
        // Other fields are ignored, as the reference reader does.
        guard let dtypeValue = fields["dtype"], let shapeValue = fields["shape"],
              let offsetsValue = fields["data_offsets"] else {
            let missing = ["dtype", "shape", "data_offsets"].filter { fields[$0] == nil }
            throw fail(.invalidTensorEntry(name: name, detail: "missing \(missing.map { "\"\($0)\"" }.joined(separator: " and "))"))
        }

        guard case .string(let dtypeText) = dtypeValue else {
            throw fail(.invalidTensorEntry(name: name, detail: "dtype is \(dtypeValue.kindName), not a string"))
        }
        guard let dtype = DType(rawValue: dtypeText) else { throw fail(.unknownDType(name: name, dtype: dtypeText)) }

        guard case .array(let dims) = shapeValue else {
            throw fail(.invalidShape(name: name, detail: "shape is \(shapeValue.kindName), not an array"))
        }
        var shape: [Int] = []
        for (i, d) in dims.enumerated() {
            guard let v = d.unsignedInteger, v <= UInt64(Int.max) else {
                let what: String
                if case .number(let text) = d, text.hasPrefix("-") { what = "dimension \(i) is negative (\(text))" }
                else if case .number(let text) = d, UInt64(text) != nil { what = "dimension \(i) (\(text)) is too large" }
                else { what = "dimension \(i) is \(d.kindName), not a non-negative integer" }
                throw fail(.invalidShape(name: name, detail: what))
            }
            shape.append(Int(v))
        }
        guard let byteCount = byteCount(of: dtype, shape: shape) else { throw fail(.sizeOverflow(name: name, shape: shape)) }

        guard case .array(let offsets) = offsetsValue, offsets.count == 2 else {
            throw fail(.invalidOffsets(name: name, detail: "data_offsets is \(offsetsValue.kindName), not [begin, end]"))
        }
        guard let begin = offsets[0].unsignedInteger, let end = offsets[1].unsignedInteger else {
            throw fail(.invalidOffsets(name: name, detail: "begin and end must be non-negative integers, got \(offsets[0].kindName) and \(offsets[1].kindName)"))
        }
        guard begin <= end else {
            throw fail(.invalidOffsets(name: name, detail: "begin \(begin) is after end \(end)"))
        }
        guard end <= UInt64(dataByteCount) else {
            throw fail(.offsetsOutsideBuffer(name: name, begin: begin, end: end, bufferByteCount: dataByteCount))
        }
        guard end - begin == UInt64(byteCount) else {
            throw fail(.byteCountMismatch(name: name, dtype: dtype.rawValue, shape: shape, expected: byteCount, actual: end - begin))
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: Int(begin)..<Int(end))
    }
}
