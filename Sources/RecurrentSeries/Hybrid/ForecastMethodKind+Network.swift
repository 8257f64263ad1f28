extension ForecastMethodKind {
    /// Whether this is a trained network (the LSTM or the ES-RNN hybrid) rather than a baseline:
    /// the model choice says whether a network beat the baselines.
    public var isNetwork: Bool { self == .network || self == .hybrid }
}
