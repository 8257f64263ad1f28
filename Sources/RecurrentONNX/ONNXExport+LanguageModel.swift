import Foundation
import Recurrent

/// ONNX graphs of trained models (opset `ONNXFormat.opset`). The graphs, their inputs and
/// outputs, and what is refused: `docs/export.md`.
public enum ONNXExport {
    /// Keys of a language model's `model` metadata JSON this exporter understands: the graph's
    /// shape, the output layer, and the training-only regularisers (dropout of every kind, weight
    /// drop), which inference leaves out. Any other key with a non-default value is a feature the
    /// graph cannot express (LSTM projections, zoneout) or one added after this exporter was
    /// written, and is refused by name rather than exported wrongly.
    static let knownLanguageModelKeys: Set<String> = [
        "cell", "vocabulary_size", "embedding_size", "hidden_size", "num_layers", "dropout", "peepholes",
        "input_dropout", "hidden_dropout", "weight_drop", "embedding_dropout", "adaptive_softmax", "tie_weights",
    ]

    /// What a configuration key means, for the refusal message.
    static let featureNames: [String: String] = [
        "proj_size": "LSTM projections",
        "projection_size": "LSTM projections",
        "zoneout_cell": "zoneout",
        "zoneout_hidden": "zoneout",
    ]

    /// A text model as one graph, stepping any number of tokens from a given state:
    ///
    ///     input_ids (T, B) int64 → Gather → LSTM/GRU/RNN × L → output layer → logits (T, B, V)
    ///     h0 (L, B, H) [c0 (L, B, H)]                                       → hn (L, B, H) [cn (L, B, H)]
    ///
    /// The output layer is the decoder's MatMul + Add (with tied weights, MatMul with the
    /// transposed embedding table, stored once), or an adaptive softmax, whose `logits` are its
    /// exact log-probabilities (`adaptiveSoftmax`). Dropout is left out (inference).
    /// `modelJSON` is the checkpoint's `model` metadata, checked for features the graph cannot
    /// express; it and `tokenizerJSON` are copied into the model's `metadata_props`
    /// (`recurrent.model`, `recurrent.tokenizer`).
    ///
    /// - Throws: `ONNXExportError.unsupportedFeature` or `.unknownOption` naming the feature.
    public static func languageModel(_ model: LanguageModel, modelJSON: String?, tokenizerJSON: String?,
                                     producerVersion: String) throws(ONNXExportError) -> Data {
        if let modelJSON { try refuseUnknownFeatures(modelJSON) }
        let c = model.configuration
        let stack = try ONNXRecurrentStack(model.rnn)
        var g = ONNXGraphBuilder(name: "recurrent_language_model")
        let hasCell = stack.cell.hasCellState
        g.input("input_ids", type: .int64, dims: ["T", "B"])
        g.input("h0", type: .float, dims: [.size(c.numLayers), "B", .size(c.hiddenSize)])
        if hasCell { g.input("c0", type: .float, dims: [.size(c.numLayers), "B", .size(c.hiddenSize)]) }
        g.output("logits", type: .float, dims: ["T", "B", .size(c.vocabularySize)])
        g.output("hn", type: .float, dims: [.size(c.numLayers), "B", .size(c.hiddenSize)])
        if hasCell { g.output("cn", type: .float, dims: [.size(c.numLayers), "B", .size(c.hiddenSize)]) }

        g.embedding(model.embedding, prefix: "embedding", ids: "input_ids", output: "embedded")   // (T, B, E)
        let initialH = splitLayers("h0", count: c.numLayers, in: &g)
        let initialC = hasCell ? splitLayers("c0", count: c.numLayers, in: &g) : []
        let finalH = c.numLayers == 1 ? ["hn"] : (0..<c.numLayers).map { "rnn.l\($0).h_final" }
        let finalC = c.numLayers == 1 ? ["cn"] : (0..<c.numLayers).map { "rnn.l\($0).c_final" }
        let out = stack.add(to: &g, prefix: "rnn", input: "embedded", initialH: initialH, initialC: initialC,
                            finalHNames: finalH, finalCNames: hasCell ? finalC : nil)
        if c.numLayers > 1 {
            g.node("Concat", inputs: out.finalH, outputs: ["hn"], attributes: [.int("axis", 0)])
            if hasCell { g.node("Concat", inputs: out.finalC, outputs: ["cn"], attributes: [.int("axis", 0)]) }
        }
        switch model.output {
        case .softmax(let decoder) where c.tieWeights:
            // The decoder's weight is the embedding table (V, E = H): transposed in the graph,
            // so the file holds the matrix once, as the checkpoint does.
            g.node("Transpose", inputs: ["embedding.weight"], outputs: ["decoder.weight_t"], attributes: [.ints("perm", [1, 0])])
            let product = g.value("decoder.matmul")
            g.node("MatMul", inputs: [out.sequence, "decoder.weight_t"], outputs: [product])
            g.initializer("decoder.bias", dims: [c.vocabularySize], floats: decoder.bias?.value.toArray()
                          ?? Array(repeating: 0, count: c.vocabularySize))
            g.node("Add", inputs: [product, "decoder.bias"], outputs: ["logits"])
        case .softmax(let decoder):
            g.linear(decoder, prefix: "decoder", input: out.sequence, output: "logits")
        case .adaptive(let adaptive):
            g.adaptiveSoftmax(adaptive, prefix: "decoder", input: out.sequence, output: "logits")
        }

        g.metadata.append(("recurrent.kind", "language-model"))
        if let modelJSON { g.metadata.append(("recurrent.model", modelJSON)) }
        if let tokenizerJSON { g.metadata.append(("recurrent.tokenizer", tokenizerJSON)) }
        return try serialize(g, producerVersion: producerVersion,
                             doc: "Recurrent \(c.cell.rawValue) language model: input_ids (T, B) and the state in, "
                                + "logits (T, B, V) and the next state out (docs/export.md)."
                                + (c.adaptiveSoftmax != nil ? " Adaptive softmax: the logits are log-probabilities." : ""))
    }

    /// A state (L, B, H) split into L values (1, B, H), one per layer (itself when L = 1).
    static func splitLayers(_ state: String, count: Int, in g: inout ONNXGraphBuilder) -> [String] {
        guard count > 1 else { return [state] }
        let parts = (0..<count).map { "\(state).l\($0)" }
        g.node("Split", inputs: [state], outputs: parts, attributes: [.int("axis", 0)])
        return parts
    }

    /// Refuses a configuration with keys this exporter does not know set to non-default values.
    static func refuseUnknownFeatures(_ json: String) throws(ONNXExportError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return }
        for key in object.keys.sorted() where !knownLanguageModelKeys.contains(key) {
            if isDefault(object[key]) { continue }
            let setting = "\(key) = \(describe(object[key]))"
            guard let feature = featureNames[key] else { throw .unknownOption(setting) }
            throw .unsupportedFeature("\(feature) (\(setting))")
        }
    }

    /// 0, false, null, "" and empty collections mean "feature off".
    private static func isDefault(_ value: Any?) -> Bool {
        switch value {
        case nil, is NSNull: return true
        case let n as NSNumber: return n.doubleValue == 0
        case let s as String: return s.isEmpty || s == "none"
        case let a as [Any]: return a.isEmpty
        case let d as [String: Any]: return d.isEmpty
        default: return false
        }
    }

    private static func describe(_ value: Any?) -> String {
        guard let value else { return "null" }
        if let n = value as? NSNumber {
            // JSONSerialization keeps true/false as NSNumber with the C type "c".
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            return n.stringValue
        }
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }

    static func serialize(_ g: ONNXGraphBuilder, producerVersion: String, doc: String) throws(ONNXExportError) -> Data {
        do {
            return try g.serializedModel(producerVersion: producerVersion, docString: doc)
        } catch {
            throw .serialization("\(error)")
        }
    }
}
