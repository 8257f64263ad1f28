/// What to do with the gaps of a series. Training never sees a NaN: every gap is handled by
/// one of these, and the number handled is reported.
public enum MissingValuePolicy: String, Codable, Sendable, CaseIterable {
    /// Fill each gap on the straight line between its neighbours; gaps at the very start or end
    /// take the nearest value. Keeps the spacing of time steps, so seasons stay aligned.
    case interpolate
    /// Drop the time steps without a value. Later steps move earlier, so a season of `S` steps
    /// is no longer exactly `S` steps after a gap: prefer `interpolate` for seasonal data.
    case skip
}

/// A series without gaps.
public struct FilledSeries: Sendable, Equatable {
    public var name: String
    public var dates: [CalendarDate]?
    public var values: [Double]
    /// How many values were missing (filled or dropped).
    public var missingCount: Int
    public var policy: MissingValuePolicy

    public init(name: String, dates: [CalendarDate]? = nil, values: [Double],
                missingCount: Int = 0, policy: MissingValuePolicy = .interpolate) {
        self.name = name
        self.dates = dates
        self.values = values
        self.missingCount = missingCount
        self.policy = policy
    }

    public var frequency: SeriesFrequency? { dates.flatMap(SeriesFrequency.infer) }
}

extension TimeSeries {
    /// The series with its gaps handled by `policy`. Throws when there is no value at all.
    public func filled(_ policy: MissingValuePolicy) throws -> FilledSeries {
        let present = values.indices.filter { values[$0] != nil }
        guard let first = present.first, let last = present.last else {
            throw SeriesError.allMissing(file: file, column: name)
        }
        switch policy {
        case .skip:
            return FilledSeries(name: name, dates: dates.map { d in present.map { d[$0] } },
                                values: present.map { values[$0]! }, missingCount: values.count - present.count,
                                policy: policy)
        case .interpolate:
            var out = [Double](repeating: 0, count: values.count)
            for i in 0..<first { out[i] = values[first]! }
            for i in (last + 1)..<max(values.count, last + 1) { out[i] = values[last]! }
            for (a, b) in zip(present, present.dropFirst()) {
                let ya = values[a]!, yb = values[b]!
                out[a] = ya
                for i in (a + 1)..<b { out[i] = ya + (yb - ya) * Double(i - a) / Double(b - a) }
            }
            out[last] = values[last]!
            return FilledSeries(name: name, dates: dates, values: out,
                                missingCount: values.count - present.count, policy: policy)
        }
    }
}
