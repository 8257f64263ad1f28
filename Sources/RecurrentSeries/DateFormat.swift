/// The date spellings a date column may use. A column uses one of them throughout;
/// `detect(_:)` picks the first, in declaration order, that reads every cell — so `M/D/YYYY`
/// (US) wins over `D/M/YYYY` unless some cell has a first number above 12.
///
/// Years have four digits. Dates without a day (`YYYY-MM`, `Mon-YYYY`, `YYYY`) mean the
/// first day of the month or year. A time after an ISO date (`T…` or ` …`) is ignored.
public enum DateFormat: String, Codable, Sendable, CaseIterable {
    /// `19580329`
    case compact = "YYYYMMDD"
    /// `1958-03-29`, `1958-03-29T12:00:00Z`, `1958-3-29 00:00`
    case iso = "YYYY-MM-DD"
    /// `1958-03`
    case isoMonth = "YYYY-MM"
    /// `1958/03/29`
    case slashYearFirst = "YYYY/MM/DD"
    /// `3/29/1958`
    case monthDayYear = "M/D/YYYY"
    /// `29/3/1958`
    case dayMonthYear = "D/M/YYYY"
    /// `29.3.1958`
    case dotted = "D.M.YYYY"
    /// `Mar-29-1958`, `Mar 29 1958`, `March 29, 1958`
    case monthNameDayYear = "Mon-D-YYYY"
    /// `29-Mar-1958`, `29 Mar 1958`
    case dayMonthNameYear = "D-Mon-YYYY"
    /// `Mar-1958`, `March 1958`
    case monthNameYear = "Mon-YYYY"
    /// `1959Q1`, `1959-Q1`, `1959 Q1`, `Q1 1959`: the first day of the quarter (1959-01-01)
    case yearQuarter = "YYYYQn"
    /// `1958`
    case year = "YYYY"

    /// The date in `text`, or `nil` if `text` is not in this format.
    public func parse(_ text: String) -> CalendarDate? {
        let s = text.trimmingWhitespace()
        switch self {
        case .compact:
            guard s.utf8.count == 8, let n = Int(s), n >= 0, s.allSatisfy(\.isASCIIDigit) else { return nil }
            return CalendarDate(year: n / 10_000, month: n / 100 % 100, day: n % 100)
        case .iso:
            let datePart = s.split(maxSplits: 1, whereSeparator: { $0 == "T" || $0 == " " }).first.map(String.init) ?? ""
            return ymd(datePart, separator: "-")
        case .isoMonth:
            let parts = fields(s, separator: "-", lengths: [4...4, 1...2])
            return parts.flatMap { CalendarDate(year: $0[0], month: $0[1], day: 1) }
        case .slashYearFirst:
            return ymd(s, separator: "/")
        case .monthDayYear:
            let parts = fields(s, separator: "/", lengths: [1...2, 1...2, 4...4])
            return parts.flatMap { CalendarDate(year: $0[2], month: $0[0], day: $0[1]) }
        case .dayMonthYear:
            let parts = fields(s, separator: "/", lengths: [1...2, 1...2, 4...4])
            return parts.flatMap { CalendarDate(year: $0[2], month: $0[1], day: $0[0]) }
        case .dotted:
            let parts = fields(s, separator: ".", lengths: [1...2, 1...2, 4...4])
            return parts.flatMap { CalendarDate(year: $0[2], month: $0[1], day: $0[0]) }
        case .monthNameDayYear:
            let t = words(s)
            guard t.count == 3, let m = monthNumber(t[0]), let d = digits(t[1], 1...2), let y = digits(t[2], 4...4) else { return nil }
            return CalendarDate(year: y, month: m, day: d)
        case .dayMonthNameYear:
            let t = words(s)
            guard t.count == 3, let d = digits(t[0], 1...2), let m = monthNumber(t[1]), let y = digits(t[2], 4...4) else { return nil }
            return CalendarDate(year: y, month: m, day: d)
        case .monthNameYear:
            let t = words(s)
            guard t.count == 2, let m = monthNumber(t[0]), let y = digits(t[1], 4...4) else { return nil }
            return CalendarDate(year: y, month: m, day: 1)
        case .yearQuarter:
            return parseYearQuarter(s)
        case .year:
            guard let y = digits(s, 4...4) else { return nil }
            return CalendarDate(year: y, month: 1, day: 1)
        }
    }

    /// The first format that reads every non-empty cell of `cells`, or `nil`.
    /// Cells that no candidate reads make the whole column undetectable.
    public static func detect<S: Sequence>(_ cells: S) -> DateFormat? where S.Element == String {
        let present = cells.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard !present.isEmpty else { return nil }
        return allCases.first { format in present.allSatisfy { format.parse($0) != nil } }
    }
}

private func ymd(_ s: String, separator: Character) -> CalendarDate? {
    fields(s, separator: separator, lengths: [4...4, 1...2, 1...2]).flatMap {
        CalendarDate(year: $0[0], month: $0[1], day: $0[2])
    }
}

/// `s` split on `separator` into exactly `lengths.count` all-digit fields of those lengths.
private func fields(_ s: String, separator: Character, lengths: [ClosedRange<Int>]) -> [Int]? {
    let parts = s.split(separator: separator, omittingEmptySubsequences: false)
    guard parts.count == lengths.count else { return nil }
    var values: [Int] = []
    for (part, length) in zip(parts, lengths) {
        guard let v = digits(String(part), length) else { return nil }
        values.append(v)
    }
    return values
}

private func digits(_ s: String, _ length: ClosedRange<Int>) -> Int? {
    guard length.contains(s.count), s.allSatisfy(\.isASCIIDigit) else { return nil }
    return Int(s)
}

/// `YYYY[-/ ]Qn` or `Qn[-/ ]YYYY` (the Q in either case), as the first day of quarter n.
private func parseYearQuarter(_ s: String) -> CalendarDate? {
    let upper = s.uppercased()
    guard let q = upper.firstIndex(of: "Q") else { return nil }
    let before = String(upper[..<q]).trimmingCharacters(in: "-/ ")
    let after = upper[upper.index(after: q)...]
    let (yearText, rest): (String, Substring)
    if before.isEmpty {
        // Q1 1959: one digit, a separator, then the year.
        guard let quarter = after.first, let separatorEnd = after.dropFirst().firstIndex(where: { !"-/ ".contains($0) }),
              separatorEnd > after.index(after: after.startIndex) else { return nil }
        yearText = String(after[separatorEnd...])
        rest = Substring(String(quarter))
    } else {
        yearText = before
        rest = after
    }
    guard let y = digits(yearText, 4...4), let n = digits(String(rest), 1...1), (1...4).contains(n) else { return nil }
    return CalendarDate(year: y, month: 3 * (n - 1) + 1, day: 1)
}

/// Tokens separated by `-`, spaces or commas (`March 29, 1958` → March, 29, 1958).
private func words(_ s: String) -> [String] {
    s.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == "," }).map(String.init)
}

private let monthNames = ["january", "february", "march", "april", "may", "june", "july",
                          "august", "september", "october", "november", "december"]

/// 1…12 for an English month name or its abbreviation of three letters or more (`Sep`, `Sept`).
private func monthNumber(_ word: String) -> Int? {
    let w = word.lowercased().trimming(".")
    guard w.count >= 3 else { return nil }
    return monthNames.firstIndex { $0.hasPrefix(w) }.map { $0 + 1 }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }

    /// `self` without any of `characters` at either end.
    func trimmingCharacters(in characters: String) -> String {
        var s = Substring(self)
        while let c = s.first, characters.contains(c) { s.removeFirst() }
        while let c = s.last, characters.contains(c) { s.removeLast() }
        return String(s)
    }

    func trimming(_ character: Character) -> String {
        var s = Substring(self)
        while s.first == character { s.removeFirst() }
        while s.last == character { s.removeLast() }
        return String(s)
    }
}
