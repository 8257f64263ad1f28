import Foundation
import Recurrent
import RecurrentSeries

extension ONNXExport {
    /// A forecaster as one graph on *encoded* values (the window encoding depends on values
    /// before the window, so it stays outside; `docs/export.md` gives the formulas and the model's
    /// `metadata_props` hold them as `recurrent.encoding`):
    ///
    ///     history (L, B, F) → LSTM/GRU/RNN × layers → last step's h (B, Hid) → MatMul + Add → forecast (B, H)
    ///
    /// L lookback, F = 1 (2 with the seasonal reference), H horizon.
    public static func forecaster(_ checkpoint: ForecastCheckpoint, producerVersion: String) throws(ONNXExportError) -> Data {
        let model = checkpoint.model, c = model.configuration
        let stack = try ONNXRecurrentStack(model.encoder.recurrent)
        var g = ONNXGraphBuilder(name: "recurrent_forecaster")
        g.input("history", type: .float, dims: [.size(c.lookback), "B", .size(c.inputSize)])
        g.output("forecast", type: .float, dims: ["B", .size(c.horizon)])
        let out = stack.add(to: &g, prefix: "rnn", input: "history")
        let features = pooled(out, pooling: model.encoder.pooling, directions: stack.numDirections, in: &g)
        g.linear(model.head, prefix: "head", input: features, output: "forecast")
        g.metadata.append(("recurrent.kind", "forecaster"))
        g.metadata.append(("recurrent.model", try jsonString(c)))
        g.metadata.append(("recurrent.encoding", try jsonString(checkpoint.encoding)))
        return try serialize(g, producerVersion: producerVersion,
                             doc: "Recurrent forecaster: encoded history (L, B, F) in, encoded forecast (B, H) out; "
                                + "forecast[t+h] = r_h + scale · output_h (docs/export.md).")
    }

    /// A classifier as one graph: numeric inputs are standardised inside the graph with the
    /// training data's mean and deviation, text arrives as token ids of its vocabulary.
    ///
    ///     inputs (T, B, F) → (x − mean) / sd  ┐
    ///     input_ids (T, B) int64 → Gather     ┴→ LSTM/GRU/RNN × layers (1 or 2 directions)
    ///       → last step's h (or the mean over steps) (B, D·Hid) → MatMul + Add → logits (B, C)
    public static func classifier(_ checkpoint: ClassifierCheckpoint, producerVersion: String) throws(ONNXExportError) -> Data {
        let model = checkpoint.model, c = model.configuration, spec = checkpoint.input
        let stack = try ONNXRecurrentStack(model.encoder.recurrent)
        var g = ONNXGraphBuilder(name: "recurrent_classifier")
        let sequence: String
        if let embedding = model.embedding {
            g.input("input_ids", type: .int64, dims: [.size(spec.steps), "B"])
            g.embedding(embedding, prefix: "embedding", ids: "input_ids", output: "embedded")
            sequence = "embedded"
        } else {
            g.input("inputs", type: .float, dims: [.size(spec.steps), "B", .size(spec.features)])
            if let s = spec.standardizer {
                g.initializer("standardizer.mean", dims: [s.featureCount], floats: s.mean.map { Float($0) })
                g.initializer("standardizer.sd", dims: [s.featureCount], floats: s.standardDeviation.map { Float($0) })
                g.node("Sub", inputs: ["inputs", "standardizer.mean"], outputs: ["centred"])
                g.node("Div", inputs: ["centred", "standardizer.sd"], outputs: ["standardized"])
                sequence = "standardized"
            } else {
                sequence = "inputs"
            }
        }
        g.output("logits", type: .float, dims: ["B", .size(c.classCount)])
        let out = stack.add(to: &g, prefix: "rnn", input: sequence)
        let features = pooled(out, pooling: model.encoder.pooling, directions: stack.numDirections, in: &g)
        g.linear(model.head, prefix: "head", input: features, output: "logits")
        g.metadata.append(("recurrent.kind", "classifier"))
        g.metadata.append(("recurrent.model", try jsonString(c)))
        g.metadata.append(("recurrent.class_names", try jsonString(spec.classNames)))
        if let vocabulary = spec.vocabulary { g.metadata.append(("recurrent.vocabulary", try jsonString(vocabulary))) }
        return try serialize(g, producerVersion: producerVersion,
                             doc: "Recurrent sequence classifier: a sequence (T, B, …) in, class logits (B, C) out (docs/export.md).")
    }

    /// The encoder's pooling as nodes: `last` = [h→(T−1) | h←(0)], the final states of the top
    /// layer's directions (D, B, H) → (B, D·H); `mean` = the mean of (T, B, D·H) over T.
    static func pooled(_ out: ONNXRecurrentStack.Outputs, pooling: SequencePooling, directions: Int,
                       in g: inout ONNXGraphBuilder) -> String {
        let features = g.value("features")
        switch pooling {
        case .last:
            let transposed = g.value("final_h.t")                                   // (B, D, H)
            g.node("Transpose", inputs: [out.finalH.last!], outputs: [transposed], attributes: [.ints("perm", [1, 0, 2])])
            let shape = g.initializer(g.value("shape"), int64s: [0, -1])
            g.node("Reshape", inputs: [transposed, shape], outputs: [features])
        case .mean:
            g.node("ReduceMean", inputs: [out.sequence], outputs: [features],
                   attributes: [.ints("axes", [0]), .int("keepdims", 0)])
        }
        return features
    }

    /// Metadata JSON, written by the checkpoints' one JSON writer.
    static func jsonString<T: Encodable>(_ value: T) throws(ONNXExportError) -> String {
        do {
            return try MetadataJSON.encode(value)
        } catch {
            throw .serialization(error.description)
        }
    }
}
