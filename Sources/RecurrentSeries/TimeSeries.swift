/// One numeric column read from a file, in time order, with gaps still marked.
///
/// `values[i]` is `nil` where the file has no value (an empty cell or a missing-value token);
/// `TimeSeries.filled(_:)` turns it into a complete series.
public struct TimeSeries: Sendable, Equatable {
    /// The file it came from (for messages).
    public var file: String
    /// The value column's name.
    public var name: String
    /// One date per value, ascending; `nil` when the data has no date column.
    public var dates: [CalendarDate]?
    public var values: [Double?]
    /// How many of the `nil` values are rows absent from the file (dates the calendar implies
    /// but the file lacks), rather than empty cells; see `withAbsentRows()`.
    public var absentRows = 0

    public init(file: String = "", name: String, dates: [CalendarDate]? = nil, values: [Double?]) {
        precondition(dates == nil || dates!.count == values.count, "one date per value")
        self.file = file
        self.name = name
        self.dates = dates
        self.values = values
    }

    /// How many values are missing.
    public var missingCount: Int { values.reduce(0) { $0 + ($1 == nil ? 1 : 0) } }

    /// The spacing of `dates`, if any.
    public var frequency: SeriesFrequency? { dates.flatMap(SeriesFrequency.infer) }
}

extension TimeSeries {
    /// Reads the series in column `column` of a long-format table (one row per time step).
    ///
    /// - Parameter dateColumn: the column of dates, or `YEAR,PERIOD`: a column of years and
    ///   one of quarters or months; when `nil`, the first column is used if it is not `column`
    ///   and every cell of it reads as a date in one format, else the series is undated. A
    ///   date column of repeating years takes the quarter or month column beside it
    ///   (`yearAndPeriodDates`). Rows are put in date order (stably) when the file lists them
    ///   otherwise, and rows absent from a regular calendar become gaps (`withAbsentRows`).
    public init(table: CSVTable, column: String, dateColumn: String? = nil) throws {
        let valueIndex = try table.columnIndex(column)
        var values = try table.numericColumn(valueIndex)
        var dates: [CalendarDate]?
        var dateIndex: Int?
        if let dateColumn, dateColumn.contains(",") {
            dates = try Self.parseYearAndPeriod(table: table, columns: dateColumn)
        } else if let dateColumn {
            dateIndex = try table.columnIndex(dateColumn)
        } else if valueIndex != 0, table.columnCount > 1, DateFormat.detect(table.rows.map { $0[0] }) != nil {
            dateIndex = 0
        }
        if let dateIndex {
            dates = try Self.yearAndPeriodDates(table: table, yearColumn: dateIndex, valueColumn: valueIndex)
                ?? Self.parseDates(table: table, column: dateIndex)
        }
        if let d = dates, zip(d, d.dropFirst()).contains(where: { $0 > $1 }) {
            let order = d.indices.sorted { (d[$0], $0) < (d[$1], $1) }
            dates = order.map { d[$0] }
            values = order.map { values[$0] }
        }
        self = TimeSeries(file: table.file, name: table.columnName(valueIndex), dates: dates, values: values)
            .withAbsentRows()
    }

    /// Reads a wide-format table — one row per period (a year), one column per season
    /// (a month) — unrolled row by row into one long series.
    ///
    /// - Parameter periodColumn: the column naming the period (default: the first column);
    ///   every other column is a season, in file order. With 12, 4 or 1 season columns and a
    ///   period column of years, the values are dated (month `j` of that year, quarter, year).
    public init(wideTable table: CSVTable, periodColumn: String? = nil) throws {
        let periodIndex = try periodColumn.map(table.columnIndex) ?? 0
        let seasonColumns = (0..<table.columnCount).filter { $0 != periodIndex }
        guard !seasonColumns.isEmpty else {
            throw SeriesError.invalidArgument("\(table.file): --wide needs a period column and at least one value column.")
        }
        var values: [Double?] = []
        values.reserveCapacity(table.rows.count * seasonColumns.count)
        for r in table.rows.indices {
            for c in seasonColumns { values.append(try table.number(row: r, column: c, allowMissing: true)) }
        }
        var dates: [CalendarDate]?
        let monthsPerSeason = [12: 1, 4: 3, 1: 12][seasonColumns.count]
        var years: [Int] = []
        for r in table.rows.indices {
            let cell = table.rows[r][periodIndex].trimmingWhitespace()
            guard cell.count == 4, let year = Int(cell) else { years = []; break }
            years.append(year)
        }
        if let step = monthsPerSeason, years.count == table.rows.count {
            dates = years.flatMap { year in
                seasonColumns.indices.map { j in CalendarDate(year: year, month: 1 + j * step, day: 1)! }
            }
        }
        if let d = dates, zip(d, d.dropFirst()).contains(where: { $0 > $1 }) {
            let order = d.indices.sorted { (d[$0], $0) < (d[$1], $1) }
            dates = order.map { d[$0] }
            values = order.map { values[$0] }
        }
        let base = table.file.split(separator: "/").last.map(String.init) ?? table.file
        let name = base.hasSuffix(".csv") ? String(base.dropLast(4)) : base
        self.init(file: table.file, name: name, dates: dates, values: values)
    }

    /// Reads `path` in long (or, with `wide`, wide) format.
    public static func read(contentsOf path: String, column: String?, dateColumn: String? = nil,
                            wide: Bool = false) throws -> TimeSeries {
        let table = try CSVTable.read(contentsOf: path, header: .auto)
        if wide { return try TimeSeries(wideTable: table, periodColumn: dateColumn) }
        guard let column else {
            throw SeriesError.invalidArgument("\(path): name the value column with --column (columns: "
                + (0..<table.columnCount).map { "'\(table.columnName($0))'" }.joined(separator: ", ") + ").")
        }
        return try TimeSeries(table: table, column: column, dateColumn: dateColumn)
    }

    /// Dates from `columns` = `YEAR,PERIOD`: four-digit years and quarters or months.
    private static func parseYearAndPeriod(table: CSVTable, columns: String) throws -> [CalendarDate] {
        let names = columns.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
        guard names.count == 2, !names[0].isEmpty, !names[1].isEmpty else {
            throw SeriesError.invalidArgument("--date-column '\(columns)': give one column, or two as YEAR,PERIOD "
                + "(a column of years and one of quarters or months), e.g. --date-column year,quarter.")
        }
        let yearIndex = try table.columnIndex(names[0]), periodIndex = try table.columnIndex(names[1])
        var years: [Int] = []
        for (r, row) in table.rows.enumerated() {
            let cell = row[yearIndex].trimmingWhitespace()
            guard cell.count == 4, cell.allSatisfy(\.isASCIIDigit), let y = Int(cell) else {
                throw SeriesError.invalidDate(file: table.file, row: table.rowNumbers[r], column: table.columnName(yearIndex),
                                              value: row[yearIndex])
            }
            years.append(y)
        }
        let cells = table.rows.map { $0[periodIndex] }
        guard let period = PeriodColumn.read(cells, header: table.columnName(periodIndex), requireNamed: false) else {
            throw SeriesError.invalidArgument("\(table.file): column '\(table.columnName(periodIndex))' is not a quarter "
                + "(1–4, Q1–Q4) or month (1–12, Jan–Dec) in every row.")
        }
        return period.dates(years: years)
    }

    private static func parseDates(table: CSVTable, column: Int) throws -> [CalendarDate] {
        let cells = table.rows.map { $0[column] }
        let name = table.columnName(column)
        guard let format = DateFormat.detect(cells) else {
            // Name the first cell that no format reads, or the first that breaks the majority format.
            let best = DateFormat.allCases.max { a, b in
                cells.lazy.filter { a.parse($0) != nil }.count < cells.lazy.filter { b.parse($0) != nil }.count
            }!
            let bad = cells.firstIndex { best.parse($0) == nil } ?? 0
            throw SeriesError.invalidDate(file: table.file, row: table.rowNumbers[bad], column: name, value: cells[bad])
        }
        return try cells.indices.map { i in
            guard let date = format.parse(cells[i]) else {
                throw SeriesError.invalidDate(file: table.file, row: table.rowNumbers[i], column: name, value: cells[i])
            }
            return date
        }
    }
}
