import Foundation
import SwiftProtobuf

/// The ONNX version the exporter writes: opset 17 of the default domain (ONNX 1.12, 2022), IR
/// version 8. Every operator used (Gather, LSTM, GRU, RNN, Split, Squeeze, Concat, Transpose,
/// Reshape, MatMul, Add, Sub, Div, ReduceMean, LogSoftmax, Identity) has had its current form
/// since opset 14 or earlier, so any ONNX Runtime from 1.12 on runs the files.
public enum ONNXFormat {
    public static let opset: Int64 = 17
    public static let irVersion: Int64 = 8
}

/// Collects the nodes, initializers, inputs and outputs of one graph and serializes the model.
///
/// Names are the graph's wiring: a node's inputs name initializers, graph inputs or earlier
/// nodes' outputs. `value(_:)` hands out unique names for intermediate values.
struct ONNXGraphBuilder {
    private var graph = Onnx_GraphProto()
    private var counter = 0
    var metadata: [(String, String)] = []

    init(name: String) {
        graph.name = name
    }

    /// A fresh intermediate value name, `stem_N`.
    mutating func value(_ stem: String) -> String {
        counter += 1
        return "\(stem)_\(counter)"
    }

    /// A graph input. `dims` entries are sizes or symbolic names ("T", "B").
    mutating func input(_ name: String, type: Onnx_TensorProto.DataType, dims: [ONNXDimension]) {
        graph.input.append(Self.valueInfo(name, type: type, dims: dims))
    }

    /// A graph output.
    mutating func output(_ name: String, type: Onnx_TensorProto.DataType, dims: [ONNXDimension]) {
        graph.output.append(Self.valueInfo(name, type: type, dims: dims))
    }

    /// A float32 constant (row-major `values`, `dims.reduce(1, *)` of them).
    @discardableResult
    mutating func initializer(_ name: String, dims: [Int], floats values: [Float]) -> String {
        precondition(dims.reduce(1, *) == values.count, "initializer \(name): \(values.count) values for dims \(dims)")
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims.map(Int64.init)
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        // Raw data is little-endian IEEE 754, as ONNX specifies.
        var data = Data(capacity: values.count * 4)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        tensor.rawData = data
        graph.initializer.append(tensor)
        return name
    }

    /// An int64 constant (shapes, axes, split sizes).
    @discardableResult
    mutating func initializer(_ name: String, int64s values: [Int64]) -> String {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = [Int64(values.count)]
        tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        tensor.int64Data = values
        graph.initializer.append(tensor)
        return name
    }

    /// Appends a node of the default domain. An empty input name is an omitted optional input.
    mutating func node(_ opType: String, inputs: [String], outputs: [String], attributes: [ONNXAttribute] = []) {
        var node = Onnx_NodeProto()
        node.opType = opType
        node.name = "\(opType)_\(graph.node.count)"
        node.input = inputs
        node.output = outputs
        node.attribute = attributes.map(\.proto)
        graph.node.append(node)
    }

    /// The serialized `ModelProto`.
    func serializedModel(producerVersion: String, docString: String) throws -> Data {
        var model = Onnx_ModelProto()
        model.irVersion = ONNXFormat.irVersion
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = ONNXFormat.opset
        model.opsetImport = [opset]
        model.producerName = "recurrent"
        model.producerVersion = producerVersion
        model.docString = docString
        model.graph = graph
        model.metadataProps = metadata.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return try model.serializedBytes()
    }

    private static func valueInfo(_ name: String, type: Onnx_TensorProto.DataType, dims: [ONNXDimension]) -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            switch d {
            case .size(let n): dim.dimValue = Int64(n)
            case .symbol(let s): dim.dimParam = s
            }
            return dim
        }
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(type.rawValue)
        tensorType.shape = shape
        var typeProto = Onnx_TypeProto()
        typeProto.tensorType = tensorType
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type = typeProto
        return info
    }
}

/// One dimension of a graph input or output: a fixed size or a name bound at run time.
enum ONNXDimension: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    case size(Int)
    case symbol(String)

    init(integerLiteral value: Int) { self = .size(value) }
    init(stringLiteral value: String) { self = .symbol(value) }
}

/// A node attribute.
enum ONNXAttribute {
    case int(String, Int64)
    case float(String, Float)
    case string(String, String)
    case ints(String, [Int64])
    case strings(String, [String])

    var proto: Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        switch self {
        case .int(let name, let v): a.name = name; a.type = .int; a.i = v
        case .float(let name, let v): a.name = name; a.type = .float; a.f = v
        case .string(let name, let v): a.name = name; a.type = .string; a.s = Data(v.utf8)
        case .ints(let name, let v): a.name = name; a.type = .ints; a.ints = v
        case .strings(let name, let v): a.name = name; a.type = .strings; a.strings = v.map { Data($0.utf8) }
        }
        return a
    }
}
