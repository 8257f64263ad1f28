/// PyTorch's `state_dict()` / `load_state_dict()` for every module that has parameters (a
/// recurrent layer, cell, `Linear`, `Embedding`, a whole model): the tensors under their
/// PyTorch names and shapes, held in a `SafeTensors` value, so a state dict saved by
/// `safetensors.torch.save_file(module.state_dict(), path)` loads here in one call and ours
/// loads there with `module.load_state_dict(load_file(path))`.
///
/// ```swift
/// let lstm = LSTM(inputSize: 8, hiddenSize: 32, numLayers: 2, bidirectional: true, generator: &rng)
/// try lstm.load(stateDictFile: "lstm.safetensors")       // written by PyTorch
/// try lstm.stateDict().write(to: "copy.safetensors")     // and back
/// ```
extension ParameterContainer {
    /// Every parameter as an F32 tensor under its PyTorch name and shape, in `parameters`
    /// (= `state_dict`) order. The tensors are copies.
    public func stateDict() -> SafeTensors {
        var tensors = SafeTensors()
        for p in parameters { tensors.put(p) }
        return tensors
    }

    /// Copies the tensors of `stateDict` into the parameters of the same name (PyTorch's
    /// `load_state_dict`). Floating-point tensors of any width (F32, F16, BF16, F64) are converted.
    ///
    /// Everything is checked before anything changes: when it throws, no parameter has changed.
    /// It throws `StateDictError` listing every problem at once — tensors of the wrong shape or
    /// of a non-floating-point type, and (when `strict`) missing and unexpected names. Without
    /// `strict`, missing and unexpected names are returned instead and the matching tensors load.
    ///
    /// - Returns: the missing and unexpected names (both empty after a strict load).
    @discardableResult
    public func load(stateDict: SafeTensors, strict: Bool = true) throws(StateDictError) -> StateDictKeys {
        let own = parameters
        let ownNames = Set(own.map(\.name))
        var failure = StateDictError(module: String(describing: type(of: self)), origin: stateDict.origin)
        failure.missingKeys = own.map(\.name).filter { stateDict[$0] == nil }
        failure.unexpectedKeys = stateDict.names.filter { !ownNames.contains($0) }
        var values: [(Parameter, [Float])] = []
        for p in own {
            guard let tensor = stateDict[p.name] else { continue }
            guard tensor.shape == p.shape else {
                failure.shapeMismatches.append(.init(name: p.name, stateDictShape: tensor.shape, moduleShape: p.shape))
                continue
            }
            guard let floats = tensor.floatValues() else {
                failure.wrongTypes.append(.init(name: p.name, dtype: tensor.dtype.rawValue))
                continue
            }
            values.append((p, floats))
        }
        let keys = StateDictKeys(missingKeys: failure.missingKeys, unexpectedKeys: failure.unexpectedKeys)
        if !strict {
            failure.missingKeys = []
            failure.unexpectedKeys = []
        }
        guard failure.isEmpty else { throw failure }
        for (p, floats) in values {
            var i = 0
            p.value.forEachRow { _, row in
                for c in row.indices { row[c] = floats[i]; i += 1 }
            }
        }
        return keys
    }

    /// Reads the safetensors file at `path` and loads it as `load(stateDict:strict:)` does.
    /// A file that cannot be read throws `StateDictError` with `fileError` set (and nothing changes).
    @discardableResult
    public func load(stateDictFile path: String, strict: Bool = true) throws(StateDictError) -> StateDictKeys {
        let file: SafeTensors
        do {
            file = try SafeTensors(contentsOf: path)
        } catch {
            var failure = StateDictError(module: String(describing: type(of: self)), origin: path)
            failure.fileError = error
            throw failure
        }
        return try load(stateDict: file, strict: strict)
    }
}

/// The names a non-strict `load(stateDict:strict:)` skipped (PyTorch's `_IncompatibleKeys`).
public struct StateDictKeys: Equatable, Sendable {
    /// Parameters of the module with no tensor in the state dict (left unchanged).
    public var missingKeys: [String]
    /// Tensors of the state dict that name no parameter (ignored).
    public var unexpectedKeys: [String]
}

/// Why a state dict did not load, listing every problem as PyTorch's `load_state_dict` does.
/// The module is unchanged.
public struct StateDictError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tensor whose shape differs from its parameter's.
    public struct ShapeMismatch: Equatable, Sendable {
        public var name: String
        public var stateDictShape: [Int]
        public var moduleShape: [Int]
    }

    /// A tensor that does not hold floating-point values.
    public struct WrongType: Equatable, Sendable {
        public var name: String
        public var dtype: String
    }

    /// The module's type name (`LSTM`, `LanguageModel`, …).
    public var module: String
    /// Where the state dict came from (its file path, or `"<memory>"`).
    public var origin: String
    /// Parameters with no tensor (a strict load only).
    public var missingKeys: [String] = []
    /// Tensors that name no parameter (a strict load only).
    public var unexpectedKeys: [String] = []
    public var shapeMismatches: [ShapeMismatch] = []
    public var wrongTypes: [WrongType] = []
    /// The file could not be read at all.
    public var fileError: SafeTensorsError?

    public init(module: String, origin: String) {
        self.module = module
        self.origin = origin
    }

    var isEmpty: Bool {
        missingKeys.isEmpty && unexpectedKeys.isEmpty && shapeMismatches.isEmpty && wrongTypes.isEmpty && fileError == nil
    }

    public var description: String {
        if let fileError { return "cannot load a state dict into \(module): \(fileError)" }
        func quoted(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }
        var lines = ["Error(s) in loading state_dict for \(module) from '\(origin)':"]
        if !missingKeys.isEmpty { lines.append("\tMissing key(s) in state_dict: \(quoted(missingKeys)).") }
        if !unexpectedKeys.isEmpty { lines.append("\tUnexpected key(s) in state_dict: \(quoted(unexpectedKeys)).") }
        for m in shapeMismatches {
            lines.append("\tsize mismatch for \(m.name): copying a param with shape \(m.stateDictShape) from checkpoint, "
                         + "the shape in current model is \(m.moduleShape).")
        }
        for w in wrongTypes {
            lines.append("\t\(w.name) holds \(w.dtype) values; a parameter needs floating-point values (F32, F16, BF16 or F64).")
        }
        lines.append("Build the \(module) with the sizes and options the state dict was saved with"
                     + (missingKeys.isEmpty && unexpectedKeys.isEmpty ? "." : ", or pass strict: false to skip missing and unexpected names."))
        return lines.joined(separator: "\n")
    }
}
