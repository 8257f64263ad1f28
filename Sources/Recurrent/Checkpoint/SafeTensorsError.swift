/// Why a safetensors file could not be read or written, naming the file and saying what to do.
///
/// Every problem a file on disk can have is a value here, never a crash: the reader
/// bounds-checks the header length, the JSON, every dtype, shape and offset, and that the
/// tensors cover the data buffer exactly. ``description`` is the message a user sees.
public struct SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file (path, or `"<memory>"` for bytes parsed in memory).
    public let file: String
    public let problem: Problem

    public init(file: String, problem: Problem) {
        self.file = file
        self.problem = problem
    }

    public enum Problem: Equatable, Sendable {
        // MARK: The file itself
        /// No file at the path.
        case fileNotFound
        /// The path is a directory.
        case isDirectory
        /// The path exists but is not a regular file (a FIFO, a device…).
        case notRegularFile
        /// The operating system refused to open or read it (`detail` is its message).
        case unreadable(detail: String)
        /// Shorter than the 8-byte header length (0 means empty).
        case tooSmall(byteCount: Int)

        // MARK: The header
        /// The header length is above ``SafeTensors/maximumHeaderByteCount``.
        case headerTooLarge(headerByteCount: UInt64)
        /// The header length runs past the end of the file.
        case headerPastEndOfFile(headerByteCount: UInt64, fileByteCount: Int)
        /// The header bytes are not valid UTF-8.
        case headerNotUTF8
        /// The header is not valid JSON (`detail` says where).
        case headerNotJSON(detail: String)
        /// The header is valid JSON but not an object.
        case headerNotObject
        /// `__metadata__` is not an object of strings.
        case metadataNotObject
        /// A `__metadata__` value is not a string.
        case metadataValueNotString(key: String)
        /// A `__metadata__` key appears twice.
        case duplicateMetadataKey(key: String)
        /// Two tensors have the same name.
        case duplicateName(name: String)
        /// A tensor entry is not an object with `dtype`, `shape` and `data_offsets`.
        case invalidTensorEntry(name: String, detail: String)
        /// A dtype this reader does not know.
        case unknownDType(name: String, dtype: String)
        /// A shape entry is negative, fractional or too large.
        case invalidShape(name: String, detail: String)
        /// The shape's element count times the dtype size overflows.
        case sizeOverflow(name: String, shape: [Int])
        /// `data_offsets` is not two non-negative integers with begin ≤ end.
        case invalidOffsets(name: String, detail: String)
        /// `data_offsets` ends past the data buffer.
        case offsetsOutsideBuffer(name: String, begin: UInt64, end: UInt64, bufferByteCount: Int)
        /// `end - begin` differs from shape × dtype size.
        case byteCountMismatch(name: String, dtype: String, shape: [Int], expected: Int, actual: UInt64)
        /// Two tensors' byte ranges overlap.
        case overlappingTensors(name: String, other: String)
        /// Bytes between two tensors (or before the first) belong to no tensor.
        case gapBeforeTensor(name: String, gapStart: Int, gapEnd: Int)
        /// The tensors end before the file does.
        case trailingBytes(coveredByteCount: Int, bufferByteCount: Int)
        /// The file shrank while being read.
        case truncatedWhileReading(expected: Int, read: Int)

        // MARK: Using the contents
        /// No tensor with that name.
        case tensorNotFound(name: String, available: [String])
        /// The tensor's shape is not the one asked for.
        case shapeMismatch(name: String, expected: [Int], found: [Int])
        /// Asked for floats from a tensor that does not hold floats (or integers from non-integers).
        case wrongDType(name: String, found: String, wanted: String)
        /// An integer value does not fit the requested type.
        case valueOutOfRange(name: String)

        // MARK: Writing
        /// A system call failed while writing (`operation` says which, `detail` the OS message).
        case writeFailed(operation: String, detail: String)
        /// No room for the file: the disk or a quota is full (ENOSPC, EDQUOT) or the file would
        /// pass the process's file-size limit (EFBIG, `ulimit -f`).
        case noSpace(operation: String, detail: String)
        /// The directory to write into does not exist.
        case directoryNotFound(directory: String)
    }

    public var description: String {
        let f = "'\(file)'"
        let notSafetensors = "this is not a safetensors file; pass a .safetensors checkpoint written by `recurrent train` (or by safetensors' save_file)"
        let damaged = "the file is damaged or was cut off (an interrupted copy?); use another checkpoint, e.g. an earlier step-*.safetensors or best.safetensors"
        switch problem {
        case .fileNotFound:
            return "checkpoint \(f) does not exist; check the path, or train a model first with `recurrent train`"
        case .isDirectory:
            return "\(f) is a directory, not a checkpoint; pass a .safetensors file inside it, e.g. \(file)/latest.safetensors"
        case .notRegularFile:
            return "\(f) is not a regular file; pass the path of a .safetensors checkpoint file"
        case let .unreadable(detail):
            return "cannot read \(f): \(detail); check the path and its permissions"
        case let .tooSmall(n):
            return n == 0
                ? "\(f) is empty (0 bytes); \(damaged)"
                : "\(f) is only \(n) bytes, shorter than the 8-byte header length of a safetensors file; \(damaged)"
        case let .headerTooLarge(n):
            return "\(f) declares a \(n)-byte header, above the \(SafeTensors.maximumHeaderByteCount)-byte limit: \(notSafetensors)"
        case let .headerPastEndOfFile(n, size):
            return "\(f) is truncated or not safetensors: its header claims \(n) bytes but the file has \(size) bytes in all; \(damaged)"
        case .headerNotUTF8:
            return "the header of \(f) is not valid UTF-8: \(notSafetensors)"
        case let .headerNotJSON(detail):
            return "the header of \(f) is not valid JSON (\(detail)): \(notSafetensors)"
        case .headerNotObject:
            return "the header of \(f) is JSON but not an object of tensors: \(notSafetensors)"
        case .metadataNotObject:
            return "\(SafeTensors.metadataKey) in \(f) is not an object of strings; \(damaged)"
        case let .metadataValueNotString(key):
            return "\(SafeTensors.metadataKey)[\"\(key)\"] in \(f) is not a string (the format allows only strings); re-save the file with string metadata"
        case let .duplicateMetadataKey(key):
            return "\(SafeTensors.metadataKey) in \(f) has the key \"\(key)\" twice; \(damaged)"
        case let .duplicateName(name):
            return "\(f) lists the tensor \"\(name)\" twice, so it is ambiguous which data it means; \(damaged)"
        case let .invalidTensorEntry(name, detail):
            return "tensor \"\(name)\" in \(f): \(detail); \(damaged)"
        case let .unknownDType(name, dtype):
            return "tensor \"\(name)\" in \(f) has dtype \"\(dtype)\", which Recurrent cannot read (known: \(SafeTensors.DType.allCases.map(\.rawValue).joined(separator: ", "))); convert it, e.g. to F32, before loading"
        case let .invalidShape(name, detail):
            return "tensor \"\(name)\" in \(f) has an invalid shape (\(detail)); \(damaged)"
        case let .sizeOverflow(name, shape):
            return "tensor \"\(name)\" in \(f) has shape \(shape), too large to exist; \(damaged)"
        case let .invalidOffsets(name, detail):
            return "tensor \"\(name)\" in \(f) has invalid data_offsets (\(detail)); \(damaged)"
        case let .offsetsOutsideBuffer(name, begin, end, size):
            return "tensor \"\(name)\" in \(f) claims bytes \(begin)..<\(end) but the data holds only \(size) bytes; \(damaged)"
        case let .byteCountMismatch(name, dtype, shape, expected, actual):
            return "tensor \"\(name)\" in \(f) is \(dtype) \(shape), which needs \(expected) bytes, but its data_offsets span \(actual); \(damaged)"
        case let .overlappingTensors(name, other):
            return "tensors \"\(other)\" and \"\(name)\" in \(f) share bytes; \(damaged)"
        case let .gapBeforeTensor(name, start, end):
            return "bytes \(start)..<\(end) before tensor \"\(name)\" in \(f) belong to no tensor (the format forbids holes); \(damaged)"
        case let .trailingBytes(covered, size):
            return "\(f) has \(size - covered) bytes after its last tensor that belong to no tensor; \(damaged)"
        case let .truncatedWhileReading(expected, read):
            return "\(f) ended after \(read) of \(expected) data bytes while being read (is something writing it?); try again, or use another checkpoint"
        case let .tensorNotFound(name, available):
            let shown = available.prefix(8).map { "\"\($0)\"" }.joined(separator: ", ")
            return "\(f) has no tensor \"\(name)\" (it has \(available.count)\(available.isEmpty ? "" : ": " + shown + (available.count > 8 ? ", …" : ""))); was it saved by a different model? Check the model options match the checkpoint"
        case let .shapeMismatch(name, expected, found):
            return "tensor \"\(name)\" in \(f) has shape \(found), expected \(expected); the checkpoint was saved by a model of another size — use the same model options as when it was trained"
        case let .wrongDType(name, found, wanted):
            return "tensor \"\(name)\" in \(f) holds \(found), not \(wanted); was it saved by a different program? Convert it before loading"
        case let .valueOutOfRange(name):
            return "tensor \"\(name)\" in \(f) holds a value too large for a 64-bit signed integer; \(damaged)"
        case let .writeFailed(operation, detail):
            return "could not write \(f): \(operation) failed: \(detail); check that the directory is writable and the disk is not full (any previous file at that path is unchanged)"
        case let .noSpace(operation, detail):
            return "could not write \(f): \(operation) failed: \(detail); there is no room for it: the disk or your quota is full, "
                + "or the file-size limit (ulimit -f) is smaller than the file. Free space or raise the limit and run again "
                + "(any previous file at that path is unchanged)"
        case let .directoryNotFound(directory):
            return "could not write \(f): the directory '\(directory)' does not exist; create it first"
        }
    }
}
