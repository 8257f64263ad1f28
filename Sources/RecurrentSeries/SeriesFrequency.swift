/// The spacing of a dated series, used to date forecasts past its end.
public enum SeriesFrequency: Codable, Equatable, Sendable, CustomStringConvertible {
    /// Every `n` days (daily 1, weekly 7).
    case days(Int)
    /// Every `n` months on the same day of the month (monthly 1, quarterly 3, yearly 12).
    case months(Int)

    /// The most common step between consecutive `dates`, in months when every date falls on
    /// the same day of the month (≤ 28, so month ends do not fool it), else in days; `nil` for
    /// fewer than two dates or no positive step. The most common step, not the first, so gaps
    /// and skipped rows do not change it.
    public static func infer(_ dates: [CalendarDate]) -> SeriesFrequency? {
        guard dates.count >= 2 else { return nil }
        let sameDay = dates.allSatisfy { $0.day == dates[0].day } && dates[0].day <= 28
        let steps = zip(dates, dates.dropFirst()).map { a, b in
            sameDay ? b.monthIndex - a.monthIndex : b.daysSinceEpoch - a.daysSinceEpoch
        }
        var counts: [Int: Int] = [:]
        for s in steps where s > 0 { counts[s, default: 0] += 1 }
        guard let step = counts.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) })?.key else { return nil }
        return sameDay ? .months(step) : .days(step)
    }

    /// The date `steps` periods after `date`.
    public func advance(_ date: CalendarDate, by steps: Int) -> CalendarDate {
        switch self {
        case .days(let n): return date.adding(days: n * steps)
        case .months(let n): return date.adding(months: n * steps)
        }
    }

    public var description: String {
        switch self {
        case .days(1): return "daily"
        case .days(7): return "weekly"
        case .days(let n): return "every \(n) days"
        case .months(1): return "monthly"
        case .months(3): return "quarterly"
        case .months(12): return "yearly"
        case .months(let n): return "every \(n) months"
        }
    }
}
