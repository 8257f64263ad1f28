/// The tensors and metadata of one safetensors file, held in memory.
///
/// The safetensors format (Hugging Face; see `docs/checkpoints.md`) is an 8-byte little-endian
/// header length `N`, then `N` bytes of UTF-8 JSON mapping each tensor name to its dtype, shape
/// and byte range, plus an optional `__metadata__` object of string → string, then the bytes of
/// every tensor: contiguous, row-major (C order), little-endian, covering the buffer with no gap.
///
/// A `SafeTensors` value keeps its tensors in insertion order (after reading: file order) and
/// its metadata as a dictionary. Writing is deterministic — the header is sorted (by descending
/// dtype alignment, then name, as the reference writer does; metadata keys sorted), so equal
/// contents give identical bytes — and atomic (see ``write(to:)``). Reading bounds-checks every
/// field and throws ``SafeTensorsError`` (see ``init(contentsOf:)``).
///
/// ```swift
/// var file = SafeTensors(metadata: ["step": "120"])
/// file.put("lstm.weight_ih_l0", matrix: weights, shape: [4 * H, I])   // F32
/// try file.write(to: "run/step-000120.safetensors")
/// let back = try SafeTensors(contentsOf: "run/step-000120.safetensors")
/// let w = try back.matrix("lstm.weight_ih_l0", shape: [4 * H, I])
/// ```
public struct SafeTensors: Sendable {
    /// The `__metadata__` strings. Written sorted by key; omitted from the file when empty.
    public var metadata: [String: String]

    /// Where these tensors came from (a file path, or `"<memory>"`); named in error messages.
    public var origin: String

    /// Tensor names in order: insertion order, or for a file read from disk the order of the
    /// tensors' bytes in the file.
    public private(set) var names: [String] = []

    private var tensors: [String: Tensor] = [:]

    /// An empty collection of tensors.
    public init(metadata: [String: String] = [:], origin: String = "<memory>") {
        self.metadata = metadata
        self.origin = origin
    }

    /// Number of tensors.
    public var count: Int { names.count }

    /// True when there are no tensors (there may still be metadata).
    public var isEmpty: Bool { names.isEmpty }

    /// The tensor named `name`, or nil. Setting a new name appends it; setting an existing name
    /// replaces it in place; setting nil removes it.
    ///
    /// - Precondition: `name` is not `__metadata__` (reserved by the format).
    public subscript(name: String) -> Tensor? {
        get { tensors[name] }
        set {
            precondition(name != SafeTensors.metadataKey,
                         "\"\(SafeTensors.metadataKey)\" is reserved by the safetensors format for metadata")
            if let newValue {
                if tensors.updateValue(newValue, forKey: name) == nil { names.append(name) }
            } else if tensors.removeValue(forKey: name) != nil {
                names.removeAll { $0 == name }
            }
        }
    }

    /// The tensors in ``names`` order.
    public var namedTensors: [(name: String, tensor: Tensor)] {
        names.map { ($0, tensors[$0]!) }
    }

    /// The tensor named `name`, or an error naming ``origin`` when it is missing.
    public func tensor(_ name: String) throws(SafeTensorsError) -> Tensor {
        guard let t = tensors[name] else {
            throw SafeTensorsError(file: origin, problem: .tensorNotFound(name: name, available: names))
        }
        return t
    }

    /// The JSON key the format reserves for the metadata object.
    public static let metadataKey = "__metadata__"
}

extension SafeTensors: Equatable {
    /// Equal when both hold the same tensors under the same names (in any order) and the same
    /// metadata. ``origin`` is not compared.
    public static func == (a: SafeTensors, b: SafeTensors) -> Bool {
        a.metadata == b.metadata && a.tensors == b.tensors
    }
}

extension SafeTensors {
    /// One tensor: element type, PyTorch shape and raw little-endian bytes in row-major order.
    public struct Tensor: Equatable, Sendable {
        public let dtype: DType
        /// The shape, outermost dimension first (`[]` is a scalar, a 0 anywhere means empty).
        public let shape: [Int]
        /// `elementCount * dtype.byteCount` bytes, little-endian, row-major.
        public let bytes: [UInt8]

        /// A tensor from raw bytes.
        ///
        /// - Precondition: every dimension is ≥ 0 and `bytes.count` equals the element count
        ///   times `dtype.byteCount`.
        public init(dtype: DType, shape: [Int], bytes: [UInt8]) {
            precondition(shape.allSatisfy { $0 >= 0 }, "tensor shape \(shape) has a negative dimension")
            let expected = SafeTensors.byteCount(of: dtype, shape: shape)
            precondition(expected == bytes.count,
                         "tensor of \(dtype) \(shape) needs \(expected.map(String.init) ?? "too many") bytes, got \(bytes.count)")
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// Product of the dimensions (1 for a scalar).
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// Element types of the safetensors format.
    ///
    /// All can be read and written as raw bytes; ``Tensor/floatValues()`` converts the floating
    /// types (F64, F32, F16, BF16) and ``Tensor/integerValues()`` the integer ones.
    public enum DType: String, CaseIterable, Sendable {
        case bool = "BOOL"
        case uint8 = "U8"
        case int8 = "I8"
        case float8E5M2 = "F8_E5M2"
        case float8E4M3 = "F8_E4M3"
        case int16 = "I16"
        case uint16 = "U16"
        case float16 = "F16"
        case bfloat16 = "BF16"
        case int32 = "I32"
        case uint32 = "U32"
        case float32 = "F32"
        case complex64 = "C64"
        case float64 = "F64"
        case int64 = "I64"
        case uint64 = "U64"

        /// Bytes per element.
        public var byteCount: Int {
            switch self {
            case .bool, .uint8, .int8, .float8E5M2, .float8E4M3: 1
            case .int16, .uint16, .float16, .bfloat16: 2
            case .int32, .uint32, .float32: 4
            case .complex64, .float64, .int64, .uint64: 8
            }
        }

        /// True for the types ``Tensor/floatValues()`` converts.
        public var isFloatingPoint: Bool {
            switch self {
            case .float64, .float32, .float16, .bfloat16: true
            default: false
            }
        }

        /// True for the types ``Tensor/integerValues()`` converts (BOOL counts as 0/1).
        public var isInteger: Bool {
            switch self {
            case .bool, .uint8, .int8, .int16, .uint16, .int32, .uint32, .int64, .uint64: true
            default: false
            }
        }

        /// Position in the reference implementation's `Dtype` enum, which its writer sorts by
        /// (descending) so every tensor starts at a multiple of its element size; we sort the
        /// same way, so our files match the reference writer's byte for byte.
        var writeRank: Int {
            switch self {
            case .bool: 0
            case .uint8: 1
            case .int8: 2
            case .float8E5M2: 3
            case .float8E4M3: 4
            case .int16: 5
            case .uint16: 6
            case .float16: 7
            case .bfloat16: 8
            case .int32: 9
            case .uint32: 10
            case .float32: 11
            case .complex64: 12
            case .float64: 13
            case .int64: 14
            case .uint64: 15
            }
        }
    }

    /// `product(shape) * dtype.byteCount`, or nil when that overflows `Int`.
    static func byteCount(of dtype: DType, shape: [Int]) -> Int? {
        var n = dtype.byteCount
        for d in shape {
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = p
        }
        return n
    }
}
