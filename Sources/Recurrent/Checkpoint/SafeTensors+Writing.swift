extension SafeTensors {
    /// The tensors in the order they are written: descending dtype rank (so each tensor starts
    /// at a multiple of its element size), then name by UTF-8 bytes — the reference writer's
    /// order, which makes our files identical to `safetensors.torch.save_file`'s whenever the
    /// metadata has at most one key (it writes several keys in hash order).
    var writeOrder: [(name: String, tensor: Tensor)] {
        namedTensors.sorted { a, b in
            if a.tensor.dtype.writeRank != b.tensor.dtype.writeRank {
                return a.tensor.dtype.writeRank > b.tensor.dtype.writeRank
            }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
    }

    /// The header: compact JSON with `__metadata__` first (keys sorted, omitted when empty),
    /// then the tensors in ``writeOrder``, padded with spaces to a multiple of 8 bytes so the
    /// data buffer starts aligned.
    func headerBytes() -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        func separator() {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
        }
        if !metadata.isEmpty {
            separator()
            HeaderJSON.appendString(SafeTensors.metadataKey, to: &out)
            out.append(contentsOf: Array(":{".utf8))
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (i, key) in keys.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                HeaderJSON.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                HeaderJSON.appendString(metadata[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        var offset = 0
        for (name, tensor) in writeOrder {
            separator()
            HeaderJSON.appendString(name, to: &out)
            out.append(contentsOf: Array(":{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[".utf8))
            out.append(contentsOf: Array(tensor.shape.map(String.init).joined(separator: ",").utf8))
            out.append(contentsOf: Array("],\"data_offsets\":[\(offset),\(offset + tensor.bytes.count)]}".utf8))
            offset += tensor.bytes.count
        }
        out.append(UInt8(ascii: "}"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - out.count % 8) % 8))
        return out
    }

    /// The whole file as bytes: header length, header, tensor data.
    public func serialized() -> [UInt8] {
        let header = headerBytes()
        var out = littleEndianBytes(UInt64(header.count))
        out.reserveCapacity(8 + header.count + namedTensors.reduce(0) { $0 + $1.tensor.bytes.count })
        out.append(contentsOf: header)
        for (_, tensor) in writeOrder { out.append(contentsOf: tensor.bytes) }
        return out
    }

    /// Writes the file at `path` atomically, replacing any file there.
    ///
    /// The bytes go to a temporary file in the same directory, which is flushed to disk
    /// (`fsync`) and renamed over `path`; then the directory is flushed. If the process is
    /// killed or the machine loses power at any moment, `path` holds either the complete old
    /// file or the complete new one, never a mixture or a truncated file. The same contents
    /// always give the same bytes.
    ///
    /// - Throws: ``SafeTensorsError`` (`.directoryNotFound`, `.writeFailed`) naming `path`;
    ///   the previous file, if any, is then unchanged.
    public func write(to path: String) throws(SafeTensorsError) {
        let header = headerBytes()
        try AtomicFile.write(to: path) { (file) throws(SafeTensorsError) in
            try file.write(littleEndianBytes(UInt64(header.count)))
            try file.write(header)
            for (_, tensor) in writeOrder { try file.write(tensor.bytes) }
        }
    }
}

private func littleEndianBytes(_ v: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
}
