extension SafeTensors {
    /// Values in all tensors together (a file read from disk has checked that each shape fits
    /// its bytes, so this cannot overflow).
    public var elementCount: Int {
        names.reduce(0) { $0 + (self[$1]?.elementCount ?? 0) }
    }

    /// Whether the tensors hold at least `count` values: a model whose parameters outnumber
    /// the file's values cannot be in it, so a checkpoint's metadata is checked with this
    /// before the model it describes is allocated (a damaged hidden size of 10⁹ must be an
    /// error, not a 10¹⁸-element allocation). `count` is a Double so sizes never overflow.
    public func holds(atLeast count: Double) -> Bool {
        count <= Double(elementCount)
    }
}
