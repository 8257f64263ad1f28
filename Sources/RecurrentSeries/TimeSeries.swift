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
    /// - Parameter dateColumn: the column of dates; when `nil`, the first column is used if it
    ///   is not `column` and every cell of it reads as a date in one format, else the series is
    ///   undated. Rows are put in date order (stably) when the file lists them otherwise.
    public init(table: CSVTable, column: String, dateColumn: String? = nil) throws {
        let valueIndex = try table.columnIndex(column)
        var values = try table.numericColumn(valueIndex)
        var dates: [CalendarDate]?
        if let dateColumn {
            let dateIndex = try table.columnIndex(dateColumn)
            dates = try Self.parseDates(table: table, column: dateIndex)
        } else if valueIndex != 0, table.columnCount > 1, DateFormat.detect(table.rows.map { $0[0] }) != nil {
            dates = try Self.parseDates(table: table, column: 0)
        }
        if let d = dates, zip(d, d.dropFirst()).contains(where: { $0 > $1 }) {
            let order = d.indices.sorted { (d[$0], $0) < (d[$1], $1) }
            dates = order.map { d[$0] }
            values = order.map { values[$0] }
        }
        self.init(file: table.file, name: table.columnName(valueIndex), dates: dates, values: values)
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
