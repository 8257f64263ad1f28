/// Why a model could not be exported to ONNX.
public enum ONNXExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model uses something ONNX's operators cannot express exactly (named).
    case unsupportedFeature(String)
    /// The model configuration has a setting this exporter does not know (written by a newer
    /// recurrent), so it cannot promise the graph is the same function.
    case unknownOption(String)
    /// The protobuf could not be serialized.
    case serialization(String)

    public var description: String {
        switch self {
        case .unsupportedFeature(let feature):
            return "cannot export to ONNX: the model uses \(feature), which ONNX's standard operators cannot "
                + "express exactly, so the exported graph would not compute what this model computes "
                + "(export the weights with --weights instead)"
        case .unknownOption(let setting):
            return "cannot export to ONNX: the model's configuration has \(setting), which this version of the "
                + "exporter does not know, so it cannot promise the graph computes what the model computes "
                + "(use the recurrent that trained the model, or export the weights with --weights)"
        case .serialization(let reason):
            return "cannot write the ONNX protobuf: \(reason)"
        }
    }
}
