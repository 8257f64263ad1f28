/// Calendars that take more than one cell or more than the rows there are: a year column with
/// a quarter or month column beside it, and dated series with whole rows missing.

/// A column that numbers the quarter or the month within a year: `1`…`4` or `Q1`…`Q4`,
/// `1`…`12` or month names.
struct PeriodColumn: Equatable {
    enum Kind: Equatable {
        case quarter, month

        var monthsPerPeriod: Int { self == .quarter ? 3 : 1 }
        var periodsPerYear: Int { self == .quarter ? 4 : 12 }
    }

    var kind: Kind
    /// The period of each row, 1-based.
    var periods: [Int]

    /// The first day of each row's period in each row's year.
    func dates(years: [Int]) -> [CalendarDate] {
        zip(years, periods).map { CalendarDate(year: $0, month: 1 + ($1 - 1) * kind.monthsPerPeriod, day: 1)! }
    }

    /// Reads `cells` as periods. `header` (lower-cased name) decides between quarters and
    /// months for plain numbers; without `quarter`/`qtr`/`month` in it, numbers count only when
    /// `requireNamed` is false, and then 1…4 throughout means quarters, up to 12 months.
    static func read(_ cells: [String], header: String, requireNamed: Bool) -> PeriodColumn? {
        let trimmed = cells.map { $0.trimmingWhitespace() }
        guard !trimmed.isEmpty, !trimmed.contains(where: \.isEmpty) else { return nil }
        if let quarters = mapAll(trimmed, quarterToken) { return PeriodColumn(kind: .quarter, periods: quarters) }
        if let months = mapAll(trimmed, monthNumber) { return PeriodColumn(kind: .month, periods: months) }
        guard let numbers = mapAll(trimmed, { $0.allSatisfy(\.isASCIIDigit) && $0.count <= 2 ? Int($0) : nil }) else { return nil }
        let name = header.lowercased()
        let kind: Kind
        if name.contains("quarter") || name.contains("qtr") {
            kind = .quarter
        } else if name.contains("month") {
            kind = .month
        } else if !requireNamed {
            kind = numbers.allSatisfy { $0 <= 4 } ? .quarter : .month
        } else {
            return nil
        }
        guard numbers.allSatisfy({ (1...kind.periodsPerYear).contains($0) }) else { return nil }
        return PeriodColumn(kind: kind, periods: numbers)
    }

    private static func mapAll(_ cells: [String], _ f: (String) -> Int?) -> [Int]? {
        var out: [Int] = []
        out.reserveCapacity(cells.count)
        for c in cells {
            guard let v = f(c) else { return nil }
            out.append(v)
        }
        return out
    }

    /// `Q1`…`Q4` (either case) → 1…4.
    private static func quarterToken(_ s: String) -> Int? {
        guard s.count == 2, s.first == "Q" || s.first == "q", let n = Int(s.dropFirst()), (1...4).contains(n) else { return nil }
        return n
    }
}

extension TimeSeries {
    /// Dates from a column of years and the period column beside it, when there is one.
    ///
    /// A year column whose years repeat is not yearly data: it needs the quarter or month of each
    /// row, which the next column gives (`Q1`, `Mar`, or numbers under a header naming quarters
    /// or months; unnamed numbers 1…12 count too when every (year, period) pair is distinct).
    /// Returns `nil` when `yearColumn` is not a column of four-digit years with such a neighbour.
    static func yearAndPeriodDates(table: CSVTable, yearColumn: Int, valueColumn: Int) -> [CalendarDate]? {
        let periodIndex = yearColumn + 1
        guard periodIndex < table.columnCount, periodIndex != valueColumn else { return nil }
        var years: [Int] = []
        for row in table.rows {
            let cell = row[yearColumn].trimmingWhitespace()
            guard cell.count == 4, cell.allSatisfy(\.isASCIIDigit), let y = Int(cell) else { return nil }
            years.append(y)
        }
        guard Set(years).count < years.count else { return nil }      // distinct years: yearly data
        let header = table.header.map { $0[periodIndex] } ?? ""
        guard let period = PeriodColumn.read(table.rows.map { $0[periodIndex] }, header: header, requireNamed: false) else {
            return nil
        }
        let dates = period.dates(years: years)
        guard Set(dates).count == dates.count else { return nil }
        return dates
    }

    /// The series on its regular calendar: every date the frequency implies between the first
    /// and last dates gets a row, and rows absent from the file become gaps (`nil`) that the
    /// missing-value policy then fills like empty cells.
    ///
    /// Left as it is when the dates do not all lie on one grid of the inferred spacing, repeat,
    /// or would more than ten-fold the series (a stray date far away), and for daily data whose
    /// only absent days are Saturdays and Sundays (a business-day calendar).
    func withAbsentRows() -> TimeSeries {
        guard let dates, dates.count >= 2, let frequency = SeriesFrequency.infer(dates) else { return self }
        let first = dates[0]
        func position(_ d: CalendarDate) -> Int? {
            switch frequency {
            case .days(let n):
                let delta = d.daysSinceEpoch - first.daysSinceEpoch
                return delta % n == 0 ? delta / n : nil
            case .months(let n):
                let delta = d.monthIndex - first.monthIndex
                return delta % n == 0 && d.day == first.day ? delta / n : nil
            }
        }
        var positions: [Int] = []
        positions.reserveCapacity(dates.count)
        for d in dates {
            guard let p = position(d), p > (positions.last ?? -1) else { return self }
            positions.append(p)
        }
        let count = positions.last! + 1
        guard count > dates.count, count <= 10 * dates.count else { return self }
        var present = [Bool](repeating: false, count: count)
        for p in positions { present[p] = true }
        let gridDates = (0..<count).map { frequency.advance(first, by: $0) }
        if frequency == .days(1) {
            // 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 for Monday … 5, 6 for the weekend.
            let weekendOnly = (0..<count).allSatisfy { present[$0] || ((gridDates[$0].daysSinceEpoch + 3) % 7 + 7) % 7 >= 5 }
            if weekendOnly { return self }
        }
        var filled = [Double?](repeating: nil, count: count)
        for (value, p) in zip(values, positions) { filled[p] = value }
        var out = TimeSeries(file: file, name: name, dates: gridDates, values: filled)
        out.absentRows = absentRows + count - dates.count
        return out
    }
}

/// 1…12 for an English month name or its abbreviation (`Sep`, `Sept`).
private func monthNumber(_ word: String) -> Int? {
    let w = word.lowercased().trimming(".")
    guard w.count >= 3, w.allSatisfy(\.isLetter) else { return nil }
    let names = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                 "november", "december"]
    return names.firstIndex { $0.hasPrefix(w) }.map { $0 + 1 }
}
